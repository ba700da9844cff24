/** The local Step Functions: CDK state machines executed by aws-local-stepfunctions, behind the AWS API. */

export type { AslDefinition, AslState, JsonValue } from './asl';
export {
  executionArn,
  functionNameOf,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  localFunctionArn,
  stateMachineArn,
} from './aws-identifiers';
export {
  type EndedExecutionStatus,
  EXECUTION_STATUS_CHANGE,
  type ExecutionEndedListener,
  type ExecutionStatusChangeDetail,
  type ExecutionStatusChangeEvent,
} from './execution-ended-events';
export { createStepFunctionsListener, isStepFunctionsRequest } from './json-protocol';
export { type FunctionResolver, LAMBDA_TIMEOUT_ERROR, type LambdaHandler } from './lambda-boundary';
export type { TimingOverrides } from './local-execution';
export { type LocalStepFunctionsServer, startLocalStepFunctionsServer } from './local-server';
export { LocalStepFunctions, type LocalStepFunctionsOptions, type StepFunctionsFaults } from './local-step-functions';
export type { StateMachineSpec } from './registered-state-machine';
export { StepFunctionsError, type StepFunctionsErrorCode } from './service-errors';
export {
  type CloudFormationResource,
  type CloudFormationTemplate,
  type ExtractedLambdaFunction,
  type ExtractedStateMachine,
  type ExtractionOptions,
  extractStateMachines,
} from './state-machine-extraction';
export type { LambdaStepCall } from './task-overrides';
