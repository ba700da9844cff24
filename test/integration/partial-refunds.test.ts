import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartialRefund } from '../../lambdas/core/payments/processor';
import { type LedgerEntry, SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { useTestTables } from '../support/local-dynamo';

/**
 * The simulated processor's partial refunds on DynamoDB Local, interleaved on purpose (a hook
 * in front of the ledger's one transaction), not by luck: refunds of one charge that read it at
 * the same moment, many at once, an answer lost after the write, the whole charge refunded in
 * between. The ledger never loses a refund nor counts one twice, and never gives back more than
 * the charge took.
 */
describe('partial refunds of one charge', () => {
  let plain: Store;
  const fast = { declineRate: 0, latencyMs: 1, slowRate: 0, slowLatencyMs: 1, lostAnswerRate: 0 };
  let orders = 0;

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    plain = createStore(client, tables);
  });

  type Send = DynamoDBDocumentClient['send'];
  type Command = Parameters<Send>[0];

  /** The store, with every ledger transaction passed through `hook` (which sends it, or not). */
  const hooked = (hook: (send: () => Promise<unknown>) => Promise<unknown>): Store => {
    const doc = new Proxy(plain.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: Command) =>
          command instanceof TransactWriteCommand ? hook(() => target.send(command)) : target.send(command);
      },
    });
    return { ...plain, doc };
  };

  /** A new order's charge of `amountCents`. */
  async function charged(amountCents: number): Promise<{ orderId: string; chargeId: string }> {
    const orderId = `ord_partial_${++orders}`;
    const { chargeId } = await new SimulatedProcessor(plain, fast).charge({
      idempotencyKey: `${orderId}#1`,
      orderId,
      amountCents,
      currency: 'EUR',
      code: '11111',
    });
    return { orderId, chargeId };
  }

  const ledger = async (orderId: string) => {
    const entries = await new SimulatedProcessor(plain, fast).ledgerFor(orderId);
    const charge = entries.find((e) => e.outcome === 'CHARGED' || e.outcome === 'REFUNDED') as LedgerEntry;
    return { charge, refunds: entries.filter((e) => e.outcome === 'REFUND') };
  };

  const part = (order: { orderId: string; chargeId: string }, key: string, amountCents: number) => ({
    idempotencyKey: `refund#${key}`,
    chargeId: order.chargeId,
    orderId: order.orderId,
    amountCents,
  });

  it('two refunds that both read the charge before either writes: both given back, the charge counts both', async () => {
    const order = await charged(2000);
    // The first two transactions wait for each other: both were built from the same read.
    let waiting = 0;
    let bothRead!: () => void;
    const together = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    const store = hooked(async (send) => {
      if (++waiting <= 2) {
        if (waiting === 2) bothRead();
        await together;
      }
      return send();
    });
    const processor = new SimulatedProcessor(store, fast);
    const answers = await Promise.all([
      processor.refundPart(part(order, 'one', 1000)),
      processor.refundPart(part(order, 'two', 1000)),
    ]);
    expect(waiting).toBe(2); // each went through on its first try: the condition is on the sum, not on the read
    expect(answers.map((a) => [a.outcome, a.amountCents])).toEqual([
      ['refunded', 1000],
      ['refunded', 1000],
    ]);
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: 2000 });
    expect(money.refunds.map((r) => r.amountCents)).toEqual([1000, 1000]);
  });

  /**
   * Every caller's transaction waits until every caller still busy has built one: rounds in
   * lockstep, the worst a crowd of refunds of one charge can do. `settled` when a caller is done.
   */
  function lockstep(callers: number) {
    let busy = callers;
    let arrived = 0;
    let round = gate();
    function gate() {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      return { opened, open };
    }
    const next = () => {
      arrived = 0;
      const current = round;
      round = gate();
      current.open();
    };
    return {
      hook: async (send: () => Promise<unknown>) => {
        const mine = round;
        if (++arrived >= busy) next();
        await mine.opened;
        return send();
      },
      settled: () => {
        busy--;
        if (arrived > 0 && arrived >= busy) next();
      },
    };
  }

  it('twelve refunds of one charge at once, each asked twice, in lockstep: each given back once, together the whole charge', async () => {
    const order = await charged(12 * 250);
    const keys = Array.from({ length: 12 }, (_, i) => `ticket-${i}`);
    const crowd = lockstep(keys.length * 2);
    const processor = new SimulatedProcessor(hooked(crowd.hook), fast);
    const answers = await Promise.all(
      keys.flatMap((key) => [1, 2].map(() => processor.refundPart(part(order, key, 250)).finally(crowd.settled))),
    );
    expect(answers.every((a: PartialRefund) => a.outcome === 'refunded' && a.amountCents === 250)).toBe(true);
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: 12 * 250 });
    expect(money.refunds).toHaveLength(12);
  });

  it('an answer lost after the write: asked again, answered from its entry, given back once', async () => {
    const order = await charged(3000);
    let lost = 0;
    const store = hooked(async (send) => {
      const written = await send();
      if (lost++ === 0) throw new Error('socket hang up'); // the write landed, its answer did not
      return written;
    });
    const processor = new SimulatedProcessor(store, fast);
    await expect(processor.refundPart(part(order, 'lost', 1000))).rejects.toThrow('socket hang up');
    const again = await processor.refundPart(part(order, 'lost', 1000));
    expect(again).toMatchObject({ outcome: 'refunded', amountCents: 1000 });
    expect(lost).toBe(1); // answered from the ledger, no second write
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: 1000 });
    expect(money.refunds.map((r) => r.amountCents)).toEqual([1000]);
  });

  it('the whole charge refunded between a refund reading it and writing: covered, nothing more given back', async () => {
    const order = await charged(2000);
    const processor = new SimulatedProcessor(plain, fast);
    await processor.refundPart(part(order, 'first', 1000));
    let refundedWhole = false;
    const store = hooked(async (send) => {
      if (!refundedWhole) {
        refundedWhole = true;
        await processor.refund(order.chargeId); // the order's refund: the rest of the charge
      }
      return send();
    });
    const answer = await new SimulatedProcessor(store, fast).refundPart(part(order, 'second', 1000));
    expect(answer).toMatchObject({ outcome: 'covered', amountCents: 0 });
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'REFUNDED', refundedCents: 2000 });
    expect(money.refunds.map((r) => r.amountCents)).toEqual([1000]);
  });

  it('a refund after the whole charge was refunded: covered; one that would give back more than is left: refused', async () => {
    const whole = await charged(1000);
    const processor = new SimulatedProcessor(plain, fast);
    await processor.refund(whole.chargeId);
    expect(await processor.refundPart(part(whole, 'late', 500))).toMatchObject({ outcome: 'covered' });
    expect((await ledger(whole.orderId)).charge).toMatchObject({ outcome: 'REFUNDED', refundedCents: 1000 });

    const small = await charged(1000);
    await processor.refundPart(part(small, 'a', 600));
    await expect(processor.refundPart(part(small, 'b', 600))).rejects.toThrow(/more than charge/);
    const money = await ledger(small.orderId);
    expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: 600 });
    expect(money.refunds.map((r) => r.amountCents)).toEqual([600]);
  });
});
