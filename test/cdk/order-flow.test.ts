import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDED_EXECUTION_STATUSES } from '../../contract/execution-status';
import { PAYMENT_RETRY_ERRORS } from '../../contract/order-flow-settings';
import { EXECUTION_ENDED_ENTRY } from '../../lib/orders/execution-ended-rule';
import { orderStateMachineOf } from '../../local/order-flow-functions';
import type { ExtractedStateMachine } from '../../local/stepfunctions/state-machine-extraction';
import { synthesizeTemplate } from '../../local/synthesize-template';
import { logicalIdOf, resourcesOf, roleStatementsOf, synthStage } from '../support/cdk-synth';

/**
 * The order state machine as CDK synthesizes it: valid ASL, the Retry/Catch/timeouts the flow
 * relies on, and the documented paths with their state-transition counts (docs/ARCHITECTURE.md).
 */

type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean };
type Retrier = {
  ErrorEquals: string[];
  MaxAttempts?: number;
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
};
type Catcher = { ErrorEquals: string[]; Next: string; ResultPath?: string };
type States = Record<string, State>;

interface AslValidation {
  isValid: boolean;
  errorsText: (separator?: string) => string;
}
// asl-validator is CommonJS with no type declarations.
const validateAsl = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => AslValidation;

let machine: ExtractedStateMachine;
let states: States;

beforeAll(() => {
  machine = orderStateMachineOf(synthesizeTemplate());
  states = allStates(machine.definition as unknown as { States: States });
});

/** Every state, including those inside Parallel branches (names are unique across a machine). */
function allStates(definition: { States: States }): States {
  const found: States = {};
  for (const [name, state] of Object.entries(definition.States)) {
    found[name] = state;
    for (const branch of (state.Branches as { States: States }[] | undefined) ?? [])
      Object.assign(found, allStates(branch));
  }
  return found;
}

function state(name: string): State {
  const found = states[name];
  if (!found) throw new Error(`No state ${name}`);
  return found;
}

/** The states one state can hand over to: Next, Choice targets, Catch targets, branch starts. */
function successors(name: string): string[] {
  const s = state(name);
  const choices = ((s.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next);
  const catches = ((s.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next);
  const branches = ((s.Branches as { StartAt: string }[] | undefined) ?? []).map((b) => b.StartAt);
  return [s.Next, s.Default as string | undefined, ...choices, ...catches, ...branches].filter(
    (n): n is string => typeof n === 'string',
  );
}

/** Checks a path is walkable in the definition and ends in a terminal state; returns its length. */
function walk(path: string[]): number {
  expect(machine.definition.StartAt).toBe(path[0]);
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1]!;
    const to = path[i]!;
    // Branch states of a Parallel run inside it: after the last, the Parallel's Next follows.
    const legal = successors(from).includes(to) || leavesParallelTo(from, to) || siblingBranchStart(from, to);
    expect(legal, `${from} → ${to}`).toBe(true);
  }
  const last = state(path.at(-1)!);
  expect(['Succeed', 'Fail'].includes(last.Type) || last.End === true, `${path.at(-1)} ends the execution`).toBe(true);
  return path.length;
}

function parallelContaining(name: string): [string, State] | undefined {
  return Object.entries(states).find(
    ([, s]) =>
      s.Type === 'Parallel' &&
      ((s.Branches as { States: States }[] | undefined) ?? []).some((b) => name in allStates(b)),
  );
}

function leavesParallelTo(from: string, to: string): boolean {
  const owner = parallelContaining(from);
  return owner !== undefined && state(from).End === true && owner[1].Next === to;
}

function siblingBranchStart(from: string, to: string): boolean {
  const owner = parallelContaining(from);
  return owner !== undefined && parallelContaining(to)?.[0] === owner[0];
}

describe('the synthesized order state machine', () => {
  it('is valid ASL (asl-validator) and a Standard workflow with an overall timeout', () => {
    const result = validateAsl(structuredClone(machine.definition));
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    expect(machine.type).toBe('STANDARD');
    expect(machine.definition.TimeoutSeconds).toBe(2 * 60 * 60);
  });

  it('waits for the buyer with a task token whose timeout is the time left on the hold', () => {
    const wait = state('WaitForBuyer');
    expect(wait.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(wait.TimeoutSecondsPath).toBe('$.hold.waitSeconds');
    expect(JSON.stringify(wait.Parameters)).toContain('$$.Task.Token');
    expect(wait.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'ExpireOrder' }),
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Compensate' }),
    ]);
  });

  it('retries the payment 3 attempts with backoff within a 10 s task timeout, then catches everything', () => {
    const charge = state('ChargePayment');
    expect(charge.TimeoutSeconds).toBe(10);
    // (CDK adds its own retry of Lambda service errors beside it.)
    expect(charge.Retry).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ErrorEquals: [...PAYMENT_RETRY_ERRORS, 'States.Timeout'],
          MaxAttempts: 2,
          BackoffRate: 2,
          IntervalSeconds: 1,
        }),
        expect.objectContaining({ ErrorEquals: ['OrderStateConflict', 'ChargeMismatch'], MaxAttempts: 0 }),
      ]),
    );
    expect(charge.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordPaymentFailure' }),
    ]);
  });

  it('goes on to confirm when the payment failure step finds the charge went through after all', () => {
    const choices = (state('PayAgain').Choices as { Variable: string; StringEquals: string; Next: string }[]).map(
      (c) => [c.Variable, c.StringEquals, c.Next],
    );
    expect(choices).toEqual([
      ['$.hold.next', 'confirm', 'ConfirmSeats'],
      ['$.hold.next', 'wait', 'WaitForBuyer'],
    ]);
    expect(state('PayAgain').Default).toBe('PaymentFailed');
  });

  it('compensates a lost seat (no retry of the outcome), and never lets a confirmation failure fail the purchase', () => {
    const confirm = state('ConfirmSeats');
    expect(confirm.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Compensate', ResultPath: '$.error' }),
    ]);
    expect(confirm.Retry).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: ['SeatsLost', 'ChargeMismatch', 'OrderStateConflict'], MaxAttempts: 0 }),
      ]),
    );
    for (const name of ['SendEmail', 'SendSms']) {
      expect(state(name).Retry).toEqual(
        expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['NotificationFailed'], MaxAttempts: 2 })]),
      );
      expect(state(name).Catch).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: `${name}Failed` }),
      ]);
    }
  });

  it('retries transient faults in every Task: States.ALL last, with backoff, a maximum delay and full jitter', () => {
    for (const [name, task] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
      const retry = (task.Retry as Retrier[] | undefined) ?? [];
      const last = retry.at(-1);
      expect(last?.ErrorEquals, name).toEqual(['States.ALL']);
      expect(last, name).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL', MaxDelaySeconds: expect.any(Number) });
      expect(last!.MaxAttempts, name).toBeGreaterThanOrEqual(2);
    }
    // The hold running out is the wait's outcome (ExpireOrder), never retried.
    const waitRetry = state('WaitForBuyer').Retry as Retrier[];
    const outcomes = waitRetry.findIndex((r) => r.ErrorEquals.includes('States.Timeout'));
    expect(waitRetry[outcomes]).toMatchObject({
      ErrorEquals: ['States.Timeout', 'OrderStateConflict'],
      MaxAttempts: 0,
    });
    expect(outcomes).toBeLessThan(waitRetry.length - 1);
  });

  it('catches every failure after the charge (and of the ending steps) into the one Compensate step', () => {
    const mustCompensate = [
      'WaitForBuyer',
      'ChangeSeats',
      'ExpireOrder',
      'CancelOrder',
      'RejectUnknownAction',
      'RecordPaymentFailure',
      'ConfirmSeats',
      'IssueTickets',
      'SendConfirmations',
      'CompleteOrder',
    ];
    for (const name of mustCompensate) {
      const catches = (state(name).Catch as Catcher[] | undefined) ?? [];
      expect(catches.at(-1), name).toEqual({ ErrorEquals: ['States.ALL'], Next: 'Compensate', ResultPath: '$.error' });
    }
    // Every Task or Parallel outside the notification branches is covered (ChargePayment via RecordPaymentFailure).
    const branchStates = new Set(['SendEmail', 'SendSms']);
    const covered = Object.entries(states)
      .filter(
        ([name, s]) => (s.Type === 'Task' || s.Type === 'Parallel') && !branchStates.has(name) && name !== 'Compensate',
      )
      .map(([name]) => name)
      .sort();
    expect(covered).toEqual([...mustCompensate, 'ChargePayment'].sort());
  });

  it('compensates with generous retries and no Catch, then fails with the caught error', () => {
    const compensate = state('Compensate');
    expect(compensate.Catch).toBeUndefined();
    expect(compensate.Parameters).toBeUndefined(); // it reads the whole state: the error, and what was ending
    expect((compensate.Retry as Retrier[]).at(-1)).toMatchObject({
      ErrorEquals: ['States.ALL'],
      JitterStrategy: 'FULL',
    });
    expect((compensate.Retry as Retrier[]).at(-1)!.MaxAttempts).toBeGreaterThanOrEqual(6);
    expect(compensate.Next).toBe('OrderFailed');
    expect(state('OrderFailed')).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    });
  });

  it('gives every Task an explicit timeout (none can wait as long as the execution)', () => {
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(5);
    for (const [name, task] of tasks) {
      expect(task.TimeoutSeconds ?? task.TimeoutSecondsPath, name).toBeDefined();
    }
  });

  it('has only states that lead to an end (no dead ends, every path terminates)', () => {
    for (const [name, s] of Object.entries(states)) {
      const terminal = s.Type === 'Succeed' || s.Type === 'Fail' || s.End === true;
      expect(terminal || successors(name).length > 0, name).toBe(true);
    }
  });

  it.each([
    [
      'happy (pay → confirmed)',
      [
        'WaitForBuyer',
        'BuyerAction',
        'ChargePayment',
        'ConfirmSeats',
        'IssueTickets',
        'SendConfirmations',
        'SendEmail',
        'SendSms',
        'CompleteOrder',
        'Confirmed',
      ],
      10,
    ],
    ['hold expired', ['WaitForBuyer', 'ExpireOrder', 'Expired'], 3],
    ['cancelled', ['WaitForBuyer', 'BuyerAction', 'CancelOrder', 'Cancelled'], 4],
    [
      'seat lost after payment',
      ['WaitForBuyer', 'BuyerAction', 'ChargePayment', 'ConfirmSeats', 'Compensate', 'OrderFailed'],
      6,
    ],
    [
      'a step fails after the charge',
      ['WaitForBuyer', 'BuyerAction', 'ChargePayment', 'ConfirmSeats', 'IssueTickets', 'Compensate', 'OrderFailed'],
      7,
    ],
    [
      'payment failed, no pay request left',
      ['WaitForBuyer', 'BuyerAction', 'ChargePayment', 'RecordPaymentFailure', 'PayAgain', 'PaymentFailed'],
      6,
    ],
    [
      'payment "failed" but the charge went through (lost answer)',
      [
        'WaitForBuyer',
        'BuyerAction',
        'ChargePayment',
        'RecordPaymentFailure',
        'PayAgain',
        'ConfirmSeats',
        'IssueTickets',
        'SendConfirmations',
        'SendEmail',
        'SendSms',
        'CompleteOrder',
        'Confirmed',
      ],
      12,
    ],
  ])('path "%s" exists and enters the documented number of states', (_name, path, transitions) => {
    expect(walk(path)).toBe(transitions);
  });
});

describe('the execution-ended rule', () => {
  const dev = synthStage('dev');
  afterAll(() => dev.dispose());
  const rule = dev.stack.orderFlow.executionEnded;

  it('sends failed, timed-out and aborted executions of the order flow (only) to the compensation', () => {
    const [ruleResource] = Object.values(resourcesOf(dev.template, 'AWS::Events::Rule'));
    expect(ruleResource?.Properties?.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: [...ENDED_EXECUTION_STATUSES],
        stateMachineArn: [{ Ref: logicalIdOf(dev.stack.orderFlow.stateMachine) }],
      },
    });
    expect(ruleResource?.Properties?.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [logicalIdOf(rule.handler.function), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(rule.deadLetterQueue), 'Arn'] } },
        RetryPolicy: expect.objectContaining({ MaximumEventAgeInSeconds: 86_400 }),
      }),
    ]);
    const fn = resourcesOf(dev.template, 'AWS::Lambda::Function')[logicalIdOf(rule.handler.function)]!;
    expect(fn.Metadata?.['ticketdrop:entry']).toBe(EXECUTION_ENDED_ENTRY);
  });

  it('may touch only the order, its seats and tickets and the payment ledger', () => {
    const tables = dev.stack.data.byId;
    const allowed = ['orders', 'seats', 'tickets', 'payments'].map((id) =>
      JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(tables[id as keyof typeof tables]), 'Arn'] }),
    );
    const dynamo = roleStatementsOf(dev.template, rule.handler.function).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo.length).toBeGreaterThan(0);
    for (const statement of dynamo) {
      for (const resource of [statement.Resource].flat()) {
        const text = JSON.stringify(resource);
        expect(
          allowed.some((table) => text.includes(table.slice(0, -1))),
          text,
        ).toBe(true);
      }
    }
  });
});
