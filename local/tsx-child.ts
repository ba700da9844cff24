import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A part of the local stack in a Node process of its own (the event routes, the live map's tick
 * builder): `node --import tsx <script> '<options as JSON>'` with an IPC channel, its output passed
 * on, stopped by its pid. Each part's own file says why it runs apart and what crosses the channel.
 */
export interface TsxChild {
  readonly pid: number;
  /** SIGTERM, then waits for the exit; idempotent. */
  stop(): Promise<void>;
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_WITHIN_MS = 60_000;

export interface TsxChildHooks<Ready> {
  /** What the child's ready message carries; undefined for every other message. */
  readonly readyOf: (message: unknown) => Ready | undefined;
  /** Every message the child sends, from the start (listening from the spawn, none is missed). */
  readonly onMessage?: (message: unknown) => void;
  readonly onOutput?: (text: string) => void;
}

/**
 * Starts `script` and resolves with what its first ready message carries. Rejects, with the
 * child stopped, when it exits first or is not ready within 60 s.
 */
export async function startTsxChild<Ready>(
  script: URL,
  options: unknown,
  what: string,
  hooks: TsxChildHooks<Ready>,
): Promise<TsxChild & { readonly ready: Ready }> {
  const onOutput = hooks.onOutput ?? ((text: string) => process.stderr.write(text));
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), JSON.stringify(options)], {
    cwd: PROJECT_ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const output of [child.stdout, child.stderr]) {
    output?.setEncoding('utf8');
    output?.on('data', onOutput);
  }
  if (hooks.onMessage) child.on('message', hooks.onMessage);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    })());
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`The ${what} process did not start within 60 s`)),
        READY_WITHIN_MS,
      );
      const onMessage = (message: unknown) => {
        const value = hooks.readyOf(message);
        if (value === undefined) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(value);
      };
      child.on('message', onMessage);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`The ${what} process exited (status ${child.exitCode}) before it started`));
      });
    });
    return { pid: child.pid!, stop, ready };
  } catch (error) {
    await stop();
    throw error;
  }
}
