import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AslDefinition } from './asl';
import { statesInside } from './asl';
import { isValidResourceName, LOCAL_ACCOUNT_ID, stateMachineArn } from './aws-identifiers';
import { adjustForInterpreter } from './definition-adjustments';
import { type LambdaTaskPlan, planLambdaTasks } from './lambda-task-plans';

/** A state machine definition, ready to execute: parsed once, its Lambda tasks planned. */

export interface StateMachineSpec {
  readonly name: string;
  readonly definition: AslDefinition;
  /** Shown in ExecutionStarted events; a placeholder role by default. */
  readonly roleArn?: string;
}

export interface RegisteredStateMachine {
  readonly name: string;
  readonly arn: string;
  readonly definition: AslDefinition;
  readonly roleArn: string;
  readonly interpreter: StateMachine;
  readonly taskPlans: ReadonlyMap<string, LambdaTaskPlan>;
  readonly statesInside: ReadonlyMap<string, ReadonlySet<string>>;
}

export function prepareStateMachine(
  spec: StateMachineSpec,
  options: { executionTimeoutSeconds?: number } = {},
): RegisteredStateMachine {
  if (!isValidResourceName(spec.name)) throw new Error(`Invalid state machine name: ${spec.name}`);
  const taskPlans = planLambdaTasks(spec.definition);
  const adjusted = adjustForInterpreter(spec.definition) as { TimeoutSeconds?: number };
  // The interpreter enforces TimeoutSeconds itself (TIMED_OUT); tests may shorten it.
  if (options.executionTimeoutSeconds !== undefined && adjusted.TimeoutSeconds !== undefined) {
    adjusted.TimeoutSeconds = options.executionTimeoutSeconds;
  }
  // The interpreter validates the (adjusted) definition against the ASL schema here.
  const interpreter = new StateMachine(adjusted as unknown as StateMachineDefinition);
  return {
    name: spec.name,
    arn: stateMachineArn(spec.name),
    definition: spec.definition,
    roleArn: spec.roleArn ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/local-stepfunctions`,
    interpreter,
    taskPlans,
    statesInside: statesInside(spec.definition),
  };
}
