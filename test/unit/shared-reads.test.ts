import { describe, expect, it } from 'vitest';
import { sharedReads } from '../../lambdas/core/platform/shared-reads';
import { recentTakes } from '../../lambdas/core/seats/recent-takes';
import { withoutSeats } from '../../lambdas/core/seats/seats-left';

/** What a container keeps between a drop's requests: shared reads, and the seats it just saw taken. */

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('sharedReads: one read per key for the requests that ask meanwhile', () => {
  it('requests asking while a read is on the wire share it; its answer serves until ttl after it was sent', async () => {
    let now = 1_000;
    const reads = sharedReads<string>(() => now, 1_000);
    const wire = deferred<string>();
    let sent = 0;
    const read = () => {
      sent += 1;
      return wire.promise;
    };
    const asked = Array.from({ length: 200 }, () => reads.get('ev', read));
    wire.resolve('v1');
    expect(await Promise.all(asked)).toEqual(Array(200).fill('v1'));
    expect(sent).toBe(1);

    now += 999;
    expect(await reads.get('ev', async () => 'v2')).toBe('v1');
    now += 1;
    expect(await reads.get('ev', async () => 'v2')).toBe('v2'); // a second after the send: read afresh
    expect(await reads.get('other', async () => 'o1')).toBe('o1'); // keys apart
  });

  it('a failed read reaches every waiter and is not kept: the next request reads again', async () => {
    const reads = sharedReads<string>(() => 0, 1_000);
    const wire = deferred<string>();
    const asked = [reads.get('ev', () => wire.promise), reads.get('ev', () => wire.promise)];
    wire.reject(new Error('throttled'));
    for (const answer of asked) await expect(answer).rejects.toThrow('throttled');
    expect(await reads.get('ev', async () => 'fresh')).toBe('fresh');
  });

  it('forget: this process wrote the key; the next request reads it afresh', async () => {
    const reads = sharedReads<string>(() => 0, 1_000);
    expect(await reads.get('ev', async () => 'before')).toBe('before');
    reads.forget('ev');
    expect(await reads.get('ev', async () => 'after')).toBe('after');
  });
});

describe('recentTakes: seats a container saw taken, left out of its picks for a moment', () => {
  it('being written: left out of picks but not yet counted held; once held: both, until the mark lapses', () => {
    let now = 0;
    const takes = recentTakes(() => now, 3_000);
    takes.taking('ev', ['A1', 'A2']);
    expect(takes.isTaken('ev', 'A1')).toBe(true);
    expect([...takes.held('ev')]).toEqual([]);
    expect(takes.beingHeld('ev')).toEqual(new Set(['A1', 'A2']));
    takes.taken('ev', ['A1', 'A2'], 60_000);
    expect([...takes.held('ev')].sort()).toEqual(['A1', 'A2']);
    expect(takes.beingHeld('ev')).toEqual(new Set());
    expect(takes.isTaken('other', 'A1')).toBe(false);
    now = 2_999;
    expect(takes.isTaken('ev', 'A1')).toBe(true);
    now = 3_000;
    expect(takes.isTaken('ev', 'A1')).toBe(false);
    expect([...takes.held('ev')]).toEqual([]);
  });

  it('an own hold is never left out past its own end; a release or a failed write clears the mark at once', () => {
    const takes = recentTakes(() => 0, 3_000);
    takes.taken('ev', ['B1'], 1_000);
    takes.taken('ev', ['B2', 'B3']);
    expect(takes.held('ev')).toEqual(new Set(['B1', 'B2', 'B3']));
    takes.untake('ev', ['B2']);
    takes.taking('ev', ['B4']);
    takes.untake('ev', ['B4']);
    expect(takes.isTaken('ev', 'B2')).toBe(false);
    expect(takes.isTaken('ev', 'B4')).toBe(false);
    const later = recentTakes(() => 1_000, 3_000);
    later.taken('ev', ['B1'], 1_000);
    expect(later.isTaken('ev', 'B1')).toBe(false);
  });

  it('withoutSeats: the summary less the seats known held, with the count to match', () => {
    const summary = {
      rows: [
        { rowIndex: 0, free: ['A1', 'A2'] },
        { rowIndex: 1, free: ['B1'] },
      ],
      freeCount: 3,
    };
    expect(withoutSeats(summary, new Set(['A2', 'C9']))).toEqual({
      rows: [
        { rowIndex: 0, free: ['A1'] },
        { rowIndex: 1, free: ['B1'] },
      ],
      freeCount: 2,
    });
    expect(withoutSeats(summary, new Set())).toBe(summary);
  });
});
