import type { JsonValue } from './asl';
import { LOCAL_REGION } from './aws-identifiers';
import type { ExecutionHistory } from './execution-history';
import type { LambdaTaskPlan } from './lambda-task-plans';
import { TaskAbandoned, TaskFailure } from './task-errors';
import type { TaskTokens } from './task-tokens';

/**
 * One run of a Task state's work (each retry is a new one) and the history events it writes:
 * TaskScheduled/TaskStarted/TaskSubmitted/TaskSucceeded/TaskFailed/TaskTimedOut for the lambda:invoke
 * integrations, LambdaFunction* for a function ARN as Resource — as AWS writes them.
 *
 * The interpreter reports "state entered" through an event queue that is read a little later than
 * the task starts, so an invocation holds its events back until that entry has been recorded
 * ("announced"); history order is then always: state entered, scheduled, started, outcome, exited.
 */

const OUTPUT_DETAILS = { truncated: false };

export class TaskInvocation {
  readonly beganAt = Date.now();
  private announced = false;
  private settled = false;
  private readonly heldBack: Array<() => void> = [];
  private tokens: readonly string[] = [];
  private abandon!: (reason: TaskAbandoned) => void;
  private readonly abandoned = new Promise<never>((_, reject) => {
    this.abandon = reject;
  });

  constructor(
    readonly stateName: string,
    private readonly plan: LambdaTaskPlan,
    private readonly parameters: JsonValue,
    private readonly timeoutSeconds: number | undefined,
    private readonly history: ExecutionHistory,
    private readonly taskTokens: TaskTokens,
  ) {
    this.abandoned.catch(() => undefined); // observed through run(); never an unhandled rejection
  }

  get isSettled(): boolean {
    return this.settled;
  }

  get isAnnounced(): boolean {
    return this.announced;
  }

  /** Runs the work and records its outcome; an abandoned invocation rejects at once. */
  async run(work: () => Promise<JsonValue>): Promise<JsonValue> {
    try {
      const result = await Promise.race([work(), this.abandoned]);
      this.settle((at) => this.writeSucceeded(result, at));
      return result;
    } catch (error) {
      const failure = error instanceof Error ? error : new TaskFailure('Error', String(error));
      if (!(failure instanceof TaskAbandoned)) this.settle((at) => this.writeFailed(failure.name, failure.message, at));
      throw failure;
    }
  }

  /** Tokens that belong to this invocation; they die with it. */
  holdTokens(tokens: readonly string[]): void {
    this.tokens = tokens;
    if (this.settled) this.taskTokens.revoke(tokens);
  }

  /** A callback task's function returned: the task now waits for its token. */
  submitted(invokeOutput: JsonValue): void {
    if (this.settled || this.plan.kind === 'function') return;
    const details = { ...this.resourceDetails(), output: JSON.stringify(invokeOutput), outputDetails: OUTPUT_DETAILS };
    this.write((at) => this.history.append('TaskSubmitted', { taskSubmittedEventDetails: details }, at));
  }

  /** The interpreter timed the task out (States.Timeout); its tokens are no longer valid. */
  timedOut(): void {
    this.settle((at) => {
      if (this.plan.kind === 'function') {
        this.history.append(
          'LambdaFunctionTimedOut',
          { lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout' } },
          at,
        );
      } else {
        this.history.append(
          'TaskTimedOut',
          { taskTimedOutEventDetails: { ...this.resourceDetails(), error: 'States.Timeout' } },
          at,
        );
      }
    });
  }

  /** Ends the invocation without an outcome: its execution stopped or its branch was given up. */
  abandonBecause(reason: TaskAbandoned, recordAbort: boolean): void {
    if (this.settled) return;
    this.settle((at) => {
      if (recordAbort) this.history.append('TaskStateAborted', {}, at);
    });
    this.abandon(reason);
  }

  announce(): void {
    if (this.announced) return;
    this.announced = true;
    this.writeScheduledAndStarted();
    for (const write of this.heldBack.splice(0)) write();
  }

  private settle(event: (at: number) => void): void {
    if (this.settled) return;
    this.settled = true;
    this.taskTokens.revoke(this.tokens);
    this.write(event);
  }

  /** Writes now, or once announced — either way stamped with the time it happened. */
  private write(event: (at: number) => void): void {
    const at = Date.now();
    if (this.announced) event(at);
    else this.heldBack.push(() => event(at));
  }

  private writeScheduledAndStarted(): void {
    const at = this.beganAt;
    const timeout = this.timeoutSeconds === undefined ? {} : { timeoutInSeconds: this.timeoutSeconds };
    if (this.plan.kind === 'function') {
      this.history.append(
        'LambdaFunctionScheduled',
        {
          lambdaFunctionScheduledEventDetails: {
            resource: this.plan.functionArn,
            input: JSON.stringify(this.parameters),
            inputDetails: { truncated: false },
            ...timeout,
          },
        },
        at,
      );
      this.history.append('LambdaFunctionStarted', {}, at);
      return;
    }
    this.history.append(
      'TaskScheduled',
      {
        taskScheduledEventDetails: {
          ...this.resourceDetails(),
          region: LOCAL_REGION,
          parameters: JSON.stringify(this.parameters),
          ...timeout,
        },
      },
      at,
    );
    this.history.append('TaskStarted', { taskStartedEventDetails: this.resourceDetails() }, at);
  }

  private writeSucceeded(output: JsonValue, at: number): void {
    const data = { output: JSON.stringify(output), outputDetails: OUTPUT_DETAILS };
    if (this.plan.kind === 'function')
      this.history.append('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: data }, at);
    else
      this.history.append('TaskSucceeded', { taskSucceededEventDetails: { ...this.resourceDetails(), ...data } }, at);
  }

  private writeFailed(error: string, cause: string, at: number): void {
    if (this.plan.kind === 'function')
      this.history.append('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } }, at);
    else this.history.append('TaskFailed', { taskFailedEventDetails: { ...this.resourceDetails(), error, cause } }, at);
  }

  private resourceDetails(): { resourceType: string; resource: string } {
    return { resourceType: 'lambda', resource: this.plan.kind };
  }
}

/** All task invocations of one execution, kept in step with the states the history has seen entered. */
export class TaskInvocations {
  private invocations: TaskInvocation[] = [];
  private readonly openStates = new Map<string, number>();
  private stoppedBy: TaskAbandoned | undefined;

  constructor(
    private readonly history: ExecutionHistory,
    private readonly taskTokens: TaskTokens,
  ) {}

  begin(
    stateName: string,
    plan: LambdaTaskPlan,
    parameters: JsonValue,
    timeoutSeconds: number | undefined,
  ): TaskInvocation {
    this.invocations = this.invocations.filter((invocation) => !(invocation.isSettled && invocation.isAnnounced));
    const invocation = new TaskInvocation(stateName, plan, parameters, timeoutSeconds, this.history, this.taskTokens);
    this.invocations.push(invocation);
    if (this.stoppedBy) invocation.abandonBecause(this.stoppedBy, false);
    // A retry runs inside a state the history already shows as entered: announce it right away.
    else if ((this.openStates.get(stateName) ?? 0) > this.running(stateName).filter((i) => i.isAnnounced).length) {
      invocation.announce();
    }
    return invocation;
  }

  stateEntered(stateName: string): void {
    this.openStates.set(stateName, (this.openStates.get(stateName) ?? 0) + 1);
    this.invocations.find((invocation) => invocation.stateName === stateName && !invocation.isAnnounced)?.announce();
  }

  stateExited(stateName: string): void {
    this.openStates.set(stateName, Math.max(0, (this.openStates.get(stateName) ?? 0) - 1));
  }

  timedOut(stateName: string): void {
    this.running(stateName)[0]?.timedOut();
  }

  /** The interpreter gave up these states' branches (their Parallel or Map failed). */
  abandonInside(stateNames: ReadonlySet<string>, startedUpTo: number): void {
    for (const invocation of this.invocations) {
      if (!invocation.isSettled && stateNames.has(invocation.stateName) && invocation.beganAt <= startedUpTo) {
        invocation.abandonBecause(new TaskAbandoned('Its branch was abandoned'), true);
      }
    }
  }

  /** The execution is over or stopping: every running task ends, and later ones never start. */
  abandonAll(reason: TaskAbandoned): void {
    this.stoppedBy ??= reason;
    for (const invocation of this.invocations) invocation.abandonBecause(reason, false);
  }

  private running(stateName: string): TaskInvocation[] {
    return this.invocations.filter((invocation) => invocation.stateName === stateName && !invocation.isSettled);
  }
}
