/**
 * Errors a task override throws into aws-local-stepfunctions. Retry and Catch match on `name`;
 * a caught error's Cause is the `message`.
 */

/** A task that failed with a Step Functions error name and cause (a Lambda error, SendTaskFailure). */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * A task that must end without being retried or caught: its execution was stopped, or the branch it
 * runs in was abandoned. The interpreter honours these two flags (its own runtime errors have them).
 */
export class TaskAbandoned extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'States.Aborted';
  }

  get isRetryable(): boolean {
    return false;
  }

  get isCatchable(): boolean {
    return false;
  }
}
