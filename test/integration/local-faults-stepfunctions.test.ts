import { randomUUID } from 'node:crypto';
import {
  DescribeExecutionCommand,
  ExecutionLimitExceeded,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultSwitch } from '../../local/faults/fault-switch';
import {
  type AslDefinition,
  type ExecutionStatusChangeEvent,
  LAMBDA_TIMEOUT_ERROR,
  type LambdaHandler,
  LocalStepFunctions,
  type LocalStepFunctionsServer,
  localFunctionArn,
  startLocalStepFunctionsServer,
} from '../../local/stepfunctions';
import { eventually } from '../support/eventually';

/*
 * The local Step Functions failing like AWS: function timeouts enforced (Sandbox.Timedout), the
 * injected "timed out after its side effect", StartExecution refused once for a name, the state
 * machine's own TimeoutSeconds, and the EventBridge-shaped event of every execution that ends.
 * Driven through the real @aws-sdk/client-sfn over HTTP.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Side effects the handlers leave, by execution name: what ran, even when its answer was lost. */
const effects = new Map<string, string[]>();
const HANDLERS: Record<string, LambdaHandler> = {
  Record: async (event) => {
    const { name, step } = event as { name: string; step: string };
    effects.set(name, [...(effects.get(name) ?? []), step]);
    return { step, done: true };
  },
  Slow: async () => {
    await sleep(4_000); // well beyond its 1 s timeout
    return { late: true };
  },
};
/** The functions' configured timeouts (the local stack reads them from the template). */
const TIMEOUTS: Record<string, number> = { Record: 60, Slow: 1 };

const task = (fn: string, step: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: localFunctionArn(fn),
  Parameters: { 'name.$': '$$.Execution.Name', step },
  ResultPath: `$.${step}`,
  ...extra,
});

const MACHINES: Record<string, AslDefinition> = {
  // First → Second: two steps with side effects; Second retries a Lambda timeout twice.
  Steps: {
    StartAt: 'First',
    States: {
      First: task('Record', 'first', { Next: 'Second' }),
      Second: task('Record', 'second', {
        Retry: [{ ErrorEquals: [LAMBDA_TIMEOUT_ERROR], IntervalSeconds: 1, MaxAttempts: 2 }],
        End: true,
      }),
    },
  },
  // A step that runs over its function's timeout; the lambda:invoke shape, caught.
  SlowInvoke: {
    StartAt: 'Slow',
    States: {
      Slow: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: localFunctionArn('Slow'), Payload: {} },
        Catch: [{ ErrorEquals: [LAMBDA_TIMEOUT_ERROR], ResultPath: '$.timedOut', Next: 'TimedOut' }],
        End: true,
      },
      TimedOut: { Type: 'Pass', End: true },
    },
  },
  SlowFunction: { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: localFunctionArn('Slow'), End: true } } },
  // Its own 2-hour limit, shortened for the test by timingOverrides.executionTimeoutSeconds.
  LongWait: { TimeoutSeconds: 7200, StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } },
  Fails: { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Boom', Cause: 'on purpose' } } },
};

let faults: FaultSwitch;
let service: LocalStepFunctions;
let server: LocalStepFunctionsServer;
let sfn: SFNClient;
const events: ExecutionStatusChangeEvent[] = [];
let unsubscribe: () => void;

beforeAll(async () => {
  faults = new FaultSwitch('off', { environment: {}, settingsEnvironment: {} });
  service = new LocalStepFunctions({
    stateMachines: Object.entries(MACHINES).map(([name, definition]) => ({ name, definition })),
    resolveFunction: (arn) => HANDLERS[arn.slice(arn.lastIndexOf(':') + 1)]!,
    functionTimeoutSeconds: (arn) => TIMEOUTS[arn.slice(arn.lastIndexOf(':') + 1)],
    timingOverrides: { retryIntervalOverrides: { Second: 0 }, executionTimeoutSeconds: 1 },
    faults: {
      lambdaTimesOutAfterRun: ({ stateName }) => faults.drawLambdaTimeout(stateName),
      refuseStart: ({ name }) => faults.drawStartFailure(name),
    },
  });
  unsubscribe = service.onExecutionEnded((event) => {
    events.push(event);
  });
  server = await startLocalStepFunctionsServer(service);
  sfn = new SFNClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sfn?.destroy();
  await server?.stop();
  await service?.stop();
});

const arnOf = (machine: string) => service.stateMachineArns.find((arn) => arn.endsWith(`:${machine}`))!;

async function start(
  machine: string,
  name: string = randomUUID(),
  input: Record<string, unknown> = {},
): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: arnOf(machine), name, input: JSON.stringify(input) }),
  );
  return executionArn!;
}

/** Polls until the execution has ended (a generous bound; nothing here runs long). */
function ended(executionArn: string) {
  return eventually(
    async () => {
      const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (description.status === 'RUNNING') throw new Error(`${executionArn} still running`);
      return description;
    },
    { intervalMs: 25 },
  );
}

/** The ended-event of an execution (delivered just after it ended). */
function eventOf(executionArn: string): Promise<ExecutionStatusChangeEvent> {
  return eventually(
    () => {
      const event = events.find((e) => e.detail.executionArn === executionArn);
      if (!event) throw new Error(`No ended-event for ${executionArn}`);
      return event;
    },
    { intervalMs: 25 },
  );
}

describe('Lambda timeouts', () => {
  it('fails a step that runs over its function’s configured timeout with Sandbox.Timedout (function resource)', async () => {
    const description = await ended(await start('SlowFunction'));
    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('Sandbox.Timedout');
    expect(JSON.parse(description.cause!)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/),
    });
    const { events: history } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: description.executionArn }),
    );
    expect(history?.find((e) => e.type === 'LambdaFunctionFailed')?.lambdaFunctionFailedEventDetails?.error).toBe(
      'Sandbox.Timedout',
    );
  });

  it('lets a Catch on Sandbox.Timedout handle it (lambda:invoke)', async () => {
    const description = await ended(await start('SlowInvoke'));
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output!).timedOut).toMatchObject({ Error: 'Sandbox.Timedout' });
  });

  it('runs a step within its timeout as before', async () => {
    const name = randomUUID();
    const description = await ended(await start('Steps', name));
    expect(description.status).toBe('SUCCEEDED');
    expect(effects.get(name)).toEqual(['first', 'second']);
  });
});

describe('lambda.timeout injected after the side effect', () => {
  it('runs the handler to completion, then answers the timeout instead; only the states named', async () => {
    faults.set({ rates: { 'lambda.timeout': 1 }, lambdaStates: ['Second'] });
    const before = faults.snapshot().counts['lambda.timeout'];
    const name = randomUUID();
    const description = await ended(await start('Steps', name));
    faults.set('off');

    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('Sandbox.Timedout');
    // Every attempt of Second did its work (at least once, as on AWS), and each answer was lost.
    expect(effects.get(name)).toEqual(['first', 'second', 'second', 'second']);
    expect(faults.snapshot().counts['lambda.timeout'] - before).toBe(3);
  });
});

describe('sfn.startFailed', () => {
  it('refuses the first start of a name (not retried by the SDK, nothing started); the same start later works', async () => {
    faults.set({ rates: { 'sfn.startFailed': 1 } });
    const name = `order-${randomUUID()}`;
    const refused = await start('Steps', name).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ExecutionLimitExceeded);
    expect((refused as ExecutionLimitExceeded).$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Steps') }));
    expect(listed.executions?.some((e) => e.name === name)).toBe(false);
    expect(effects.has(name)).toBe(false);

    const executionArn = await start('Steps', name); // still at rate 1: only a name's first start fails
    faults.set('off');
    expect((await ended(executionArn)).status).toBe('SUCCEEDED');
    expect(faults.snapshot().counts['sfn.startFailed']).toBeGreaterThanOrEqual(1);
  });
});

describe('the execution-ended hook', () => {
  it('sends the EventBridge event AWS sends, for every way an execution ends', async () => {
    const succeeded = await start('Steps', randomUUID(), { orderId: 'o-1' });
    const failed = await start('Fails');
    const aborted = await start('LongWait');
    await sfn.send(new StopExecutionCommand({ executionArn: aborted, error: 'Operator', cause: 'stopped by hand' }));
    const timedOut = await start('LongWait'); // 7200 s, shortened to 1 s here

    const ok = await eventOf(succeeded);
    expect(ok).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'us-east-1',
      resources: [succeeded],
      detail: {
        executionArn: succeeded,
        stateMachineArn: arnOf('Steps'),
        name: succeeded.split(':').at(-1),
        status: 'SUCCEEDED',
        startDate: expect.any(Number),
        stopDate: expect.any(Number),
        input: '{"orderId":"o-1"}',
        output: expect.stringContaining('"orderId":"o-1"'),
        error: null,
        cause: null,
        inputDetails: { included: true },
        outputDetails: { included: true },
      },
    });
    expect(ok.detail.stopDate).toBeGreaterThanOrEqual(ok.detail.startDate);
    expect((await eventOf(failed)).detail).toMatchObject({
      status: 'FAILED',
      error: 'Boom',
      cause: 'on purpose',
      output: null,
    });
    expect((await eventOf(aborted)).detail).toMatchObject({
      status: 'ABORTED',
      error: 'Operator',
      cause: 'stopped by hand',
    });
    expect((await eventOf(timedOut)).detail).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect((await ended(timedOut)).status).toBe('TIMED_OUT');
    // One event per execution.
    for (const arn of [succeeded, failed, aborted, timedOut])
      expect(events.filter((e) => e.detail.executionArn === arn)).toHaveLength(1);
  });

  it('stops delivering once unsubscribed', async () => {
    unsubscribe();
    const executionArn = await start('Fails');
    await ended(executionArn);
    await sleep(100);
    expect(events.some((e) => e.detail.executionArn === executionArn)).toBe(false);
  });
});
