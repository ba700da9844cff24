import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../lambdas/core/events/event-records';
import { AdmissionRequired, SalesNotStarted } from '../../lambdas/core/platform/errors';
import { drawDigest, drawOrder } from '../../lambdas/core/waiting-room/fair-start';
import { operatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import { moveWaitingRoom } from '../../lambdas/core/waiting-room/room-timer';
import type { WaitingRoomSettings } from '../../lambdas/core/waiting-room/settings';
import {
  admitOrder,
  buyerWaitingRoomStatus,
  joinWaitingRoom,
} from '../../lambdas/core/waiting-room/waiting-room-service';
import { fakeWaitingRoomDeps, roomEvent } from '../support/waiting-room-fixture';

/**
 * A fair start (issue #12 item 3): a pre-queue before `salesStartAt`, a crypto-random draw at it,
 * first come, first served after it; orders refused before it.
 */

const KEY = 'unit-fair-start-signing-key-0123456789abcdef';
const START = Date.parse('2026-12-01T10:00:00Z');

function setUp(room: Partial<WaitingRoomSettings> = {}) {
  const clock = { now: START - 60_000 };
  const { deps, repo } = fakeWaitingRoomDeps(clock);
  const event = roomEvent(room, { salesStartAt: new Date(START).toISOString() });
  return { clock, repo, deps, event };
}

/** Kendall's τ between two rankings of the same items (1: same order, −1: reversed, ≈ 0: unrelated). */
function kendallTau(a: readonly number[], b: readonly number[]): number {
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = i + 1; j < a.length; j++) {
      const sign = Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      if (sign > 0) concordant++;
      else if (sign < 0) discordant++;
    }
  return (concordant - discordant) / ((a.length * (a.length - 1)) / 2);
}

describe('fair start: the draw (pure)', () => {
  it('is a permutation fixed by the seed: the same seed gives the same order, another seed another', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `b${i}`);
    const seed = 'ab'.repeat(32);
    const order = drawOrder(seed, ids);
    expect([...order].sort()).toEqual([...ids].sort());
    expect(drawOrder(seed, [...ids].reverse())).toEqual(order); // the listing order does not matter
    expect(drawOrder('cd'.repeat(32), ids)).not.toEqual(order);
    expect(drawDigest(order)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('fair start: pre-queue, draw, then first come first served', () => {
  it('before the start a join is a pre-queue place without a number, and orders are refused', async () => {
    const t = setUp();
    const joined = await joinWaitingRoom(t.deps, t.event, 'early', KEY);
    expect(joined).toMatchObject({ state: 'PRE_QUEUE', salesStartAt: t.event.salesStartAt });
    expect(joined.position).toBeUndefined();
    expect(await joinWaitingRoom(t.deps, t.event, 'early', KEY)).toMatchObject({ state: 'PRE_QUEUE' });
    expect((await buyerWaitingRoomStatus(t.deps, t.event, 'late', KEY)).state).toBe('NOT_JOINED');
    await expect(
      admitOrder(t.deps, t.event, { buyerId: 'early', orderId: 'o1', admissionToken: undefined }, KEY),
    ).rejects.toThrow(SalesNotStarted);
    // No room, same rule: the sale opens at its start.
    const { waitingRoom: _room, ...direct } = t.event;
    await expect(
      admitOrder(t.deps, direct as EventRecord, { buyerId: 'x', orderId: 'o2', admissionToken: undefined }, KEY),
    ).rejects.toThrow(SalesNotStarted);
  });

  it('500 pre-queue joiners get a random order (Kendall τ with join order within ±0.1); 100 later joiners keep exact FIFO behind them', async () => {
    const t = setUp();
    const early = Array.from({ length: 500 }, (_, i) => `early-${String(i).padStart(3, '0')}`);
    for (const buyerId of early) {
      t.clock.now += 10; // one after the other: join order = time order
      await joinWaitingRoom(t.deps, t.event, buyerId, KEY);
    }
    t.clock.now = START;
    const positions: number[] = [];
    for (const buyerId of early)
      positions.push((await buyerWaitingRoomStatus(t.deps, t.event, buyerId, KEY)).position!);
    expect([...positions].sort((a, b) => a - b)).toEqual(early.map((_, i) => i + 1)); // 1…500, no gap, no twice
    const tau = kendallTau(
      early.map((_, i) => i),
      positions,
    );
    expect(Math.abs(tau)).toBeLessThan(0.1);

    const late: number[] = [];
    for (let i = 0; i < 100; i++) {
      t.clock.now += 10;
      late.push((await joinWaitingRoom(t.deps, t.event, `late-${i}`, KEY)).position!);
    }
    expect(late).toEqual(Array.from({ length: 100 }, (_, i) => 501 + i));
  });

  it('the draw is recorded once with its seed and audits clean; the operator sees it', async () => {
    const t = setUp();
    for (const buyerId of ['a', 'b', 'c', 'd', 'e']) await joinWaitingRoom(t.deps, t.event, buyerId, KEY);
    t.clock.now = START + 1;
    await Promise.all(['a', 'b', 'c'].map((buyerId) => buyerWaitingRoomStatus(t.deps, t.event, buyerId, KEY)));
    const { draw } = await t.repo.readState('ev');
    expect(draw).toMatchObject({ entrants: 5, complete: true });
    expect(draw?.seed).toMatch(/^[0-9a-f]{64}$/);
    const order = drawOrder(draw!.seed, ['a', 'b', 'c', 'd', 'e']);
    for (const [i, buyerId] of order.entries()) expect((await t.repo.readPlace('ev', buyerId))?.position).toBe(i + 1);
    const operator = await operatorWaitingRoomStatus(t.deps, t.event);
    expect(operator.draw).toMatchObject({ seed: draw!.seed, entrants: 5, digestMatches: true, misplaced: [] });
    // Later joins are numbered after the draw.
    const late = await Promise.all(['x', 'y', 'z', 'w'].map((id) => joinWaitingRoom(t.deps, t.event, id, KEY)));
    for (const status of late) expect(status.position).toBeGreaterThan(5);
    expect(new Set(late.map((s) => s.position)).size).toBe(4);
  });

  it('a draw that died after recording its seed is finished with the same seed', async () => {
    const t = setUp();
    for (const buyerId of ['a', 'b', 'c']) await joinWaitingRoom(t.deps, t.event, buyerId, KEY);
    t.clock.now = START;
    const read = await t.repo.readState('ev');
    const seed = '5e'.repeat(32);
    await t.repo.writeState(
      read,
      { ...read, draw: { seed, drawnAt: START, entrants: 0, digest: '', complete: false } },
      START,
    );
    await buyerWaitingRoomStatus(t.deps, t.event, 'a', KEY);
    const { draw } = await t.repo.readState('ev');
    expect(draw).toMatchObject({
      seed,
      entrants: 3,
      complete: true,
      digest: drawDigest(drawOrder(seed, ['a', 'b', 'c'])),
    });
  });

  it('nobody is admitted before the start, and after it the first drawn are, in drawn order', async () => {
    const t = setUp({ maxActivePurchasers: 2 });
    for (const buyerId of ['a', 'b', 'c', 'd']) await joinWaitingRoom(t.deps, t.event, buyerId, KEY);
    expect((await t.repo.readState('ev')).servingPosition).toBe(0);
    t.clock.now = START;
    const statuses = await Promise.all(
      ['a', 'b', 'c', 'd'].map((id) => buyerWaitingRoomStatus(t.deps, t.event, id, KEY)),
    );
    const admitted = statuses.filter((s) => s.state === 'ADMITTED').map((s) => s.position);
    expect(admitted.sort()).toEqual([1, 2]);
    const first = statuses.find((s) => s.position === 1)!;
    await expect(
      admitOrder(t.deps, t.event, { buyerId: 'nobody', orderId: 'o', admissionToken: first.admissionToken }, KEY),
    ).rejects.toThrow(AdmissionRequired);
  });
});

describe('fair start: the timer', () => {
  it('draws a due start and admits the first drawn with no buyer reading', async () => {
    const t = setUp({ maxActivePurchasers: 2 });
    for (const buyerId of ['a', 'b', 'c']) await joinWaitingRoom(t.deps, t.event, buyerId, KEY);
    expect(await moveWaitingRoom(t.deps, t.event)).toMatchObject({ servingPosition: 0 }); // not yet
    expect((await t.repo.readState('ev')).draw).toBeUndefined();
    t.clock.now = START + 5_000;
    const state = await moveWaitingRoom(t.deps, t.event);
    expect(state?.draw).toMatchObject({ entrants: 3, complete: true });
    expect(state?.servingPosition).toBe(2);
    expect(Object.keys(state?.active ?? {})).toHaveLength(2);
  });
});
