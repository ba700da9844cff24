/** The fixed account and region of the local Step Functions, and the ARNs it hands out. */

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

const STATES_PREFIX = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}`;
const LAMBDA_PREFIX = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:`;

/** The stable local ARN of a Lambda function, named after its CloudFormation logical id. */
export function localFunctionArn(functionName: string): string {
  return `${LAMBDA_PREFIX}${functionName}`;
}

export function stateMachineArn(stateMachineName: string): string {
  return `${STATES_PREFIX}:stateMachine:${stateMachineName}`;
}

export function executionArn(stateMachineName: string, executionName: string): string {
  return `${STATES_PREFIX}:execution:${stateMachineName}:${executionName}`;
}

/**
 * The local ARN of whatever Lambda reference a definition holds: a name, a partial ARN, or a full
 * ARN with any region, account or qualifier (versions and aliases all run the one local handler).
 */
export function normalizeFunctionArn(reference: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(reference);
  if (arn) return localFunctionArn(arn[1]!);
  const partial = /^(?:\d{12}:)?(?:function:)?([^:]+)(?::[^:]+)?$/.exec(reference);
  return localFunctionArn(partial ? partial[1]! : reference);
}

/** The function name at the end of a local function ARN. */
export function functionNameOf(functionArn: string): string {
  return functionArn.slice(functionArn.lastIndexOf(':') + 1);
}

/**
 * Step Functions' rule for state machine and execution names: 1-80 characters, none of them
 * whitespace, brackets, wildcards, control characters or " # % \ ^ | ~ ` $ & , ; : /.
 */
export function isValidResourceName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what AWS refuses here.
  return name.length >= 1 && name.length <= 80 && !/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u.test(name);
}

/** The execution name at the end of an execution ARN (undefined if it is not one). */
export function parseExecutionArn(arn: string): { stateMachineName: string; executionName: string } | undefined {
  const match = /^arn:aws:states:[^:]+:\d{12}:execution:([^:]+):([^:]+)$/.exec(arn);
  return match ? { stateMachineName: match[1]!, executionName: match[2]! } : undefined;
}

export function isStateMachineArn(arn: string): boolean {
  return /^arn:aws:states:[^:]+:\d{12}:stateMachine:[^:]+$/.test(arn);
}
