import { mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudFormationTemplate } from '../../local/stepfunctions';
import { cachedTemplate, templateCacheFile, templateCacheKey, templateInputs } from '../../local/template-cache';

/**
 * The synthesized-template cache on a small project of its own in a temporary folder: which
 * changes re-synthesize, which do not, and that a missing or damaged cache is simply rebuilt.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const FILES: Record<string, string> = {
  'lib/stack.ts':
    "import { PRICE } from '../lambdas/core/prices';\nimport { Table } from './data/table';\nexport const stack = [PRICE, Table];\n",
  'lib/data/table.ts': "export type { Row } from '../../lambdas/core/rows';\nexport const Table = 'table';\n",
  'lib/notes.md': 'Constructs.\n',
  'lambdas/core/prices.ts': "import { CURRENCY } from './currency.js';\nexport const PRICE = `4500 ${CURRENCY}`;\n",
  'lambdas/core/currency.ts': "export const CURRENCY = 'EUR';\n",
  'lambdas/core/rows.ts': 'export interface Row { id: string }\n',
  'lambdas/core/unrelated.ts': 'export const unrelated = 1;\n',
  'lambdas/steps/charge.ts': 'export const handler = async () => ({});\n',
  'local/synthesize-template.ts':
    "import { stack } from '../lib/stack';\nexport const synthesizeTemplate = () => stack;\n",
  'package-lock.json': '{"lockfileVersion":3}\n',
  'cdk.json': '{"app":"npx tsx bin/app.ts"}\n',
  'tsconfig.json': '{}\n',
};

const TEMPLATE: CloudFormationTemplate = {
  Resources: {
    ChargeFunction: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'ticketdrop:entry': 'lambdas/steps/charge.ts' },
      Properties: {},
    },
  },
};

describe('the synthesized-template cache', () => {
  let project: string;
  let cacheDir: string;
  let syntheses: number;

  const load = () =>
    cachedTemplate({
      projectRoot: project,
      cacheDir,
      stage: 'local',
      synthesize: () => {
        syntheses += 1;
        return structuredClone(TEMPLATE);
      },
    });
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(project, path)), { recursive: true });
    await writeFile(join(project, path), text);
  };
  const key = () => templateCacheKey(project, 'local');

  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), 'ticketdrop-template-cache-'));
    cacheDir = join(project, '.ticketdrop', 'cache');
    syntheses = 0;
    for (const [path, text] of Object.entries(FILES)) await write(path, text);
  });

  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('synthesizes without a cache (a fresh clone), then reuses the same template while nothing changed', async () => {
    expect(await load()).toEqual({ template: TEMPLATE, reused: false });
    expect(await load()).toEqual({ template: TEMPLATE, reused: true });
    expect(await load()).toEqual({ template: TEMPLATE, reused: true });
    expect(syntheses).toBe(1);
  });

  it('is keyed by lib/, the project files lib/ imports (followed transitively), the config files and the synthesizing module', async () => {
    expect(await templateInputs(project)).toEqual([
      'cdk.json',
      'lambdas/core/currency.ts',
      'lambdas/core/prices.ts',
      'lambdas/core/rows.ts',
      'lib/data/table.ts',
      'lib/notes.md',
      'lib/stack.ts',
      'local/synthesize-template.ts',
      'node_modules/aws-cdk-lib/package.json',
      'node_modules/constructs/package.json',
      'package-lock.json',
      'tsconfig.json',
    ]);
  });

  it('synthesizes again after any change to what the template is made of, and only then', async () => {
    await load();
    const changes: [string, string][] = [
      ['lib/data/table.ts', `${FILES['lib/data/table.ts']}// a comment is a change too\n`],
      ['lib/orders/new-construct.ts', 'export const added = 1;\n'],
      ['lambdas/core/currency.ts', "export const CURRENCY = 'USD';\n"],
      ['package-lock.json', '{"lockfileVersion":3,"packages":{}}\n'],
      ['node_modules/aws-cdk-lib/package.json', '{"version":"2.999.0"}\n'],
      ['cdk.json', '{"app":"npx tsx bin/app.ts","context":{}}\n'],
      ['local/synthesize-template.ts', `${FILES['local/synthesize-template.ts']}// changed\n`],
    ];
    let expected = 1;
    for (const [path, text] of changes) {
      await write(path, text);
      expect(await load(), path).toMatchObject({ reused: false });
      expect(await load(), path).toMatchObject({ reused: true });
      expected += 1;
      expect(syntheses, path).toBe(expected);
    }
  });

  it('keeps the cache when only handler code or other files that lib/ does not import change', async () => {
    await load();
    await write('lambdas/core/unrelated.ts', 'export const unrelated = 2;\n');
    await write('lambdas/steps/charge.ts', 'export const handler = async () => ({ charged: true });\n');
    await write('frontend/src/main.tsx', 'export {};\n');
    expect(await load()).toMatchObject({ reused: true });
    expect(syntheses).toBe(1);
  });

  it('hashes contents, not times: rewriting a file with the same text keeps the cache', async () => {
    await load();
    await write('lib/stack.ts', FILES['lib/stack.ts']!);
    expect(await load()).toMatchObject({ reused: true });
  });

  it('is keyed by the stage', async () => {
    expect(await templateCacheKey(project, 'local')).not.toBe(await templateCacheKey(project, 'dev'));
  });

  it('ignores a damaged or foreign cache file and replaces it with a good one', async () => {
    await load();
    const file = templateCacheFile(cacheDir, 'local');
    const good = await readFile(file, 'utf8');
    const [header, body] = [good.slice(0, good.indexOf('\n')), good.slice(good.indexOf('\n') + 1)];
    const damaged = [
      '',
      'not json at all',
      good.slice(0, good.length / 2), // truncated
      `${header}\n${body.replace('ChargeFunction', 'ChargeFunctiom')}`, // parseable, but not what was written
      `${header.replace(/"key":"[0-9a-f]+"/, `"key":"${'0'.repeat(64)}"`)}\n${body}`, // another tree's
      `${header}\nnull`,
    ];
    for (const text of damaged) {
      await writeFile(file, text);
      const before = syntheses;
      expect(await load()).toEqual({ template: TEMPLATE, reused: false });
      expect(syntheses).toBe(before + 1);
      expect(await readFile(file, 'utf8')).toBe(good);
      expect(await load()).toMatchObject({ reused: true });
    }
  });

  it('synthesizes again when a handler module the template names is gone (so the CDK reports it)', async () => {
    await load();
    await unlink(join(project, 'lambdas/steps/charge.ts'));
    expect(await load()).toMatchObject({ reused: false });
  });

  it('still starts when the cache cannot be written', async () => {
    await write('.ticketdrop/cache', 'a file where the folder should be');
    expect(await load()).toEqual({ template: TEMPLATE, reused: false });
    expect(await load()).toEqual({ template: TEMPLATE, reused: false });
  });

  it('does not depend on where the project is: the key is relative to the root', async () => {
    const before = await key();
    const moved = `${project}-moved`;
    await rm(moved, { recursive: true, force: true });
    const { cp } = await import('node:fs/promises');
    await cp(project, moved, { recursive: true });
    try {
      expect(await templateCacheKey(moved, 'local')).toBe(before);
    } finally {
      await rm(moved, { recursive: true, force: true });
    }
  });
});

describe('the template inputs of this repository', () => {
  it('include the constructs, the shared contract they import, and the lock file, but no handler or core module', async () => {
    const inputs = await templateInputs(repoRoot);
    expect(inputs).toEqual(
      expect.arrayContaining([
        'lib/ticketdrop-stack.ts',
        'contract/handler-entries.ts',
        'contract/order-flow-settings.ts',
        'local/synthesize-template.ts',
        'package-lock.json',
      ]),
    );
    expect(inputs.filter((file) => file.startsWith('lambdas/'))).toEqual([]);
    expect(inputs.filter((file) => file.startsWith('node_modules/') || file.startsWith('frontend/'))).toEqual([
      'node_modules/aws-cdk-lib/package.json',
      'node_modules/constructs/package.json',
    ]);
  });
});
