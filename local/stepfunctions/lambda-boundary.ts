import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { JsonValue } from './asl';
import { jsonClone } from './asl';
import { functionNameOf } from './aws-identifiers';
import { TaskFailure } from './task-errors';

/**
 * Calls a local handler the way Lambda would: the event and the result cross a JSON boundary
 * (no shared objects), the handler gets a Lambda context, and a thrown error becomes the error
 * Step Functions reports — Error = the error's name, Cause = {"errorType","errorMessage","trace"}.
 * The function's configured timeout is enforced: a handler still running when it is up answers
 * `Sandbox.Timedout`, the error Lambda reports (and Step Functions passes on) for a timed-out
 * invocation. Lambda would freeze the sandbox; a local handler cannot be killed, so it runs on,
 * unobserved — its side effects may still happen, as they may on AWS before the kill.
 */

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Maps a local function ARN to its handler; may load the handler module lazily. */
export type FunctionResolver = (functionArn: string) => LambdaHandler | Promise<LambdaHandler>;

/** Lambda's longest timeout: the budget of a function whose own timeout is not known. */
const REMAINING_TIME_BUDGET_MS = 900_000;

/** The error type Lambda reports for an invocation that ran out of time. */
export const LAMBDA_TIMEOUT_ERROR = 'Sandbox.Timedout';

export interface LambdaInvocationOptions {
  /** The function's configured Timeout; not enforced when absent. */
  readonly timeoutSeconds?: number;
  /**
   * Fault injection, asked once the handler has returned: true replaces its answer with the
   * timeout error — the function did its work, then timed out before answering.
   */
  readonly timesOutAfterRun?: () => boolean;
}

export async function invokeLocalLambda(
  resolve: FunctionResolver,
  functionArn: string,
  event: JsonValue,
  options: LambdaInvocationOptions = {},
): Promise<JsonValue> {
  const handler = await resolveHandler(resolve, functionArn);
  const timeoutMs = options.timeoutSeconds === undefined ? undefined : options.timeoutSeconds * 1000;
  const context = lambdaContext(functionArn, timeoutMs ?? REMAINING_TIME_BUDGET_MS);
  const timedOut = () => lambdaTimeout(context.awsRequestId, options.timeoutSeconds ?? 0);
  let result: unknown;
  try {
    const run = Promise.resolve().then(() => handler(jsonClone(event), context));
    result = timeoutMs === undefined ? await run : await withTimeout(run, timeoutMs, timedOut);
  } catch (error) {
    throw error instanceof TaskFailure ? error : lambdaError(error);
  }
  if (options.timesOutAfterRun?.()) throw timedOut();
  return jsonClone(result ?? null);
}

/** What Step Functions reports for a Lambda that timed out: Error `Sandbox.Timedout`, Lambda's message as Cause. */
export function lambdaTimeout(requestId: string, timeoutSeconds: number): TaskFailure {
  const errorMessage = `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
  return new TaskFailure(LAMBDA_TIMEOUT_ERROR, JSON.stringify({ errorType: LAMBDA_TIMEOUT_ERROR, errorMessage }));
}

/** The run's outcome, or `timedOut()` once `ms` have passed; the run's late outcome is ignored. */
function withTimeout<T>(run: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), ms);
  });
  run.catch(() => undefined); // a handler failing after its timeout is nobody's unhandled rejection
  return Promise.race([run, deadline]).finally(() => clearTimeout(timer));
}

async function resolveHandler(resolve: FunctionResolver, functionArn: string): Promise<LambdaHandler> {
  try {
    const handler = await resolve(functionArn);
    if (typeof handler === 'function') return handler;
  } catch (error) {
    throw new TaskFailure('Lambda.ResourceNotFoundException', `Function not found: ${functionArn} (${String(error)})`);
  }
  throw new TaskFailure('Lambda.ResourceNotFoundException', `Function not found: ${functionArn}`);
}

export function lambdaError(error: unknown): TaskFailure {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
  return new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}

function lambdaContext(functionArn: string, budgetMs: number): Context {
  const functionName = functionNameOf(functionArn);
  const deadline = Date.now() + budgetMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
