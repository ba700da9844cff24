import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stackNameFor, stageFor } from '../lib/stage';
import { TicketDropStack } from '../lib/ticketdrop-stack';
import type { CloudFormationTemplate } from './stepfunctions';

/**
 * The CDK app, synthesized in-process for the local stack. A module of its own so that only a
 * start that must synthesize loads aws-cdk-lib (local/template-cache.ts imports it on a miss).
 */

/**
 * Synthesizes the stack without bundling (the local side runs sources) and without the page: the
 * local stack serves frontend/dist itself and never reads the site's resources, so leaving the
 * build out keeps the template independent of it (a page rebuild does not invalidate the cache)
 * and spares fingerprinting it.
 */
export function synthesizeTemplate(stageName = 'local'): CloudFormationTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'ticketdrop-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stage = stageFor(stageName);
    const stack = new TicketDropStack(app, stackNameFor(stage), { stage, siteBuild: {} });
    return Template.fromStack(stack).toJSON() as CloudFormationTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
