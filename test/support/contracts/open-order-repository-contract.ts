import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenOrderRepository } from '../../../lambdas/core/orders/open-order-repository';

/** What every `OpenOrderRepository` does: on DynamoDB Local (integration) and in memory (unit). */
export function openOrderRepositoryContract(name: string, setUp: () => Promise<OpenOrderRepository>): void {
  describe(`OpenOrderRepository contract: ${name}`, () => {
    let pointers: OpenOrderRepository;
    beforeAll(async () => {
      pointers = await setUp();
    });
    const buyer = () => ({ eventId: 'ev-pointers', buyerId: `buyer-${randomUUID()}` });

    it('a buyer without a pointer has none; the first claim (seen: none) takes it', async () => {
      const b = buyer();
      expect(await pointers.pointer(b)).toBeUndefined();
      expect(await pointers.claim(b, 'ord_1', undefined, 1)).toEqual({ claimed: true });
      expect(await pointers.pointer(b)).toBe('ord_1');
    });

    it('a claim that saw nothing loses to an existing pointer; one that saw a stale pointer loses too; each refusal names the pointer', async () => {
      const b = buyer();
      await pointers.claim(b, 'ord_1', undefined, 1);
      expect(await pointers.claim(b, 'ord_2', undefined, 2)).toEqual({ claimed: false, current: 'ord_1' });
      expect(await pointers.claim(b, 'ord_2', 'ord_0', 2)).toEqual({ claimed: false, current: 'ord_1' });
      expect(await pointers.pointer(b)).toBe('ord_1');
    });

    it('a claim that saw the current pointer replaces it', async () => {
      const b = buyer();
      await pointers.claim(b, 'ord_1', undefined, 1);
      expect(await pointers.claim(b, 'ord_2', 'ord_1', 2)).toEqual({ claimed: true });
      expect(await pointers.pointer(b)).toBe('ord_2');
    });

    it('of concurrent first claims exactly one wins', async () => {
      const b = buyer();
      const won = await Promise.all(['a', 'b', 'c', 'd'].map((id) => pointers.claim(b, `ord_${id}`, undefined, 1)));
      expect(won.filter((claim) => claim.claimed)).toHaveLength(1);
    });

    it('release removes only the releaser’s own pointer, quietly otherwise', async () => {
      const b = buyer();
      await pointers.release(b, 'ord_none'); // no pointer at all: nothing happens
      await pointers.claim(b, 'ord_1', undefined, 1);
      await pointers.release(b, 'ord_other');
      expect(await pointers.pointer(b)).toBe('ord_1');
      await pointers.release(b, 'ord_1');
      expect(await pointers.pointer(b)).toBeUndefined();
      expect(await pointers.claim(b, 'ord_2', undefined, 2)).toEqual({ claimed: true });
    });

    it('a pointer that was released is gone from a refusal too (a stale take-over names none)', async () => {
      const b = buyer();
      await pointers.claim(b, 'ord_1', undefined, 1);
      await pointers.release(b, 'ord_1');
      expect(await pointers.claim(b, 'ord_2', 'ord_1', 2)).toEqual({ claimed: false, current: undefined });
    });

    it('pointers are per buyer and event', async () => {
      const b = buyer();
      await pointers.claim(b, 'ord_1', undefined, 1);
      expect(await pointers.pointer({ ...b, eventId: 'ev-other' })).toBeUndefined();
      expect(await pointers.pointer({ ...b, buyerId: `${b.buyerId}-2` })).toBeUndefined();
    });
  });
}
