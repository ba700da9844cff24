import type { JsonValue } from './asl';
import { separateTimeoutParameter } from './definition-adjustments';
import { invokeLocalLambda, type FunctionResolver } from './lambda-boundary';
import { invokeResponse, readInvokeRequest } from './lambda-invoke-integration';
import type { LambdaTaskPlan } from './lambda-task-plans';
import { TaskFailure } from './task-errors';
import type { TaskInvocation, TaskInvocations } from './task-invocations';
import type { TaskTokens } from './task-tokens';

/**
 * The per-state task overrides aws-local-stepfunctions runs instead of calling AWS: one function
 * per Task state name (also inside Parallel branches and Map iterators), each receiving the state's
 * effective input (after InputPath and Parameters).
 */

export type TaskOverride = (effectiveInput: JsonValue) => Promise<JsonValue>;

export interface ExecutionTaskContext {
  readonly executionArn: string;
  readonly invocations: TaskInvocations;
  readonly tokens: TaskTokens;
  readonly resolveFunction: FunctionResolver;
}

export function createTaskOverrides(
  plans: ReadonlyMap<string, LambdaTaskPlan>,
  context: ExecutionTaskContext,
): Record<string, TaskOverride> {
  const overrides: Record<string, TaskOverride> = {};
  for (const [stateName, plan] of plans) {
    overrides[stateName] = (effectiveInput) => {
      const { parameters, timeoutSeconds } = separateTimeoutParameter(effectiveInput);
      const invocation = context.invocations.begin(stateName, plan, parameters, timeoutSeconds ?? plan.timeoutSeconds);
      return invocation.run(() => runTask(plan, parameters, invocation, context));
    };
  }
  return overrides;
}

async function runTask(
  plan: LambdaTaskPlan,
  parameters: JsonValue,
  invocation: TaskInvocation,
  context: ExecutionTaskContext,
): Promise<JsonValue> {
  switch (plan.kind) {
    case 'function':
      return invokeLocalLambda(context.resolveFunction, plan.functionArn, parameters);
    case 'invoke':
      return invokeFunction(parameters, context);
    case 'invoke.waitForTaskToken':
      return invokeAndWaitForToken(parameters, invocation, context);
  }
}

async function invokeFunction(parameters: JsonValue, context: ExecutionTaskContext): Promise<JsonValue> {
  const request = readInvokeRequest(parameters);
  if (request.invocationType === 'Event') {
    // Asynchronous invocation: Lambda answers 202 at once; the function's outcome is nobody's concern.
    invokeLocalLambda(context.resolveFunction, request.functionArn, request.payload).catch(() => undefined);
    return invokeResponse('', 202);
  }
  return invokeResponse(await invokeLocalLambda(context.resolveFunction, request.functionArn, request.payload));
}

/**
 * Registers the tokens first (the function may call SendTaskSuccess before it returns), then calls
 * the function. Its return value only goes into the history (TaskSubmitted); an error it throws
 * fails the task, as a failed Invoke does on AWS. The task's result is what the token receives.
 */
function invokeAndWaitForToken(parameters: JsonValue, invocation: TaskInvocation, context: ExecutionTaskContext): Promise<JsonValue> {
  const request = readInvokeRequest(parameters);
  return new Promise<JsonValue>((resolve, reject) => {
    const tokens = context.tokens.claim(context.executionArn, parameters, {
      succeed: resolve,
      fail: (error, cause) => reject(new TaskFailure(error, cause)),
    });
    invocation.holdTokens(tokens);
    invokeLocalLambda(context.resolveFunction, request.functionArn, request.payload).then(
      (result) => invocation.submitted(invokeResponse(result)),
      reject,
    );
  });
}
