import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { JsonValue } from './asl';
import { jsonClone } from './asl';
import { functionNameOf } from './aws-identifiers';
import { TaskFailure } from './task-errors';

/**
 * Calls a local handler the way Lambda would: the event and the result cross a JSON boundary
 * (no shared objects), the handler gets a Lambda context, and a thrown error becomes the error
 * Step Functions reports — Error = the error's name, Cause = {"errorType","errorMessage","trace"}.
 */

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Maps a local function ARN to its handler; may load the handler module lazily. */
export type FunctionResolver = (functionArn: string) => LambdaHandler | Promise<LambdaHandler>;

/** Lambda's longest timeout; the local side does not enforce function timeouts. */
const REMAINING_TIME_BUDGET_MS = 900_000;

export async function invokeLocalLambda(resolve: FunctionResolver, functionArn: string, event: JsonValue): Promise<JsonValue> {
  const handler = await resolveHandler(resolve, functionArn);
  let result: unknown;
  try {
    result = await handler(jsonClone(event), lambdaContext(functionArn));
  } catch (error) {
    throw lambdaError(error);
  }
  return jsonClone(result ?? null);
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

function lambdaContext(functionArn: string): Context {
  const functionName = functionNameOf(functionArn);
  const deadline = Date.now() + REMAINING_TIME_BUDGET_MS;
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
