import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessGone } from '../support/processes';

/**
 * `npm start` as a person runs it: wait for the ready line, use the printed URL, press Ctrl-C
 * (SIGINT to the whole process group, as a terminal does), and find nothing left running.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly javaPid: number;
  readonly output: () => string;
}

function npmStart(dataDir: string, cacheDir: string): Promise<Started> {
  const child = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', TICKETDROP_DATA_DIR: dataDir, TICKETDROP_CACHE_DIR: cacheDir },
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (text: string) => {
      output += text;
      const ready = /TicketDrop is ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      const java = /\(pid (\d+), data in/.exec(output);
      if (ready && java) resolve({ child, url: ready[1]!, javaPid: Number(java[1]), output: () => output });
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)));
  });
}

/**
 * Resolves once every process of the job has closed its output, i.e. npm and TicketDrop have both
 * exited. npm itself may end by the signal (it re-raises SIGINT); TicketDrop must exit 0.
 */
function pressCtrlC(started: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    started.child.once('close', (code, signal) => resolve({ code, signal }));
    process.kill(-started.child.pid!, 'SIGINT');
  });
}

const endedByCtrlC = expect.toSatisfy(
  ({ code, signal }: { code: number | null; signal: string | null }) => code === 0 || signal === 'SIGINT',
);

describe('npm start', () => {
  let dataDir: string;
  let cacheDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ticketdrop-start-'));
    cacheDir = await mkdtemp(join(tmpdir(), 'ticketdrop-start-cache-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('starts, seeds the demo events, serves them, and stops cleanly on Ctrl-C; data survives a restart', async () => {
    // An empty template cache, as in a fresh clone: the first start synthesizes the CDK app.
    const first = await npmStart(dataDir, cacheDir);
    expect(first.output()).toContain('Synthesized the CDK app');
    const events = (await (await fetch(`${first.url}/api/events`)).json()) as { events: { eventId: string }[] };
    expect(events.events.map((e) => e.eventId).sort()).toEqual(['ticketdrop-live', 'ticketdrop-queue']);
    expect(await pressCtrlC(first)).toEqual(endedByCtrlC);
    expect(first.output()).toContain('Stopped. Nothing left running.');
    expect(isProcessGone(first.javaPid)).toBe(true);

    // Second start on the same data: the events are still there, seeded once, not twice.
    // Nothing changed in between: the second start reuses the synthesized template, and serves.
    const second = await npmStart(dataDir, cacheDir);
    expect(second.output()).toContain('Reused the synthesized CDK template');
    const again = (await (await fetch(`${second.url}/api/events`)).json()) as { events: unknown[] };
    expect(again.events).toHaveLength(2);
    expect(await pressCtrlC(second)).toEqual(endedByCtrlC);
    expect(second.output()).toContain('Stopped. Nothing left running.');
    expect(isProcessGone(second.javaPid)).toBe(true);
  });
});
