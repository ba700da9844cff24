import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** True once no process has this pid any more (kill(pid, 0) fails with ESRCH). */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
}

/**
 * Runs a TypeScript file in its own Node process (tsx as loader: one process, so `child.pid` is the
 * script itself, not a wrapper) and resolves with the first line it prints.
 */
export function runTypeScriptChild(
  file: string,
  args: readonly string[],
  cwd: string,
): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (firstLine) => resolve({ child, firstLine }));
    child.once('error', reject);
    // 'close', not 'exit': it comes after the child's output has been read to the end.
    child.once('close', (code, signal) =>
      reject(new Error(`${file} exited (${signal ?? code}) before printing a line:\n${stderr}`)),
    );
  });
}
