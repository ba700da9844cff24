import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage, SeatsMessage } from '../../contract/live-messages';
import { holdSeats } from '../../lambdas/core/seats/seat-locks';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { DEMO_EVENT } from '../../local/demo-events';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { eventually } from '../support/eventually';
import { LiveClient } from '../support/live-client';

/**
 * The live map's tick builder in a process of its own (`liveMapProcess`, local/live-map-ticks-process.ts):
 * the seats stream is read there, each tick's shard jobs come back to the stack, whose shard
 * workers post to its WebSocket gateway — a viewer of the stack sees the same seats messages.
 */

const EVENT = DEMO_EVENT.eventId;
const CHILD_SCRIPT = 'live-map-ticks-child.ts';

/** The pids of this process's children running the tick builder's script. */
function ticksChildren(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(CHILD_SCRIPT)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

describe('the live map’s tick builder in a process of its own', () => {
  let stack: LocalStack;
  let viewer: LiveClient | undefined;
  let stopped = false;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, liveMapProcess: true });
  });

  afterAll(async () => {
    await viewer?.close();
    if (!stopped) await stack?.stop();
  });

  it('builds the ticks in a child process and delivers them through the stack’s sockets', async () => {
    expect(ticksChildren()).toHaveLength(1);
    viewer = await LiveClient.connect(stack.webSocketUrl);
    await viewer.subscribe(EVENT);
    const version = (await readSeats(stack.store, EVENT, { consistent: true })).find((s) => s.seatId === 'E1')!.version;
    await holdSeats(stack.store, {
      eventId: EVENT,
      orderId: 'ord-ticks-process',
      seatIds: ['E1'],
      holdExpiresAt: Date.now() + 60_000,
    });
    const message = await viewer.next(
      (m: LiveMessage): m is SeatsMessage =>
        m.type === 'seats' && m.seats.some((s) => s.seatId === 'E1' && s.version === version + 1),
      'seats message for E1',
    );
    expect(message).toMatchObject({ eventId: EVENT, baseVersion: message.version! - 1 });
    expect(message.seats).toContainEqual(expect.objectContaining({ seatId: 'E1', status: 'HELD' }));
  });

  it('stops the child with the stack', async () => {
    await viewer?.close();
    viewer = undefined;
    stopped = true;
    await stack.stop();
    await eventually(() => expect(ticksChildren()).toEqual([]));
  });
});
