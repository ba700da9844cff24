import { createHash, randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { HANDLER_ENTRY_METADATA } from '../contract/handler-entries';
import type { CloudFormationTemplate } from './stepfunctions';

/**
 * The synthesized CDK template, reused between local starts while nothing it is made of changed.
 * Synthesizing the whole app costs seconds (and loading aws-cdk-lib another one) at every
 * `npm start`; the local stack only needs the result.
 *
 * The key is a SHA-256 over the *contents* of everything the synthesis reads:
 * - every file under `lib/` (the constructs), and every project file they import, followed
 *   transitively (e.g. the payment constants in lambdas/core that lib/orders/ uses);
 * - the module that synthesizes (local/synthesize-template.ts) and what it imports;
 * - package-lock.json (the aws-cdk-lib version and every other dependency), the installed
 *   aws-cdk-lib's and constructs' package.json, cdk.json, tsconfig.json;
 * - the stage, and the `CDK_*` environment variables (the CDK reads context from them);
 * - a format version of this cache.
 * Contents rather than mtimes: the files are a few hundred KB, hashed in milliseconds, and a
 * content hash neither misses an edit that kept the mtime (a checkout, a copy with `cp -p`, two
 * edits within the clock's resolution) nor re-synthesizes after a `touch` or a fresh checkout.
 * Handler modules (lambdas/) are not part of it unless lib/ imports them: without bundling the
 * template names a handler by its entry path only, which lives in lib/. An entry file must still
 * exist (the CDK refuses to synthesize otherwise), so a cached template whose entries are missing
 * is synthesized again, and the CDK's own error says what is wrong.
 *
 * The file holds one header line (key and a checksum of the template text) and the template. A
 * file that is unreadable, of another key, or whose checksum does not match is ignored and
 * replaced; it is written to a temporary name and renamed, so parallel starts never read half a
 * file. A cache that cannot be written only costs the next start its synthesis.
 */

const CACHE_FORMAT = 'ticketdrop-template-cache/1';

/**
 * Project files whose contents decide the template besides lib/ and what it imports; the installed
 * CDK's own package files too, in case node_modules is not what the lock file says.
 */
const CONFIG_FILES = [
  'package-lock.json',
  'cdk.json',
  'tsconfig.json',
  'node_modules/aws-cdk-lib/package.json',
  'node_modules/constructs/package.json',
];
/** The synthesizing module: its imports (lib/ticketdrop-stack.ts, lib/stage.ts) are followed. */
const SYNTH_MODULE = 'local/synthesize-template.ts';

export interface TemplateCacheOptions {
  readonly projectRoot: string;
  /** Folder of the cache file (created when missing). */
  readonly cacheDir: string;
  /** The stage synthesized (part of the key and of the file name). */
  readonly stage: string;
  /** Called when there is no usable cached template. */
  readonly synthesize: () => CloudFormationTemplate | Promise<CloudFormationTemplate>;
}

export interface CachedTemplate {
  readonly template: CloudFormationTemplate;
  /** True when it came from the cache, false when it was synthesized now. */
  readonly reused: boolean;
}

export async function cachedTemplate(options: TemplateCacheOptions): Promise<CachedTemplate> {
  const key = await templateCacheKey(options.projectRoot, options.stage);
  const file = templateCacheFile(options.cacheDir, options.stage);
  const cached = await readCache(file, key);
  if (cached && entriesExist(options.projectRoot, cached)) return { template: cached, reused: true };
  const template = await options.synthesize();
  await writeCache(file, key, template);
  return { template, reused: false };
}

export function templateCacheFile(cacheDir: string, stage: string): string {
  return join(cacheDir, `template-${stage}.json`);
}

/** The hash of everything the synthesis reads (see above); equal keys mean equal templates. */
export async function templateCacheKey(projectRoot: string, stage: string): Promise<string> {
  const root = resolve(projectRoot);
  const files = await filesOfTheTemplate(root);
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0stage=${stage}\0`);
  const cdkEnvironment = Object.entries(process.env)
    .filter(([name]) => name.startsWith('CDK_'))
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [name, value] of cdkEnvironment) hash.update(`env:${name}=${value ?? ''}\0`);
  for (const file of files) {
    const content = await readFile(file).catch(() => undefined);
    hash.update(`file:${relative(root, file).split(sep).join('/')}\0`);
    hash.update(content === undefined ? 'missing\0' : `${createHash('sha256').update(content).digest('hex')}\0`);
  }
  return hash.digest('hex');
}

/** The files the key is made of, relative to the project root (what a change to re-synthesizes). */
export async function templateInputs(projectRoot: string): Promise<string[]> {
  const root = resolve(projectRoot);
  return (await filesOfTheTemplate(root)).map((file) => relative(root, file).split(sep).join('/'));
}

/** lib/**, the config files, the synthesizing module, and every project file they import. */
async function filesOfTheTemplate(root: string): Promise<string[]> {
  const found = new Set<string>([
    ...(await filesUnder(join(root, 'lib'))),
    ...CONFIG_FILES.map((name) => join(root, name)),
    join(root, SYNTH_MODULE),
  ]);
  const queue = [...found].filter(isSource);
  while (queue.length > 0) {
    const file = queue.pop()!;
    const source = await readFile(file, 'utf8').catch(() => '');
    for (const specifier of relativeImports(source)) {
      const target = resolveImport(file, specifier);
      // Outside the project (or unresolvable: the synthesis fails on it anyway) is not followed.
      if (!target?.startsWith(root + sep) || target.includes(`${sep}node_modules${sep}`) || found.has(target)) continue;
      found.add(target);
      if (isSource(target)) queue.push(target);
    }
  }
  return [...found].sort();
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];

function isSource(file: string): boolean {
  return SOURCE_EXTENSIONS.some((extension) => file.endsWith(extension));
}

/**
 * The relative specifiers a module imports: `import … from './x'`, `export … from './x'`,
 * `import './x'` and `import('./x')` — type-only imports included, which can only add files.
 */
export function relativeImports(source: string): string[] {
  const specifiers = new Set<string>();
  const patterns = [/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g, /\bimport\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.add(match[1]!);
  return [...specifiers];
}

/** How tsx and the bundler resolve a relative specifier: as written, `.js` → `.ts`, no extension, or a folder's index. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    ...(/\.[cm]?js$/.test(base) ? [base.replace(/js$/, 'ts')] : []),
    ...SOURCE_EXTENSIONS.map((extension) => base + extension),
    `${base}.json`,
    ...SOURCE_EXTENSIONS.map((extension) => join(base, `index${extension}`)),
  ];
  return candidates.find(isFile);
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

async function readCache(file: string, key: string): Promise<CloudFormationTemplate | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(text.slice(0, newline)) as { format?: unknown; key?: unknown; sha256?: unknown };
    const body = text.slice(newline + 1);
    if (header.format !== CACHE_FORMAT || header.key !== key || header.sha256 !== sha256(body)) return undefined;
    const template = JSON.parse(body) as CloudFormationTemplate;
    return isTemplate(template) ? template : undefined;
  } catch {
    return undefined; // corrupt: synthesized again and overwritten
  }
}

async function writeCache(file: string, key: string, template: CloudFormationTemplate): Promise<void> {
  const body = JSON.stringify(template);
  const temporary = `${file}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, `${JSON.stringify({ format: CACHE_FORMAT, key, sha256: sha256(body) })}\n${body}`);
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

function isTemplate(value: unknown): value is CloudFormationTemplate {
  const resources = (value as { Resources?: unknown } | null)?.Resources;
  return typeof resources === 'object' && resources !== null && !Array.isArray(resources);
}

/** Every handler module the template names still exists (the CDK checks this when it synthesizes). */
function entriesExist(projectRoot: string, template: CloudFormationTemplate): boolean {
  return Object.values(template.Resources ?? {}).every((resource) => {
    const entry = resource.Metadata?.[HANDLER_ENTRY_METADATA];
    return typeof entry !== 'string' || existsSync(join(projectRoot, entry));
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
