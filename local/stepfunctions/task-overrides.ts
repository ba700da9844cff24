import type { JsonValue } from './asl';
import { separateTimeoutParameter } from './definition-adjustments';
import { type FunctionResolver, invokeLocalLambda, type LambdaInvocationOptions } from './lambda-boundary';
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
  /** A function's configured Timeout in seconds (enforced), if known. */
  readonly functionTimeoutSeconds?: (functionArn: string) => number | undefined;
  /** Fault injection: whether this step's answer is replaced by a Lambda timeout after it ran. */
  readonly lambdaTimesOutAfterRun?: (call: LambdaStepCall) => boolean;
}

/** One invocation of a step's function, as fault injection sees it. */
export interface LambdaStepCall {
  readonly stateName: string;
  readonly functionArn: string;
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
      return invocation.run(() => runTask(stateName, plan, parameters, invocation, context));
    };
  }
  return overrides;
}

async function runTask(
  stateName: string,
  plan: LambdaTaskPlan,
  parameters: JsonValue,
  invocation: TaskInvocation,
  context: ExecutionTaskContext,
): Promise<JsonValue> {
  switch (plan.kind) {
    case 'function':
      return invokeLocalLambda(
        context.resolveFunction,
        plan.functionArn,
        parameters,
        lambdaOptions(stateName, plan.functionArn, context),
      );
    case 'invoke':
      return invokeFunction(stateName, parameters, context);
    case 'invoke.waitForTaskToken':
      return invokeAndWaitForToken(stateName, parameters, invocation, context);
  }
}

/** The function's own timeout, and the injected "timed out after it ran" fault for this step. */
function lambdaOptions(
  stateName: string,
  functionArn: string,
  context: ExecutionTaskContext,
  injectable = true,
): LambdaInvocationOptions {
  const timeoutSeconds = context.functionTimeoutSeconds?.(functionArn);
  const injector = context.lambdaTimesOutAfterRun;
  return {
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(injectable && injector ? { timesOutAfterRun: () => injector({ stateName, functionArn }) } : {}),
  };
}

async function invokeFunction(
  stateName: string,
  parameters: JsonValue,
  context: ExecutionTaskContext,
): Promise<JsonValue> {
  const request = readInvokeRequest(parameters);
  if (request.invocationType === 'Event') {
    // Asynchronous invocation: Lambda answers 202 at once; the function's outcome is nobody's concern.
    invokeLocalLambda(
      context.resolveFunction,
      request.functionArn,
      request.payload,
      lambdaOptions(stateName, request.functionArn, context, false),
    ).catch(() => undefined);
    return invokeResponse('', 202);
  }
  return invokeResponse(
    await invokeLocalLambda(
      context.resolveFunction,
      request.functionArn,
      request.payload,
      lambdaOptions(stateName, request.functionArn, context),
    ),
  );
}

/**
 * Registers the tokens first (the function may call SendTaskSuccess before it returns), then calls
 * the function. Its return value only goes into the history (TaskSubmitted); an error it throws
 * fails the task, as a failed Invoke does on AWS. The task's result is what the token receives.
 */
function invokeAndWaitForToken(
  stateName: string,
  parameters: JsonValue,
  invocation: TaskInvocation,
  context: ExecutionTaskContext,
): Promise<JsonValue> {
  const request = readInvokeRequest(parameters);
  return new Promise<JsonValue>((resolve, reject) => {
    const tokens = context.tokens.claim(context.executionArn, parameters, {
      succeed: resolve,
      fail: (error, cause) => reject(new TaskFailure(error, cause)),
    });
    invocation.holdTokens(tokens);
    invokeLocalLambda(
      context.resolveFunction,
      request.functionArn,
      request.payload,
      lambdaOptions(stateName, request.functionArn, context),
    ).then((result) => invocation.submitted(invokeResponse(result)), reject);
  });
}
