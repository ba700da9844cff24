import { HANDLER_ENTRY_METADATA } from '../contract/handler-entries';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';
import {
  type CloudFormationTemplate,
  type ExtractedStateMachine,
  extractStateMachines,
  type LambdaHandler,
  LocalStepFunctions,
  type StepFunctionsFaults,
  type TimingOverrides,
} from './stepfunctions';

/**
 * The order state machine, locally: the very definition the CDK app synthesizes for AWS, run by
 * the local Step Functions service, with each Lambda task calling the same handler module that
 * the function bundles on AWS (named in the template by the function's `ticketdrop:entry`).
 * The template comes from local/template-cache.ts (synthesized by local/synthesize-template.ts).
 */

export const ORDER_FLOW_LOGICAL_ID_PREFIX = 'OrderFlowStateMachine';

export function orderStateMachineOf(template: CloudFormationTemplate): ExtractedStateMachine {
  const machine = extractStateMachines(template).find((m) => m.logicalId.startsWith(ORDER_FLOW_LOGICAL_ID_PREFIX));
  if (!machine) throw new Error('The synthesized template has no order state machine');
  return machine;
}

export interface LocalOrderFlow {
  readonly service: LocalStepFunctions;
  readonly stateMachineArn: string;
}

/** Lambda's default when a function sets no Timeout. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

/**
 * `platform` is asked for on a step's first call (the stack builds it once it knows the state
 * machine's ARN, which this creates).
 */
export function createLocalOrderFlow(
  projectRoot: string,
  platform: () => Platform,
  template: CloudFormationTemplate,
  timingOverrides?: TimingOverrides,
  faults?: StepFunctionsFaults,
): LocalOrderFlow {
  const machine = orderStateMachineOf(template);
  // Each step runs with its function's own Timeout, as Lambda enforces it.
  const timeouts = new Map(
    machine.lambdaFunctions.map((fn) => [
      fn.arn,
      typeof fn.properties.Timeout === 'number' ? fn.properties.Timeout : LAMBDA_DEFAULT_TIMEOUT_SECONDS,
    ]),
  );
  const entries = new Map(machine.lambdaFunctions.map((fn) => [fn.arn, fn.metadata[HANDLER_ENTRY_METADATA]]));
  const loaded = new Map<string, Promise<LambdaHandler>>();
  const resolveFunction = (arn: string): Promise<LambdaHandler> => {
    const entry = entries.get(arn);
    if (typeof entry !== 'string') throw new Error(`No handler module for ${arn}`);
    if (!loaded.has(entry)) {
      // Made on first use, with the platform the stack has built by then.
      loaded.set(entry, loadHandler<LambdaHandler>(projectRoot, entry, platform()));
    }
    return loaded.get(entry)!;
  };
  const service = new LocalStepFunctions({
    stateMachines: [{ name: machine.name, definition: machine.definition }],
    resolveFunction,
    functionTimeoutSeconds: (arn) => timeouts.get(arn),
    ...(timingOverrides ? { timingOverrides } : {}),
    ...(faults ? { faults } : {}),
  });
  return { service, stateMachineArn: service.stateMachineArns[0]! };
}
