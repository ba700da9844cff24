import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRY_METADATA, PROJECT_ROOT } from '../../lib/constructs/node-handler';

const run = promisify(execFile);

interface SynthesizedFunction {
  Type: string;
  Metadata?: { 'aws:asset:path'?: string; [HANDLER_ENTRY_METADATA]?: string };
  Properties: { Runtime: string; Handler: string; Environment?: { Variables?: Record<string, unknown> } };
}

/**
 * The one bound on each CLI run: against a hang, not a speed check. A synth with real bundling
 * takes about 25 s on a quiet 2-core machine and several times that on a busy one (the earlier
 * 110 s budget failed there while CI passed), so the budget is generous and the tests assert no
 * duration. Both stages are synthesized once, up front, one after the other (not side by side on
 * two shared cores); the tests then only read what the CLI wrote.
 */
const CLI_BUDGET_MS = 10 * 60_000;

/** The pinned CLI itself, without `npx` resolving it on every run; the app is cdk.json's own. */
const CDK_CLI = join(PROJECT_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

async function cdkSynth(stage: string, output: string): Promise<void> {
  await run(process.execPath, [CDK_CLI, 'synth', '--quiet', '-c', `stage=${stage}`, '--output', output], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    timeout: CLI_BUDGET_MS,
  });
}

/**
 * The real CLI end to end, offline: the pinned aws-cdk CLI must read this aws-cdk-lib's cloud
 * assembly, and esbuild must bundle the handlers locally (no Docker). The in-process tests skip
 * bundling, so this is where a broken handler build shows up before a deploy.
 */
describe('cdk synth with the real CLI', () => {
  let outDir = '';
  let prodOut = '';

  beforeAll(
    async () => {
      // Outside the project on purpose: its package.json says "type": "module", which would make
      // Node read the CommonJS bundles as ES modules when we load them below (Lambda would not).
      outDir = await mkdtemp(join(tmpdir(), 'ticketdrop-synth-'));
      prodOut = join(outDir, 'prod');
      await cdkSynth('citest', outDir);
      await cdkSynth('prod-ci', prodOut);
    },
    2 * CLI_BUDGET_MS + 60_000,
  );

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('writes the template and a loadable bundle for every Node.js function', async () => {
    const templatePath = join(outDir, 'TicketDrop-citest.template.json');
    const template = JSON.parse(await readFile(templatePath, 'utf8')) as {
      Resources: Record<string, SynthesizedFunction>;
    };
    // TicketDrop's own functions (CDK's deploy-time helpers bring their own packaging).
    const functions = Object.values(template.Resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        r.Properties.Runtime.startsWith('nodejs') &&
        r.Metadata?.[HANDLER_ENTRY_METADATA],
    );
    expect(functions).not.toHaveLength(0);

    for (const fn of functions) {
      const assetPath = fn.Metadata?.['aws:asset:path'];
      expect(assetPath, 'asset path in the template metadata').toBeDefined();
      const [file, exportName] = fn.Properties.Handler.split('.');
      const bundle = join(outDir, assetPath ?? '', `${file}.js`);
      expect(existsSync(bundle), `${bundle} exists`).toBe(true);
      if (String(fn.Properties.Environment?.Variables?.NODE_OPTIONS).includes('--enable-source-maps')) {
        expect(existsSync(`${bundle}.map`), `${bundle}.map exists`).toBe(true);
      }
      await expectExport(bundle, exportName ?? '', Object.keys(fn.Properties.Environment?.Variables ?? {}));
    }
  });

  it('synthesizes a second, prod-like stage from the same build: data retained, same site assets', async () => {
    type Template = {
      Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }>;
      Outputs: Record<string, unknown>;
    };
    const read = async (dir: string, stack: string) =>
      JSON.parse(await readFile(join(dir, `${stack}.template.json`), 'utf8')) as Template;
    const [dev, prod] = await Promise.all([read(outDir, 'TicketDrop-citest'), read(prodOut, 'TicketDrop-prod-ci')]);

    for (const template of [dev, prod]) {
      expect(Object.keys(template.Outputs)).toEqual(
        expect.arrayContaining(['SiteUrl', 'ApiUrl', 'WebSocketUrl', 'AdminApiKeySecretArn']),
      );
    }
    const tables = (t: Template) => Object.values(t.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table');
    expect(tables(prod).every((t) => t.DeletionPolicy === 'Retain')).toBe(true);
    expect(tables(dev).every((t) => t.DeletionPolicy === 'Delete')).toBe(true);
    // One stage-independent frontend build: both stages upload the very same build; only
    // config.json (the last source of the shell deployment) names each stage's WebSocket.
    const buildSources = (t: Template) =>
      Object.values(t.Resources)
        .filter((r) => r.Type === 'Custom::CDKBucketDeployment')
        .map((r) => {
          const keys = r.Properties.SourceObjectKeys as string[];
          return JSON.stringify(r.Properties.DestinationBucketKeyPrefix === 'assets/' ? keys : keys.slice(0, -1));
        })
        .sort();
    expect(buildSources(prod)).toEqual(buildSources(dev));
  });

  it('refuses a bad stage name with one clear line, not a stack trace', async () => {
    const failure: unknown = await run('npx', ['tsx', 'bin/ticketdrop.ts'], {
      cwd: PROJECT_ROOT,
      timeout: CLI_BUDGET_MS,
      // How the CLI hands `-c stage=...` and the output folder to the app.
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ stage: 'Bad_Name' }), CDK_OUTDIR: join(outDir, 'bad') },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^Invalid stage name "Bad_Name": use 1-16 lowercase letters/m),
    });
    expect(failure).not.toMatchObject({ stderr: expect.stringMatching(/\n\s+at /) });
  });
});

/**
 * Loads a bundle in a fresh Node process, as Lambda would, with every variable its function's
 * configuration sets (placeholder values: the template's are CloudFormation references), and
 * checks the handler export.
 */
async function expectExport(bundle: string, exportName: string, variables: readonly string[]): Promise<void> {
  const probe =
    `const m = require(${JSON.stringify(bundle)});` +
    `if (typeof m[${JSON.stringify(exportName)}] !== 'function') { console.error('no export'); process.exit(1); }`;
  const configured = Object.fromEntries(
    variables.filter((v) => v !== 'NODE_OPTIONS').map((variable) => [variable, 'probe']),
  );
  // The Lambda runtime provides the AWS SDK (kept out of the bundle); here the project's copy does.
  const env = { ...process.env, ...configured, NODE_PATH: join(PROJECT_ROOT, 'node_modules') };
  await expect(run(process.execPath, ['--no-warnings', '-e', probe], { env })).resolves.toBeDefined();
}
