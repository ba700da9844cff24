/** The local Step Functions: CDK state machines executed by aws-local-stepfunctions, behind the AWS API. */

export type { AslDefinition, AslState, JsonValue } from './asl';
export {
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  executionArn,
  functionNameOf,
  localFunctionArn,
  stateMachineArn,
} from './aws-identifiers';
export { isStepFunctionsRequest, createStepFunctionsListener } from './json-protocol';
export {
  EXECUTION_STATUS_CHANGE,
  type EndedExecutionStatus,
  type ExecutionEndedListener,
  type ExecutionStatusChangeDetail,
  type ExecutionStatusChangeEvent,
} from './execution-status-change';
export { LAMBDA_TIMEOUT_ERROR, type FunctionResolver, type LambdaHandler } from './lambda-boundary';
export type { TimingOverrides } from './local-execution';
export { startLocalStepFunctionsServer, type LocalStepFunctionsServer } from './local-server';
export { LocalStepFunctions, type LocalStepFunctionsOptions, type StepFunctionsFaults } from './local-step-functions';
export type { LambdaStepCall } from './task-overrides';
export type { StateMachineSpec } from './registered-state-machine';
export { StepFunctionsError, type StepFunctionsErrorCode } from './service-errors';
export {
  extractStateMachines,
  type CloudFormationResource,
  type CloudFormationTemplate,
  type ExtractedLambdaFunction,
  type ExtractedStateMachine,
  type ExtractionOptions,
} from './state-machine-extraction';
