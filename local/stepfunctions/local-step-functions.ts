import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  ListExecutionsInput,
  ListExecutionsOutput,
  SendTaskFailureInput,
  SendTaskFailureOutput,
  SendTaskHeartbeatInput,
  SendTaskHeartbeatOutput,
  SendTaskSuccessInput,
  SendTaskSuccessOutput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import type { JsonValue } from './asl';
import { executionArn, isStateMachineArn, isValidResourceName, parseExecutionArn } from './aws-identifiers';
import { type ExecutionEndedListener, executionStatusChangeEvent } from './execution-ended-events';
import type { FunctionResolver } from './lambda-boundary';
import { LocalExecution, type TimingOverrides } from './local-execution';
import { decodePageToken, encodePageToken, pageSize } from './paging';
import { prepareStateMachine, type RegisteredStateMachine, type StateMachineSpec } from './registered-state-machine';
import { StepFunctionsError } from './service-errors';
import type { LambdaStepCall } from './task-overrides';
import { TaskTokens } from './task-tokens';

/**
 * The local Step Functions service: the API operations TicketDrop uses, with Standard-workflow
 * semantics, over state machines registered from their ASL definitions. Executions live in memory;
 * the newest `maxExecutions` are kept (running ones are never dropped).
 */

export interface LocalStepFunctionsOptions {
  readonly stateMachines?: readonly StateMachineSpec[];
  /** The handler for a local function ARN (`arn:aws:lambda:us-east-1:000000000000:function:<LogicalId>`). */
  readonly resolveFunction: FunctionResolver;
  /** How many executions to remember (default 10,000). */
  readonly maxExecutions?: number;
  readonly timingOverrides?: TimingOverrides;
  /**
   * Each function's configured Timeout in seconds (from the template's AWS::Lambda::Function),
   * enforced on every invocation: a step still running then fails with `Sandbox.Timedout`.
   */
  readonly functionTimeoutSeconds?: (functionArn: string) => number | undefined;
  readonly faults?: StepFunctionsFaults;
}

/** Fault injection hooks (the local stack's fault switch); each answers "fail this one?". */
export interface StepFunctionsFaults {
  /** After a step's function ran: replace its answer by a Lambda timeout (`lambda.timeout`). */
  readonly lambdaTimesOutAfterRun?: (call: LambdaStepCall) => boolean;
  /** Refuse this StartExecution with ExecutionLimitExceeded, starting nothing (`sfn.startFailed`). */
  readonly refuseStart?: (request: { readonly stateMachineArn: string; readonly name: string }) => boolean;
}

const MAX_INPUT_BYTES = 256 * 1024;

export class LocalStepFunctions {
  private readonly machines = new Map<string, RegisteredStateMachine>();
  /** By execution ARN, oldest first (Map keeps insertion order). */
  private readonly executions = new Map<string, LocalExecution>();
  private readonly startOrder = new WeakMap<LocalExecution, number>();
  private startCount = 0;
  private readonly tokens = new TaskTokens();
  private readonly endedListeners = new Set<ExecutionEndedListener>();
  private stopped = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    for (const spec of options.stateMachines ?? []) this.registerStateMachine(spec);
  }

  /** Adds a state machine; returns its ARN. Throws for a definition the local side cannot run. */
  registerStateMachine(spec: StateMachineSpec): string {
    const executionTimeoutSeconds = this.options.timingOverrides?.executionTimeoutSeconds;
    const machine = prepareStateMachine(spec, executionTimeoutSeconds === undefined ? {} : { executionTimeoutSeconds });
    this.machines.set(machine.arn, machine);
    return machine.arn;
  }

  get stateMachineArns(): string[] {
    return [...this.machines.keys()];
  }

  async startExecution(input: StartExecutionInput): Promise<StartExecutionOutput> {
    if (this.stopped)
      throw new StepFunctionsError('ValidationException', 'The local Step Functions service has stopped');
    const machine = this.machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!isValidResourceName(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = validExecutionInput(input.input);

    const existing = this.executions.get(executionArn(machine.name, name));
    if (existing) {
      // Standard workflows: the same name and input as a *running* execution is the same request.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn: existing.executionArn, startDate: existing.startDate };
      }
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
    }
    if (this.options.faults?.refuseStart?.({ stateMachineArn: machine.arn, name })) {
      // A 400 the SDK does not retry: the caller (the create-order handler) fails after its write.
      throw new StepFunctionsError(
        'ExecutionLimitExceeded',
        'Maximum number of running executions reached (injected fault sfn.startFailed)',
      );
    }

    const execution = new LocalExecution({
      machine,
      name,
      input: inputText,
      tokens: this.tokens,
      resolveFunction: this.options.resolveFunction,
      timingOverrides: this.options.timingOverrides,
      ...(this.options.functionTimeoutSeconds ? { functionTimeoutSeconds: this.options.functionTimeoutSeconds } : {}),
      ...(this.options.faults?.lambdaTimesOutAfterRun
        ? { lambdaTimesOutAfterRun: this.options.faults.lambdaTimesOutAfterRun }
        : {}),
      onEnded: (ended) => this.announceEnd(ended),
    });
    this.executions.set(execution.executionArn, execution);
    this.startOrder.set(execution, ++this.startCount);
    this.forgetOldExecutions();
    return { executionArn: execution.executionArn, startDate: execution.startDate };
  }

  async describeExecution(input: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    return this.execution(input.executionArn).describe();
  }

  async getExecutionHistory(input: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    return this.execution(input.executionArn).history.page(input);
  }

  /** Newest first, as AWS lists them. */
  async listExecutions(input: ListExecutionsInput): Promise<ListExecutionsOutput> {
    const machine = this.machine(input.stateMachineArn);
    const size = pageSize(input.maxResults);
    const before = input.nextToken === undefined ? Infinity : decodePageToken(input.nextToken);
    const matching = [...this.executions.values()]
      .reverse()
      .filter((execution) => execution.stateMachineArn === machine.arn)
      .filter((execution) => !input.statusFilter || execution.status === input.statusFilter)
      .filter((execution) => this.startOrder.get(execution)! < before);
    const page = matching.slice(0, size);
    const last = page.at(-1);
    return {
      executions: page.map((execution) => execution.listItem()),
      ...(matching.length > size && last ? { nextToken: encodePageToken(this.startOrder.get(last)!) } : {}),
    };
  }

  async stopExecution(input: StopExecutionInput): Promise<StopExecutionOutput> {
    const execution = this.execution(input.executionArn);
    await execution.stop(input.error, input.cause);
    return { stopDate: execution.stopDate ?? new Date() };
  }

  async sendTaskSuccess(input: SendTaskSuccessInput): Promise<SendTaskSuccessOutput> {
    const token = required(input.taskToken, 'taskToken');
    this.tokens.succeed(token, parseJson(required(input.output, 'output'), 'InvalidOutput'));
    return {};
  }

  async sendTaskFailure(input: SendTaskFailureInput): Promise<SendTaskFailureOutput> {
    this.tokens.fail(required(input.taskToken, 'taskToken'), input.error ?? '', input.cause ?? '');
    return {};
  }

  async sendTaskHeartbeat(input: SendTaskHeartbeatInput): Promise<SendTaskHeartbeatOutput> {
    this.tokens.heartbeat(required(input.taskToken, 'taskToken'));
    return {};
  }

  /**
   * Calls `listener` with the EventBridge event AWS would send (`Step Functions Execution Status
   * Change`) whenever an execution ends, whatever its status; returns the unsubscribe function.
   * Executions ended by `stop()` (the local stack shutting down) are not announced: AWS has no such
   * ending, and their orders are picked up when the stack runs again.
   */
  onExecutionEnded(listener: ExecutionEndedListener): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  private announceEnd(execution: LocalExecution): void {
    if (this.stopped || this.endedListeners.size === 0) return;
    const event = executionStatusChangeEvent(execution);
    for (const listener of this.endedListeners) {
      // Delivered after the execution's own bookkeeping, like an event: a listener never delays or breaks it.
      void Promise.resolve()
        .then(() => listener(event))
        .catch((error: unknown) =>
          console.error(
            JSON.stringify({
              level: 'ERROR',
              message: 'An execution-ended listener failed',
              executionArn: execution.executionArn,
              error: String(error),
            }),
          ),
        );
    }
  }

  /** Stops every running execution and waits until all of them have ended; refuses new ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      [...this.executions.values()].map((execution) => execution.stop('LocalShutdown', 'The local stack stopped')),
    );
  }

  private machine(arn: string | undefined): RegisteredStateMachine {
    const stateMachineArn = required(arn, 'stateMachineArn');
    if (!isStateMachineArn(stateMachineArn))
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    const machine = this.machines.get(stateMachineArn);
    if (!machine)
      throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return machine;
  }

  private execution(arn: string | undefined): LocalExecution {
    const executionArnText = required(arn, 'executionArn');
    if (!parseExecutionArn(executionArnText))
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArnText}'`);
    const execution = this.executions.get(executionArnText);
    if (!execution)
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArnText}'`);
    return execution;
  }

  private forgetOldExecutions(): void {
    const limit = this.options.maxExecutions ?? 10_000;
    for (const [arn, execution] of this.executions) {
      if (this.executions.size <= limit) return;
      if (execution.status !== 'RUNNING') this.executions.delete(arn);
    }
  }
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined || value === null) {
    throw new StepFunctionsError(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function validExecutionInput(input: string | undefined): string {
  const text = input ?? '{}';
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES)
    throw new StepFunctionsError('InvalidExecutionInput', 'Input exceeds 256 KB');
  parseJson(text, 'InvalidExecutionInput');
  return text;
}

function parseJson(text: string, errorCode: 'InvalidExecutionInput' | 'InvalidOutput'): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new StepFunctionsError(errorCode, `Invalid JSON: ${text.slice(0, 100)}`);
  }
}
