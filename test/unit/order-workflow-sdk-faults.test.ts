import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { stepFunctionsWorkflow } from '../../lambdas/core/orders/order-workflow';
import { DomainError, HoldExpired } from '../../lambdas/core/platform/errors';

/**
 * The order flow's Step Functions calls under faults the local service does not make: an
 * already-started execution is the order's one flow (idempotent start), a gone task token is
 * HoldExpired, and a throttle is a fault to retry — never "hold expired", never a second flow.
 */

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:orders:order-1';
const workflow = stepFunctionsWorkflow(new SFNClient({ region: 'eu-west-1' }), MACHINE);
const input = { orderId: 'order-1', eventId: 'ev-1', hold: { waitSeconds: 300 } };
const meta = (status: number) => ({ $metadata: { httpStatusCode: status, requestId: 'r-1', attempts: 3 } });
const throttled = () =>
  new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', ...meta(400) });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('start', () => {
  it('names the execution after the order, so a second start can never make a second flow', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    expect(await workflow.start(input)).toBe(EXECUTION);
    const sent = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(sent).toMatchObject({ stateMachineArn: MACHINE, name: 'order-1' });
    expect(JSON.parse(sent.input!)).toEqual(input);
  });

  it('ExecutionAlreadyExists (started before with other timing) answers the existing execution', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', ...meta(400) }));
    expect(await workflow.start(input)).toBe(EXECUTION);
  });

  it('a throttle propagates: the order is not taken as started (the buyer or the reconciler starts it again)', async () => {
    const error = throttled();
    sfn.on(StartExecutionCommand).rejects(error);
    expect(await rejection(workflow.start(input))).toBe(error);
  });
});

describe('resume (SendTaskSuccess)', () => {
  it('sends the buyer action as the task output', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await workflow.resume('token-1', { action: 'pay', code: '4242' });
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(sent.taskToken).toBe('token-1');
    expect(JSON.parse(sent.output!)).toEqual({ action: 'pay', code: '4242' });
  });

  it("TaskTimedOut (AWS's answer for a token whose task is over) is HoldExpired", async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(new TaskTimedOut({ message: "Task Timed Out: 'Provided task does not exist anymore'", ...meta(400) }));
    expect(await rejection(workflow.resume('token-1', { action: 'cancel' }))).toBeInstanceOf(HoldExpired);
  });

  it('InvalidToken is HoldExpired', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(new InvalidToken({ message: 'Invalid Token', ...meta(400) }));
    expect(await rejection(workflow.resume('token-1', { action: 'cancel' }))).toBeInstanceOf(HoldExpired);
  });

  it('a throttle or a 5xx propagates as itself: the flow may still wait, so it is never HoldExpired', async () => {
    const error = throttled();
    sfn.on(SendTaskSuccessCommand).rejects(error);
    const thrown = await rejection(workflow.resume('token-1', { action: 'pay', code: '4242' }));
    expect(thrown).toBe(error);
    expect(thrown).not.toBeInstanceOf(DomainError);

    const serverError = new SFNServiceException({
      name: 'InternalFailure',
      $fault: 'server',
      message: 'x',
      ...meta(500),
    });
    sfn.reset();
    sfn.on(SendTaskSuccessCommand).rejects(serverError);
    expect(await rejection(workflow.resume('token-1', { action: 'cancel' }))).toBe(serverError);
  });
});

describe('isRunning', () => {
  it('is true only while the execution runs', async () => {
    sfn.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING' }).resolves({ status: 'SUCCEEDED' });
    expect(await workflow.isRunning('order-1')).toBe(true);
    expect(await workflow.isRunning('order-1')).toBe(false);
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]!.args[0].input.executionArn).toBe(EXECUTION);
  });

  it('ExecutionDoesNotExist is "not running"', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', ...meta(400) }));
    expect(await workflow.isRunning('order-1')).toBe(false);
  });

  it('a throttle propagates as itself, never "not running" (the caller keeps the order as it is and tries later)', async () => {
    const error = throttled();
    sfn.on(DescribeExecutionCommand).rejects(error);
    expect(await rejection(workflow.isRunning('order-1'))).toBe(error);
  });
});
