import { describe, expect, it } from 'vitest';
import { AdmissionRequired } from '../../lambdas/core/platform/errors';
import { releaseSlot } from '../../lambdas/core/waiting-room/admission';
import { signAdmission } from '../../lambdas/core/waiting-room/admission-token';
import {
  admitOrder,
  buyerWaitingRoomStatus,
  joinWaitingRoom,
} from '../../lambdas/core/waiting-room/waiting-room-service';
import { newOrder } from '../support/contracts/order-repository-contract';
import { fakeWaitingRoomDeps, roomEvent } from '../support/waiting-room-fixture';

/**
 * #12, "one admission buys again and again": an admission is consumed by the order it creates.
 * Whatever the orders stream's lag, a second order on the same admission is refused, and once the
 * first order ended the buyer needs a new turn at the back of the line.
 */

const KEY = 'unit-waiting-room-signing-key-0123456789abcdef';

function setUp() {
  const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
  const { deps, repo, orders } = fakeWaitingRoomDeps(clock);
  const event = roomEvent({ maxActivePurchasers: 1 }, { rows: 1, seatsPerRow: 10 });
  const settings = event.waitingRoom;
  const status = (buyerId: string) => buyerWaitingRoomStatus(deps, event, buyerId, KEY);
  const order = (buyerId: string, orderId: string, admissionToken: string | undefined) =>
    admitOrder(deps, event, { buyerId, orderId, admissionToken }, KEY);
  return { clock, repo, orders, deps, event, settings, status, order };
}

describe('waiting room: one admission, one order', () => {
  it('a second order on the same admission is refused while the first one’s ending is still on the stream', async () => {
    const t = setUp();
    const { admissionToken } = await joinWaitingRoom(t.deps, t.event, 'a', KEY);
    await joinWaitingRoom(t.deps, t.event, 'b', KEY);
    await t.order('a', 'ord-1', admissionToken);
    await t.orders.putNew(newOrder({ orderId: 'ord-1', buyerId: 'a', eventId: 'ev', status: 'CANCELLED' }));
    // The stream has not freed the slot yet: it is still bound to ord-1.
    await expect(t.order('a', 'ord-2', admissionToken)).rejects.toBeInstanceOf(AdmissionRequired);
    // Refused for good: the slot went to the next buyer, and `a` needs a new turn.
    expect((await t.repo.readState('ev')).active.a).toBeUndefined();
    expect((await t.status('b')).state).toBe('ADMITTED');
    await expect(t.order('a', 'ord-3', admissionToken)).rejects.toBeInstanceOf(AdmissionRequired);
    expect(await joinWaitingRoom(t.deps, t.event, 'a', KEY)).toMatchObject({ state: 'WAITING', position: 3 });
  });

  it('nor while the first order is still running (its hold ran out, its ending not yet written)', async () => {
    const t = setUp();
    const { admissionToken } = await joinWaitingRoom(t.deps, t.event, 'a', KEY);
    await t.order('a', 'ord-1', admissionToken);
    await t.orders.putNew(newOrder({ orderId: 'ord-1', buyerId: 'a', eventId: 'ev', status: 'HOLDING' }));
    await expect(t.order('a', 'ord-2', admissionToken)).rejects.toBeInstanceOf(AdmissionRequired);
    expect((await t.repo.readPlace('ev', 'a'))?.orderId).toBe('ord-1'); // the running order keeps its slot
    expect((await t.repo.readState('ev')).active.a).toBeDefined();
  });

  it('the same order asked again (a retried create) passes; an order never written leaves the admission usable', async () => {
    const t = setUp();
    const { admissionToken } = await joinWaitingRoom(t.deps, t.event, 'a', KEY);
    await t.order('a', 'ord-1', admissionToken);
    await expect(t.order('a', 'ord-1', admissionToken)).resolves.toBeTypeOf('function');
    // ord-1's create died before its order was written (and its undo was lost): not consumed.
    await expect(t.order('a', 'ord-2', admissionToken)).resolves.toBeTypeOf('function');
    expect((await t.repo.readPlace('ev', 'a'))?.orderId).toBe('ord-2');
  });

  it('after the order ended and the slot was freed, the old token admits nothing, even to a new turn', async () => {
    const t = setUp();
    const first = await joinWaitingRoom(t.deps, t.event, 'a', KEY);
    await t.order('a', 'ord-1', first.admissionToken);
    await t.orders.putNew(newOrder({ orderId: 'ord-1', buyerId: 'a', eventId: 'ev', status: 'CONFIRMED' }));
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'a', orderId: 'ord-1' });
    expect((await t.status('a')).state).toBe('DONE');
    await expect(t.order('a', 'ord-2', first.admissionToken)).rejects.toBeInstanceOf(AdmissionRequired);
    const again = await joinWaitingRoom(t.deps, t.event, 'a', KEY); // a new turn, at the back
    expect(again).toMatchObject({ state: 'ADMITTED', position: 2 });
    // The first admission's token does not stand in for the second admission.
    await expect(t.order('a', 'ord-2', first.admissionToken)).rejects.toBeInstanceOf(AdmissionRequired);
    await expect(t.order('a', 'ord-2', again.admissionToken)).resolves.toBeTypeOf('function');
  });

  it('a token for a position the buyer never held is refused', async () => {
    const t = setUp();
    await joinWaitingRoom(t.deps, t.event, 'a', KEY);
    const token = await signAdmission(KEY, {
      buyerId: 'a',
      eventId: 'ev',
      position: 7,
      expiresAt: t.clock.now + 60_000,
    });
    await expect(t.order('a', 'ord-1', token)).rejects.toBeInstanceOf(AdmissionRequired);
  });
});
