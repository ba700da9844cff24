import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process (and its descendants) used, from Linux's /proc: a figure of the work done
 * that, unlike latencies, hardly depends on how busy the machine is — what a change to the stack
 * saves can be told apart from what other work on the machine costs it.
 */

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuSeconds {
  /** The process itself (user + system). */
  readonly self: number;
  /** Its descendants still running (the local stack's DynamoDB Local JVM). */
  readonly descendants: number;
}

export function cpuSecondsOf(pid: number): CpuSeconds {
  const descendants = descendantsOf(pid).reduce((sum, child) => sum + ownCpuSeconds(child), 0);
  return { self: ownCpuSeconds(pid), descendants };
}

/** The CPU seconds between two readings. */
export function cpuSecondsBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return { self: after.self - before.self, descendants: after.descendants - before.descendants };
}

function ownCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so: after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and state.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0; // gone since (or no /proc): nothing to count
  }
}

function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The parent's pid is the second field after the command name.
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, of] of parents) {
      if (of !== parent) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}
