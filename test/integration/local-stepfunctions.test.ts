import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidArn,
  InvalidExecutionInput,
  InvalidOutput,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  type ExtractedStateMachine,
  extractStateMachines,
  type FunctionResolver,
  type LambdaHandler,
  LocalStepFunctions,
  type LocalStepFunctionsServer,
  startLocalStepFunctionsServer,
} from '../../local/stepfunctions';
import { deliveriesTo, taskTokenFor, waitForDelivery } from '../fixtures/stepfunctions/callback-inbox';
import { ENTRY_METADATA, fixtureTemplate } from '../fixtures/stepfunctions/fixture-stack';
import { eventually } from '../support/eventually';

/*
 * The local Step Functions end to end: fixture state machines synthesized by CDK, executed by
 * aws-local-stepfunctions, driven through the real @aws-sdk/client-sfn over HTTP — configured only
 * by the environment (AWS_ENDPOINT_URL_SFN), like the project's handlers.
 */

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCAL_LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:';
const SDK_ENV = ['AWS_ENDPOINT_URL_SFN', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

let machines: ExtractedStateMachine[];
let service: LocalStepFunctions;
let server: LocalStepFunctionsServer;
let sfn: SFNClient;
const savedEnv = new Map<string, string | undefined>();

/** Maps each function to its handler module through the template's Metadata, loaded lazily. */
function handlersFromMetadata(extracted: readonly ExtractedStateMachine[]): FunctionResolver {
  const entries = new Map(
    extracted.flatMap((m) => m.lambdaFunctions).map((fn) => [fn.arn, String(fn.metadata[ENTRY_METADATA])]),
  );
  return async (functionArn) => {
    const entry = entries.get(functionArn);
    if (!entry) throw new Error(`No handler for ${functionArn}`);
    return ((await import(join(PROJECT_ROOT, entry))) as { handler: LambdaHandler }).handler;
  };
}

const machineArn = (name: string) => machines.find((m) => m.name === name || m.logicalId.startsWith(name))!.arn;

async function start(machine: string, input: Record<string, unknown>, name: string = randomUUID()): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machineArn(machine), name, input: JSON.stringify(input) }),
  );
  return executionArn!;
}

async function describeExecution(executionArn: string) {
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

/** Polls until the execution has ended (generous bound; nothing here runs for long). */
function ended(executionArn: string) {
  return eventually(
    async () => {
      const description = await describeExecution(executionArn);
      if (description.status === 'RUNNING') throw new Error(`${executionArn} still running`);
      return description;
    },
    { timeoutMs: 60_000, intervalMs: 25 },
  );
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

/** The token the approval handler was given for this request and approver. */
async function approvalToken(requestId: string, approver: string): Promise<string> {
  const { event } = await waitForDelivery((d) => d.event.requestId === requestId && d.event.approver === approver);
  return String(event.taskToken);
}

const outputOf = (description: { output?: string }) =>
  JSON.parse(description.output ?? 'null') as Record<string, unknown>;
const typesOf = (events: HistoryEvent[]) => events.map((event) => event.type);
const checkout = (orderId: string, extra: Record<string, unknown> = {}) => ({
  orderId,
  waitSeconds: 10,
  declines: 0,
  ...extra,
});

beforeAll(async () => {
  machines = extractStateMachines(fixtureTemplate());
  service = new LocalStepFunctions({ stateMachines: machines, resolveFunction: handlersFromMetadata(machines) });
  server = await startLocalStepFunctionsServer(service);
  for (const name of SDK_ENV) savedEnv.set(name, process.env[name]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SFN: server.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  sfn = new SFNClient({});
});

afterAll(async () => {
  sfn?.destroy();
  await server?.stop();
  await service?.stop();
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('a task token (waitForTaskToken)', () => {
  it('resumes the execution on SendTaskSuccess; payment retried once, SMS failure caught in its branch', async () => {
    const orderId = randomUUID();
    const executionArn = await start('Checkout', checkout(orderId, { declines: 1 }));
    const token = await taskTokenFor('await-buyer', orderId);
    expect(token).toMatch(/^LocalSfnTaskToken-/);

    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ action: 'pay' }) }));

    const description = await ended(executionArn);
    expect(description.status).toBe('SUCCEEDED');
    expect(description.stopDate).toBeInstanceOf(Date);
    const output = outputOf(description);
    expect(output).toMatchObject({
      orderId,
      preparedBy: expect.stringMatching(/^PrepareFn/),
      buyer: { action: 'pay' },
      charge: { chargeId: `ch-${orderId}`, attempts: 2, statusCode: 200 },
      notifications: [
        { channel: 'email', sentTo: orderId },
        { channel: 'sms', failure: 'SmsGatewayDown' },
      ],
      outcome: 'paid',
    });

    const events = await history(executionArn);
    const scheduled = events.find(
      (e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resource === 'invoke.waitForTaskToken',
    );
    const parameters = JSON.parse(scheduled!.taskScheduledEventDetails!.parameters!) as Record<string, unknown>;
    // The token the handler got is the one in the history; the timeout path helper never shows.
    expect(parameters).toEqual({
      FunctionName: expect.stringMatching(/:function:AwaitBuyerFn/),
      Payload: { taskToken: token, orderId },
    });
    expect(typesOf(events)).toEqual(
      expect.arrayContaining(['TaskSubmitted', 'ChoiceStateEntered', 'ParallelStateEntered', 'ParallelStateSucceeded']),
    );
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');

    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('fails the task on SendTaskFailure: a matching Catch takes over', async () => {
    const orderId = randomUUID();
    const executionArn = await start('Checkout', checkout(orderId));
    const token = await taskTokenFor('await-buyer', orderId);
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'BuyerCancelled', cause: 'Changed my mind' }));

    const description = await ended(executionArn);
    expect(description.status).toBe('SUCCEEDED');
    expect(outputOf(description)).toMatchObject({
      outcome: 'cancelled',
      cancellation: { Error: 'BuyerCancelled', Cause: 'Changed my mind' },
    });
    const failed = (await history(executionArn)).find((e) => e.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'BuyerCancelled', cause: 'Changed my mind' });
  });

  it('fails the execution on an error nothing catches, with error and cause', async () => {
    const orderId = randomUUID();
    const executionArn = await start('Checkout', checkout(orderId));
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: await taskTokenFor('await-buyer', orderId),
        error: 'CardStolen',
        cause: 'Reported',
      }),
    );

    const description = await ended(executionArn);
    expect(description).toMatchObject({ status: 'FAILED', error: 'CardStolen', cause: 'Reported' });
    expect((await history(executionArn)).at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'CardStolen', cause: 'Reported' },
    });
  });

  it('times out after TimeoutSecondsPath seconds: Catch on States.Timeout, the token is dead', async () => {
    const orderId = randomUUID();
    const executionArn = await start('Checkout', checkout(orderId, { waitSeconds: 1 }));
    const token = await taskTokenFor('await-buyer', orderId);

    const description = await ended(executionArn);
    expect(description.status).toBe('SUCCEEDED');
    expect(outputOf(description)).toMatchObject({ outcome: 'expired', timeout: { Error: 'States.Timeout' } });
    const timedOut = (await history(executionArn)).find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({
      error: 'States.Timeout',
      resource: 'invoke.waitForTaskToken',
    });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('gives two tasks waiting at once different tokens, each resuming its own task', async () => {
    const requestId = randomUUID();
    const executionArn = await start('ApprovalsMachine', { requestId, autoApprove: [] });
    const [tokenA, tokenB] = await Promise.all([approvalToken(requestId, 'a'), approvalToken(requestId, 'b')]);
    expect(tokenA).not.toBe(tokenB);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokenB, output: JSON.stringify({ by: 'b' }) }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokenA, output: JSON.stringify({ by: 'a' }) }));

    const description = await ended(executionArn);
    expect(description.status).toBe('SUCCEEDED');
    expect(outputOf(description).approvals).toEqual([{ by: 'a' }, { by: 'b' }]);
  });

  it('accepts SendTaskSuccess from inside the handler through the SDK (AWS_ENDPOINT_URL_SFN)', async () => {
    const requestId = randomUUID();
    const executionArn = await start('ApprovalsMachine', { requestId, autoApprove: ['a', 'b'] });
    const description = await ended(executionArn);
    expect(description.status).toBe('SUCCEEDED');
    expect(outputOf(description).approvals).toEqual([
      { approver: 'a', approved: true },
      { approver: 'b', approved: true },
    ]);
  });

  it('invalidates the other branch token when a Parallel fails, and its Catch runs on', async () => {
    const requestId = randomUUID();
    const executionArn = await start('ApprovalsMachine', { requestId, autoApprove: [] });
    const [tokenA, tokenB] = await Promise.all([approvalToken(requestId, 'a'), approvalToken(requestId, 'b')]);

    await sfn.send(new SendTaskFailureCommand({ taskToken: tokenA, error: 'ApprovalRejected', cause: 'No budget' }));
    const confirmToken = await approvalToken(requestId, 'confirmer');
    expect((await describeExecution(executionArn)).status).toBe('RUNNING');
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: tokenB, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: confirmToken, output: JSON.stringify({ confirmed: true }) }),
    );
    const description = await ended(executionArn);
    expect(description.status).toBe('SUCCEEDED');
    expect(outputOf(description)).toMatchObject({
      rejection: { Error: 'ApprovalRejected', Cause: 'No budget' },
      confirmation: { confirmed: true },
    });
    expect(typesOf(await history(executionArn))).toEqual(
      expect.arrayContaining(['ParallelStateFailed', 'TaskStateAborted']),
    );
  });
});

describe('Retry and Catch on a Lambda error', () => {
  it('retries a declined payment with backoff, then catches it: the error name is the handler error', async () => {
    const orderId = randomUUID();
    const executionArn = await start('Checkout', checkout(orderId, { declines: 5 }));
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: await taskTokenFor('await-buyer', orderId), output: '{"action":"pay"}' }),
    );

    const description = await ended(executionArn);
    expect(description.status).toBe('SUCCEEDED');
    const { outcome, paymentError } = outputOf(description) as {
      outcome: string;
      paymentError: { Error: string; Cause: string };
    };
    expect(outcome).toBe('payment-failed');
    expect(paymentError.Error).toBe('PaymentDeclined');
    expect(JSON.parse(paymentError.Cause)).toMatchObject({
      errorType: 'PaymentDeclined',
      errorMessage: 'Card declined (attempt 3)',
    });

    const events = await history(executionArn);
    const chargeAttempts = events.filter(
      (e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.parameters?.includes(':function:ChargeFn'),
    );
    const declines = events.filter(
      (e) => e.type === 'TaskFailed' && e.taskFailedEventDetails?.error === 'PaymentDeclined',
    );
    expect(chargeAttempts).toHaveLength(3); // first attempt + MaxAttempts 2
    expect(declines).toHaveLength(3);
  });

  it('fails the execution from a Fail state reached by the Choice default', async () => {
    const orderId = randomUUID();
    const executionArn = await start('Checkout', checkout(orderId));
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: await taskTokenFor('await-buyer', orderId),
        output: '{"action":"dance"}',
      }),
    );
    expect(await ended(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'UnknownAction',
      cause: 'The buyer sent an unknown action',
    });
  });
});

describe('StartExecution', () => {
  it('is idempotent for the same name and input while running; other input is ExecutionAlreadyExists', async () => {
    const orderId = randomUUID();
    const input = JSON.stringify(checkout(orderId));
    const stateMachineArn = machineArn('Checkout');
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: orderId, input }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: orderId, input }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    expect(first.executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:Checkout:${orderId}`);

    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: orderId,
          input: JSON.stringify(checkout(orderId, { declines: 2 })),
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    await waitForDelivery((d) => d.event.orderId === orderId);
    expect(deliveriesTo('await-buyer', orderId)).toHaveLength(1); // one execution, one handler call
    const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    expect(executions?.filter((e) => e.name === orderId)).toHaveLength(1);

    // Once closed, even the same input may not start it again (AWS: names are unique for 90 days).
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn, name: orderId, input }))).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
  });

  it('names an execution with a UUID when no name is given', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machineArn('Checkout'),
        input: JSON.stringify(checkout(randomUUID())),
      }),
    );
    expect(executionArn).toMatch(/:execution:Checkout:[0-9a-f-]{36}$/);
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('refuses bad input, names and state machines with the SDK exception classes', async () => {
    const stateMachineArn = machineArn('Checkout');
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{not json' }))).rejects.toBeInstanceOf(
      InvalidExecutionInput,
    );
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'has space', input: '{}' })),
    ).rejects.toMatchObject({
      name: 'InvalidName',
    });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}Nope`, input: '{}' })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });
});

describe('StopExecution', () => {
  it('aborts a waiting execution: ABORTED with error and cause, its token no longer valid', async () => {
    const orderId = randomUUID();
    const executionArn = await start('Checkout', checkout(orderId));
    const token = await taskTokenFor('await-buyer', orderId);

    const { stopDate } = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'OrderExpired', cause: 'Hold lapsed' }),
    );
    expect(stopDate).toBeInstanceOf(Date);
    expect(await describeExecution(executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'OrderExpired',
      cause: 'Hold lapsed',
      stopDate,
    });
    expect((await history(executionArn)).at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'OrderExpired', cause: 'Hold lapsed' },
    });
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });
});

describe('DescribeExecution, GetExecutionHistory, ListExecutions', () => {
  let finishedArn: string;

  beforeAll(async () => {
    const orderId = randomUUID();
    finishedArn = await start('Checkout', checkout(orderId));
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: await taskTokenFor('await-buyer', orderId), output: '{"action":"pay"}' }),
    );
    await ended(finishedArn);
  });

  it('describes an execution with its input, output and dates', async () => {
    const description = await describeExecution(finishedArn);
    expect(description).toMatchObject({
      executionArn: finishedArn,
      stateMachineArn: machineArn('Checkout'),
      status: 'SUCCEEDED',
      startDate: expect.any(Date),
      stopDate: expect.any(Date),
    });
    expect(JSON.parse(description.input!)).toMatchObject({ waitSeconds: 10 });
    expect(description.stopDate!.getTime()).toBeGreaterThanOrEqual(description.startDate!.getTime());
  });

  it('pages the history forwards and backwards with ids and previous ids', async () => {
    const all = await history(finishedArn);
    expect(all[0]).toMatchObject({ id: 1, previousEventId: 0, type: 'ExecutionStarted' });
    expect(all.map((e) => e.id)).toEqual(all.map((_, i) => i + 1));

    const forward: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: finishedArn, maxResults: 7, nextToken }),
      );
      expect(page.events!.length).toBeLessThanOrEqual(7);
      forward.push(...page.events!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(forward.map((e) => e.id)).toEqual(all.map((e) => e.id));

    const reversed = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: finishedArn, reverseOrder: true, maxResults: 3 }),
    );
    expect(reversed.events!.map((e) => e.type)).toEqual([
      'ExecutionSucceeded',
      'SucceedStateExited',
      'SucceedStateEntered',
    ]);
    const older = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: finishedArn,
        reverseOrder: true,
        maxResults: 3,
        nextToken: reversed.nextToken,
      }),
    );
    expect(older.events![0]!.id).toBe(reversed.events![2]!.id! - 1);

    const withoutData = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: finishedArn, includeExecutionData: false }),
    );
    expect(withoutData.events![0]!.executionStartedEventDetails).not.toHaveProperty('input');
  });

  it('lists a state machine’s executions newest first, filtered by status, in pages', async () => {
    const stateMachineArn = machineArn('Checkout');
    const { executions: all } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(all!.length).toBeGreaterThan(3);
    const starts = all!.map((e) => e.startDate!.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));

    const paged: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken }));
      paged.push(...page.executions!.map((e) => e.executionArn!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(paged).toEqual(all!.map((e) => e.executionArn));

    const { executions: succeeded } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }),
    );
    expect(succeeded!.map((e) => e.executionArn)).toContain(finishedArn);
    expect(succeeded!.every((e) => e.status === 'SUCCEEDED' && e.stopDate instanceof Date)).toBe(true);
  });

  it('reports unknown executions, malformed ARNs and tokens as AWS does', async () => {
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:000000000000:execution:Checkout:nobody',
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))).rejects.toBeInstanceOf(
      InvalidArn,
    );

    const unknownToken = `LocalSfnTaskToken-${'A'.repeat(43)}`;
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: unknownToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(sfn.send(new SendTaskFailureCommand({ taskToken: unknownToken }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' }))).rejects.toBeInstanceOf(
      InvalidToken,
    );
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: unknownToken, output: '{oops' })),
    ).rejects.toBeInstanceOf(InvalidOutput);
  });
});

describe('the HTTP front', () => {
  it('speaks JSON 1.0: epoch-second timestamps, errors as 400 with __type', async () => {
    const call = (action: string, body: unknown) =>
      fetch(server.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
        body: JSON.stringify(body),
      });
    const started = await call('StartExecution', {
      stateMachineArn: machineArn('Checkout'),
      input: JSON.stringify(checkout(randomUUID())),
    });
    expect(started.status).toBe(200);
    expect(started.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    const { executionArn, startDate } = (await started.json()) as { executionArn: string; startDate: number };
    expect(Math.abs(startDate - Date.now() / 1000)).toBeLessThan(60);
    await sfn.send(new StopExecutionCommand({ executionArn }));

    const unknown = await call('CreateActivity', { name: 'x' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

describe('hand-written definitions', () => {
  const local = (definition: AslDefinition, resolveFunction: FunctionResolver) =>
    new LocalStepFunctions({ stateMachines: [{ name: 'HandWritten', definition }], resolveFunction });
  const smArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:HandWritten';

  async function runToEnd(service: LocalStepFunctions, input: unknown) {
    const { executionArn } = await service.startExecution({ stateMachineArn: smArn, input: JSON.stringify(input) });
    // Gives up quietly: the caller's assertions on the description say what went wrong.
    await eventually(
      async () => {
        if ((await service.describeExecution({ executionArn })).status === 'RUNNING')
          throw new Error(`${executionArn} still running`);
      },
      { timeoutMs: 60_000, intervalMs: 25 },
    ).catch(() => undefined);
    return {
      description: await service.describeExecution({ executionArn }),
      events: (await service.getExecutionHistory({ executionArn, maxResults: 1000 })).events ?? [],
    };
  }

  it('runs a Map whose iterations call a function (Resource = function ARN)', async () => {
    const service = local(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'Double',
              States: { Double: { Type: 'Task', Resource: `${LOCAL_LAMBDA}Doubler`, TimeoutSeconds: 5, End: true } },
            },
            End: true,
          },
        },
      },
      async () => async (event) => (event as number) * 2,
    );
    const { description, events } = await runToEnd(service, { items: [1, 2, 3] });
    expect(description).toMatchObject({ status: 'SUCCEEDED', output: '[2,4,6]' });
    expect(
      events
        .filter((e) => e.type === 'MapIterationStarted')
        .map((e) => e.mapIterationStartedEventDetails?.index)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(events.filter((e) => e.type === 'LambdaFunctionSucceeded')).toHaveLength(3);
    expect(typesOf(events)).toEqual(
      expect.arrayContaining(['MapStateEntered', 'MapStateStarted', 'MapStateSucceeded', 'MapStateExited']),
    );
    await service.stop();
  });

  it('times the execution out after the definition’s TimeoutSeconds', async () => {
    const service = local(
      { TimeoutSeconds: 1, StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 30, End: true } } },
      () => Promise.reject(new Error('no functions')),
    );
    const { description, events } = await runToEnd(service, {});
    expect(description).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionTimedOut',
      executionTimedOutEventDetails: { error: 'States.Timeout' },
    });
    await service.stop();
  });
});

describe('shutdown', () => {
  it('stops running executions and leaves no timers behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    const local = new LocalStepFunctions({ stateMachines: machines, resolveFunction: handlersFromMetadata(machines) });
    const orderId = randomUUID();
    const { executionArn } = await local.startExecution({
      stateMachineArn: machineArn('Checkout'),
      input: JSON.stringify(checkout(orderId, { waitSeconds: 600 })),
    });
    await taskTokenFor('await-buyer', orderId);
    expect(timers()).toBeGreaterThan(before); // the task timeout is pending

    await local.stop();
    expect((await local.describeExecution({ executionArn })).status).toBe('ABORTED');
    expect(timers()).toBe(before);
    await expect(local.startExecution({ stateMachineArn: machineArn('Checkout') })).rejects.toThrow(/stopped/);
  });
});
