import { spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';

/** How long the watchdog waits after SIGTERM before it sends SIGKILL. */
const TERM_GRACE_SECONDS = 5;
/** Our own fallback if the watchdog itself is stuck: kill the whole process group. */
const WATCHDOG_TIMEOUT_MS = (TERM_GRACE_SECONDS + 3) * 1000;

/*
 * Runs "$@" (the command) under a small shell that ties it to the Node parent.
 *
 * The shell's stdin is a pipe whose other end only the parent holds. When the parent closes it
 * (stop()) or dies for whatever reason — normal exit, Ctrl-C, SIGTERM, even SIGKILL, since the
 * kernel closes a dead process's descriptors — the watchdog reads EOF and terminates the command:
 * SIGTERM, then SIGKILL after a grace period. The shell waits for (and so reaps) the command and
 * exits with its status; the command's pid goes out on fd 3, away from its output.
 * Background jobs of a non-interactive shell get /dev/null as stdin, hence the copy on fd 4.
 */
const WATCHDOG_SCRIPT = `
exec 4<&0
"$@" </dev/null 3>&- 4<&- &
command_pid=$!
echo "$command_pid" >&3
exec 3>&-
(
  while read -r _; do :; done
  kill -TERM "$command_pid" 2>/dev/null
  ticks=0
  while kill -0 "$command_pid" 2>/dev/null && [ "$ticks" -lt ${TERM_GRACE_SECONDS * 10} ]; do
    sleep 0.1
    ticks=$((ticks + 1))
  done
  kill -0 "$command_pid" 2>/dev/null && kill -KILL "$command_pid"
) <&4 >/dev/null 2>&1 &
watchdog_pid=$!
exec 4<&- </dev/null
wait "$command_pid"
status=$?
kill "$watchdog_pid" 2>/dev/null
exit "$status"
`;

export interface TiedProcess {
  /** Pid of the command itself (not of the shell that watches over it). */
  readonly pid: number;
  /** Resolves with the command's exit status once it is gone and its output is flushed. */
  readonly closed: Promise<number | null>;
  hasExited(): boolean;
  /** Lets the parent exit without stopping this first; the command then dies with the parent. */
  unref(): void;
  /** Terminates the command (SIGTERM, SIGKILL after a grace period); idempotent. */
  stop(): Promise<void>;
}

export interface TiedProcessOptions {
  readonly cwd: string;
  /** Receives the command's stdout and stderr, decoded as UTF-8. */
  readonly onOutput: (text: string) => void;
}

/** Spawns `command` so that it cannot outlive this process; resolves once its pid is known. */
export async function spawnTiedToParent(
  command: string,
  args: readonly string[],
  options: TiedProcessOptions,
): Promise<TiedProcess> {
  const shell = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'tied-process', command, ...args], {
    cwd: options.cwd,
    // Own process group: a Ctrl-C in the terminal goes to the parent, which decides how to stop,
    // and the fallback can kill shell, watchdog and command together.
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  // Writing to (or ending) the pipe of a shell that is already gone raises EPIPE; nothing to do then.
  shell.stdin.on('error', () => undefined);
  for (const output of [shell.stdout, shell.stderr]) {
    output.setEncoding('utf8');
    output.on('data', options.onOutput);
  }

  let running = true;
  shell.once('exit', () => {
    running = false;
  });
  const closed = new Promise<number | null>((resolve) => {
    shell.once('close', (code) => resolve(code));
    shell.once('error', () => resolve(null));
  });
  const pidPipe = shell.stdio[3];
  if (!(pidPipe instanceof Readable)) throw new Error('spawn did not create the pid pipe');
  const pid = await readPid(pidPipe, closed);

  const setRef = (ref: boolean): void => {
    if (ref) shell.ref();
    else shell.unref();
    for (const stream of shell.stdio) {
      if (stream instanceof Socket) {
        if (ref) stream.ref();
        else stream.unref();
      }
    }
  };

  let stopping: Promise<void> | undefined;
  const terminate = async (): Promise<void> => {
    setRef(true); // keep the event loop alive until the process is really gone
    if (running) {
      shell.stdin.end();
      const gone = await settlesWithin(closed, WATCHDOG_TIMEOUT_MS);
      if (!gone && shell.pid !== undefined) killProcessGroup(shell.pid);
    }
    await closed;
  };

  return {
    pid,
    closed,
    hasExited: () => !running,
    unref: () => setRef(false),
    stop: () => (stopping ??= terminate()),
  };
}

/** Reads the command's pid, which the shell writes as one line on fd 3. */
function readPid(pipe: Readable, closed: Promise<number | null>): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk: string) => {
      text += chunk;
      const pid = Number.parseInt(text, 10);
      if (text.includes('\n') && Number.isInteger(pid)) resolve(pid);
    });
    void closed.then((code) => reject(new Error(`Process exited (status ${code}) before reporting its pid`)));
  });
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function killProcessGroup(groupId: number): void {
  try {
    process.kill(-groupId, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
