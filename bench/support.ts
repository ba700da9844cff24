import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** Small helpers every benchmark shares: a bounded worker pool, percentiles, a table, the machine. */

export interface Timed<T> {
  readonly results: PromiseSettledResult<T>[];
  readonly latenciesMs: number[];
  readonly seconds: number;
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; times each call. */
export async function runPool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<Timed<T>> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  const latenciesMs: number[] = new Array(count);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      try {
        results[i] = { status: 'fulfilled', value: await task(i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
      latenciesMs[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { results, latenciesMs, seconds: (performance.now() - started) / 1000 };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function printTable(rows: Record<string, string | number>[]): void {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(1)) : v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]!).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]!))));
}

export function machineDescription(): string {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }); // it prints to stderr
  const javaVersion = /version "([^"]+)"/.exec(`${java.stdout}${java.stderr}`)?.[1] ?? 'unknown';
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Java ${javaVersion}`;
}
