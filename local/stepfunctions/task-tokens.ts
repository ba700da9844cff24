import { randomBytes } from 'node:crypto';
import type { JsonValue } from './asl';
import { isPlainObject } from './asl';
import { StepFunctionsError } from './service-errors';

/**
 * Task tokens for `.waitForTaskToken` tasks.
 *
 * The interpreter only knows the context object it is given, so `$$.Task.Token` is a getter that
 * mints a fresh token every time a state's Parameters read it. The task's override then finds the
 * tokens minted for its execution inside its own parameters (each token string is unique, so two
 * tasks waiting at once can never take each other's) and registers them as live until the task
 * ends. A token that reaches the API and is not live is one whose task is over: TaskTimedOut.
 */

const TOKEN_PREFIX = 'LocalSfnTaskToken-';
const TOKEN_PATTERN = /^LocalSfnTaskToken-[A-Za-z0-9_-]{43}$/;

export interface TaskCallback {
  succeed(output: JsonValue): void;
  fail(error: string, cause: string): void;
}

interface LiveTask {
  readonly executionArn: string;
  readonly callback: TaskCallback;
  /** Every token of the same task (a payload can read $$.Task.Token more than once). */
  readonly tokens: readonly string[];
}

export function isWellFormedTaskToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

export class TaskTokens {
  private readonly minted = new Map<string, Set<string>>();
  private readonly live = new Map<string, LiveTask>();

  /** The object to pass as the context's `Task`: reading its Token mints one for the execution. */
  contextFor(executionArn: string): { readonly Token: string } {
    return Object.defineProperty({}, 'Token', { enumerable: true, get: () => this.mint(executionArn) }) as {
      readonly Token: string;
    };
  }

  /** Takes the execution's minted tokens that occur in `payload` and makes them live for `callback`. */
  claim(executionArn: string, payload: JsonValue, callback: TaskCallback): readonly string[] {
    const minted = this.minted.get(executionArn);
    if (!minted) return [];
    const tokens = stringsIn(payload).filter((text) => minted.has(text));
    for (const token of tokens) minted.delete(token);
    const task: LiveTask = { executionArn, callback, tokens };
    for (const token of tokens) this.live.set(token, task);
    return tokens;
  }

  succeed(token: string, output: JsonValue): void {
    const task = this.take(token);
    task.callback.succeed(output);
  }

  fail(token: string, error: string, cause: string): void {
    const task = this.take(token);
    task.callback.fail(error, cause);
  }

  /** Heartbeats are accepted for live tokens (HeartbeatSeconds is not enforced locally). */
  heartbeat(token: string): void {
    this.find(token);
  }

  revoke(tokens: readonly string[]): void {
    for (const token of tokens) this.live.delete(token);
  }

  /** Forgets everything an execution minted or waits on (it has ended). */
  revokeExecution(executionArn: string): void {
    this.minted.delete(executionArn);
    for (const [token, task] of this.live) if (task.executionArn === executionArn) this.live.delete(token);
  }

  private mint(executionArn: string): string {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const minted = this.minted.get(executionArn) ?? new Set<string>();
    minted.add(token);
    this.minted.set(executionArn, minted);
    return token;
  }

  private take(token: string): LiveTask {
    const task = this.find(token);
    this.revoke(task.tokens);
    return task;
  }

  private find(token: string): LiveTask {
    if (!isWellFormedTaskToken(token)) throw new StepFunctionsError('InvalidToken', 'Invalid Token');
    const task = this.live.get(token);
    if (!task) throw new StepFunctionsError('TaskTimedOut', 'Task Timed Out');
    return task;
  }
}

function stringsIn(value: JsonValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isPlainObject(value)) return Object.values(value).flatMap((item) => stringsIn(item as JsonValue));
  return [];
}
