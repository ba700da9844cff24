/**
 * How long `npm start` takes until it prints its ready line (npm run bench:start).
 *
 *   npm run bench:start                       5 warm starts (data, page build and template cache kept)
 *   npm run bench:start -- --runs 3 --cold    each start without template cache, page build or data
 *   npm run bench:start -- --project <dir>    time another checkout (e.g. an older commit)
 *
 * Each start is stopped with Ctrl-C (SIGINT to its process group) before the next one. Its own
 * data and cache folders are temporary; `--cold` also deletes `frontend/dist` of the project
 * before each start (it is rebuilt by the start itself). The 1-minute load average is printed
 * with each run: on a busy machine the numbers say little.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineDescription, percentile, printTable } from './support';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const runs = Number(option('--runs') ?? 5);
const cold = args.includes('--cold');
const project = resolve(option('--project') ?? fileURLToPath(new URL('..', import.meta.url)));

/** Starts `npm start`, resolves with the seconds until the ready line, then stops it. */
async function timeOneStart(dataDir: string, cacheDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: project,
    env: { ...process.env, PORT: '0', TICKETDROP_DATA_DIR: dataDir, TICKETDROP_CACHE_DIR: cacheDir },
    detached: true, // its own process group, so Ctrl-C reaches every process of it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const seconds = await new Promise<number>((done, fail) => {
    const onData = (text: string) => {
      output += text;
      if (output.includes('TicketDrop is ready')) done((performance.now() - started) / 1000);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => fail(new Error(`npm start exited (${code}) before it was ready:\n${output}`)));
  });
  await new Promise((closed) => {
    child.once('close', closed);
    process.kill(-child.pid!, 'SIGINT');
  });
  return seconds;
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'ticketdrop-bench-start-'));
  const cacheDir = await mkdtemp(join(tmpdir(), 'ticketdrop-bench-cache-'));
  try {
    console.log(`${machineDescription()} · ${project} · ${cold ? 'cold' : 'warm'} starts`);
    if (!cold) await timeOneStart(dataDir, cacheDir); // fills the data, the cache and the page build
    const rows: Record<string, string | number>[] = [];
    for (let run = 1; run <= runs; run += 1) {
      if (cold) {
        for (const dir of [dataDir, cacheDir, join(project, 'frontend', 'dist')])
          await rm(dir, { recursive: true, force: true });
      }
      const load = loadavg()[0]!;
      rows.push({ run, 'ready after s': await timeOneStart(dataDir, cacheDir), 'load (1 min)': load });
    }
    printTable(rows);
    const times = rows.map((row) => row['ready after s'] as number);
    console.log(`median ${percentile(times, 50).toFixed(2)} s, fastest ${Math.min(...times).toFixed(2)} s`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
