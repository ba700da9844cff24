import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAYMENT_RETRY_ERRORS } from '../../lambdas/core/payments/processor';
import { orderStateMachineOf, synthesizeTemplate } from '../../local/order-flow';
import type { ExtractedStateMachine } from '../../local/stepfunctions/state-machine-extraction';

/**
 * The order state machine as CDK synthesizes it: valid ASL, the Retry/Catch/timeouts the flow
 * relies on, and the documented paths with their state-transition counts (docs/ARCHITECTURE.md).
 */

type State = Record<string, unknown> & { Type: string; Next?: string; End?: boolean };
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
    for (const branch of (state.Branches as { States: States }[] | undefined) ?? []) Object.assign(found, allStates(branch));
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
  return [s.Next, s.Default as string | undefined, ...choices, ...catches, ...branches].filter((n): n is string => typeof n === 'string');
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
    ([, s]) => s.Type === 'Parallel' && ((s.Branches as { States: States }[] | undefined) ?? []).some((b) => name in allStates(b)),
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
    expect(wait.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: 'ExpireOrder' })]);
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
      ]),
    );
    expect(charge.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordPaymentFailure' })]);
  });

  it('refunds when a seat was lost, and never lets a confirmation failure fail the purchase', () => {
    expect(state('ConfirmSeats').Catch).toEqual([expect.objectContaining({ ErrorEquals: ['SeatsLost'], Next: 'RefundPayment' })]);
    for (const name of ['SendEmail', 'SendSms']) {
      expect(state(name).Retry).toEqual(expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['NotificationFailed'], MaxAttempts: 2 })]));
      expect(state(name).Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: `${name}Failed` })]);
    }
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
    ['happy (pay → confirmed)', ['WaitForBuyer', 'BuyerAction', 'ChargePayment', 'ConfirmSeats', 'IssueTickets', 'SendConfirmations', 'SendEmail', 'SendSms', 'CompleteOrder', 'Confirmed'], 10],
    ['hold expired', ['WaitForBuyer', 'ExpireOrder', 'Expired'], 3],
    ['cancelled', ['WaitForBuyer', 'BuyerAction', 'CancelOrder', 'Cancelled'], 4],
    ['seat lost after payment', ['WaitForBuyer', 'BuyerAction', 'ChargePayment', 'ConfirmSeats', 'RefundPayment', 'SeatsLost'], 6],
    ['payment failed, no pay request left', ['WaitForBuyer', 'BuyerAction', 'ChargePayment', 'RecordPaymentFailure', 'PayAgain', 'PaymentFailed'], 6],
  ])('path "%s" exists and enters the documented number of states', (_name, path, transitions) => {
    expect(walk(path)).toBe(transitions);
  });
});
