import type { DescribeExecutionOutput, ExecutionListItem, ExecutionStatus } from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  type StateMachine,
} from 'aws-local-stepfunctions';
import './promise-with-resolvers';
import type { JsonValue } from './asl';
import { executionArn } from './aws-identifiers';
import { ExecutionHistory } from './execution-history';
import { type ExecutionOutcome, HistoryRecorder, type InterpreterEvent } from './history-recorder';
import type { FunctionResolver } from './lambda-boundary';
import type { RegisteredStateMachine } from './registered-state-machine';
import { TaskAbandoned } from './task-errors';
import { TaskInvocations } from './task-invocations';
import { createTaskOverrides, type ExecutionTaskContext } from './task-overrides';
import type { TaskTokens } from './task-tokens';

/**
 * The interpreter's own knobs for shortening Retry intervals and Wait states (e.g. in tests), and
 * `executionTimeoutSeconds`: replaces the TimeoutSeconds of every state machine that has one (the
 * order flow's 2 hours become seconds in a test of what happens when an execution times out).
 */
export type TimingOverrides = Pick<
  NonNullable<RunOptions['overrides']>,
  'retryIntervalOverrides' | 'waitTimeOverrides'
> & {
  readonly executionTimeoutSeconds?: number;
};

export interface ExecutionParams {
  readonly machine: RegisteredStateMachine;
  readonly name: string;
  /** The input as JSON text, exactly as StartExecution received it. */
  readonly input: string;
  readonly tokens: TaskTokens;
  readonly resolveFunction: FunctionResolver;
  readonly timingOverrides?: TimingOverrides;
  readonly functionTimeoutSeconds?: ExecutionTaskContext['functionTimeoutSeconds'];
  readonly lambdaTimesOutAfterRun?: ExecutionTaskContext['lambdaTimesOutAfterRun'];
  /** Called once, when the execution has ended (any status). */
  readonly onEnded?: (execution: LocalExecution) => void;
}

type Run = ReturnType<StateMachine['run']>;

/** One execution: runs in aws-local-stepfunctions, records its history, ends exactly once. */
export class LocalExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate = new Date();
  readonly history = new ExecutionHistory();
  /** Settles when the execution has ended and everything it held is released. */
  readonly finished: Promise<void>;

  private outcome: ExecutionOutcome | undefined;
  private stopping = false;
  private stopReason: { error?: string; cause?: string } = {};
  private readonly invocations: TaskInvocations;
  private readonly tokens: TaskTokens;
  private readonly run: Run;
  private readonly onEnded: ((execution: LocalExecution) => void) | undefined;

  constructor(params: ExecutionParams) {
    this.onEnded = params.onEnded;
    const { machine, tokens } = params;
    this.executionArn = executionArn(machine.name, params.name);
    this.stateMachineArn = machine.arn;
    this.name = params.name;
    this.input = params.input;
    this.tokens = tokens;
    this.invocations = new TaskInvocations(this.history, tokens);
    const overrides = createTaskOverrides(machine.taskPlans, {
      executionArn: this.executionArn,
      invocations: this.invocations,
      tokens,
      resolveFunction: params.resolveFunction,
      ...(params.functionTimeoutSeconds ? { functionTimeoutSeconds: params.functionTimeoutSeconds } : {}),
      ...(params.lambdaTimesOutAfterRun ? { lambdaTimesOutAfterRun: params.lambdaTimesOutAfterRun } : {}),
    });
    // The execution timeout is the registered machine's (see prepareStateMachine), not a run option.
    const { executionTimeoutSeconds: _machineLevel, ...runOverrides } = params.timingOverrides ?? {};
    this.run = machine.interpreter.run(JSON.parse(params.input) as JsonValue, {
      overrides: { ...runOverrides, taskResourceLocalHandlers: overrides },
      context: {
        Execution: { Id: this.executionArn, Name: this.name, RoleArn: machine.roleArn, RedriveCount: 0 },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: tokens.contextFor(this.executionArn),
      },
    });
    const recorder = new HistoryRecorder({
      history: this.history,
      invocations: this.invocations,
      statesInside: machine.statesInside,
      roleArn: machine.roleArn,
      stopReason: () => this.stopReason,
    });
    this.finished = this.follow(recorder);
  }

  get status(): ExecutionStatus {
    return this.outcome?.status ?? 'RUNNING';
  }

  /** StopExecution: aborts the run, ends its tasks (their tokens die) and waits until it is over. */
  async stop(error?: string, cause?: string): Promise<void> {
    if (this.outcome || this.stopping) return this.finished;
    this.stopping = true;
    this.stopReason = { error, cause };
    this.run.abort();
    this.invocations.abandonAll(new TaskAbandoned('Execution stopped'));
    await this.finished;
  }

  get stopDate(): Date | undefined {
    return this.outcome ? new Date(this.outcome.at) : undefined;
  }

  describe(): DescribeExecutionOutput {
    const outcome = this.outcome;
    return {
      ...this.listItem(),
      input: this.input,
      inputDetails: { included: true },
      ...(outcome?.status === 'SUCCEEDED' ? { output: outcome.output, outputDetails: { included: true } } : {}),
      ...(outcome && outcome.status !== 'SUCCEEDED' ? { error: outcome.error, cause: outcome.cause } : {}),
    };
  }

  listItem(): ExecutionListItem & { status: ExecutionStatus } {
    return {
      executionArn: this.executionArn,
      stateMachineArn: this.stateMachineArn,
      name: this.name,
      status: this.status,
      startDate: this.startDate,
      ...(this.stopDate ? { stopDate: this.stopDate } : {}),
    };
  }

  private async follow(recorder: HistoryRecorder): Promise<void> {
    const [, result] = await Promise.allSettled([this.recordEvents(recorder), this.run.result]);
    // The event log always ends with the execution's end; the result is only a safety net.
    if (!this.outcome) this.conclude(outcomeOf(result));
  }

  private async recordEvents(recorder: HistoryRecorder): Promise<void> {
    for await (const event of this.run.eventLogs as AsyncGenerator<InterpreterEvent>) {
      const outcome = recorder.record(event);
      if (outcome) this.conclude(outcome);
    }
  }

  private conclude(outcome: ExecutionOutcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.history.close();
    // Tasks still running in abandoned branches end now; their pending timers go with them.
    this.invocations.abandonAll(new TaskAbandoned('Execution ended'));
    this.tokens.revokeExecution(this.executionArn);
    this.onEnded?.(this);
  }

  /** How it ended; undefined while it runs. */
  get ending(): ExecutionOutcome | undefined {
    return this.outcome;
  }
}

function outcomeOf(result: PromiseSettledResult<unknown>): ExecutionOutcome {
  const at = Date.now();
  if (result.status === 'fulfilled') return { status: 'SUCCEEDED', output: JSON.stringify(result.value ?? null), at };
  const reason: unknown = result.reason;
  if (reason instanceof ExecutionAbortedError) return { status: 'ABORTED', at };
  if (reason instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', at };
  const cause = reason instanceof ExecutionError && reason.cause instanceof Error ? reason.cause : reason;
  return cause instanceof Error
    ? { status: 'FAILED', error: cause.name, cause: cause.message, at }
    : { status: 'FAILED', error: 'States.Runtime', cause: String(cause), at };
}
