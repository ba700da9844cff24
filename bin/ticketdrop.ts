import { App } from 'aws-cdk-lib';
import { InvalidStageName, type Stage, stackNameFor, stageFromContext } from '../lib/stage';
import { TicketDropStack } from '../lib/ticketdrop-stack';
import { ensureFrontendBuilt } from '../lib/web/frontend-build';

/** CDK app: one stack per stage, `cdk synth -c stage=<name>` (default `dev`). */
const app = new App();
const stage = readStage(app);

// The site deploys frontend/dist: build it when it is missing or older than its sources (vite,
// offline, a few seconds), so a deploy never ships a stale page. `-c buildWeb=false` skips it.
if (app.node.tryGetContext('buildWeb') !== 'false' && app.node.tryGetContext('buildWeb') !== false) {
  if (await ensureFrontendBuilt()) console.error('Built the frontend into frontend/dist.');
}

new TicketDropStack(app, stackNameFor(stage), {
  stage,
  // Set by the CLI from the current credentials; absent (env-agnostic) when synthesizing offline.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

function readStage(app: App): Stage {
  try {
    return stageFromContext(app.node.tryGetContext('stage'));
  } catch (error) {
    if (!(error instanceof InvalidStageName)) throw error;
    // A one-line message instead of a stack trace: this is a usage error, not a bug.
    console.error(error.message);
    process.exit(1);
  }
}
