import type { AslDefinition } from './asl';
import { walkStates } from './asl';
import { normalizeFunctionArn } from './aws-identifiers';

/**
 * How each Task state of a definition calls Lambda — the three shapes CDK's LambdaInvoke renders:
 *  - `function`: Resource is the function ARN (payloadResponseOnly); the result is the return value.
 *  - `invoke`: Resource `arn:aws:states:::lambda:invoke`; FunctionName and Payload in Parameters;
 *    the result is Lambda's Invoke response ({ Payload, StatusCode, ExecutedVersion, ... }).
 *  - `invoke.waitForTaskToken`: the same call, then the task waits for SendTaskSuccess/Failure.
 */

export type LambdaTaskPlan =
  | { readonly kind: 'function'; readonly functionArn: string; readonly timeoutSeconds?: number }
  | { readonly kind: 'invoke' | 'invoke.waitForTaskToken'; readonly timeoutSeconds?: number };

const INVOKE_RESOURCE = /^arn:[^:]+:states:::lambda:(invoke|invoke\.waitForTaskToken)$/;
const FUNCTION_RESOURCE = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(?::[^:]+)?$/;

/** The plan of every Task state, by state name; throws for a Task the local side cannot run. */
export function planLambdaTasks(definition: AslDefinition): Map<string, LambdaTaskPlan> {
  const plans = new Map<string, LambdaTaskPlan>();
  const unsupported: string[] = [];
  for (const { name, state } of walkStates(definition)) {
    if (state.Type !== 'Task') continue;
    const resource = typeof state.Resource === 'string' ? state.Resource : '';
    const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
    const invoke = INVOKE_RESOURCE.exec(resource);
    if (invoke) plans.set(name, { kind: invoke[1] as 'invoke' | 'invoke.waitForTaskToken', timeoutSeconds });
    else if (FUNCTION_RESOURCE.test(resource))
      plans.set(name, { kind: 'function', functionArn: normalizeFunctionArn(resource), timeoutSeconds });
    else unsupported.push(`"${name}" (${resource || 'no Resource'})`);
  }
  if (unsupported.length > 0) {
    throw new Error(
      `The local Step Functions runs Lambda tasks only; unsupported Task states: ${unsupported.join(', ')}`,
    );
  }
  return plans;
}
