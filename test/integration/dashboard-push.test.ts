import { beforeAll, describe, expect, it } from 'vitest';
import type { DashboardView } from '../../contract/dashboard-view';
import { type DashboardMessage, parseLiveMessage } from '../../contract/live-messages';
import type { ConnectionPoster } from '../../lambdas/core/live/connection-poster';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import {
  DASHBOARD_PUSH_INTERVAL_MS,
  type DashboardPushDeps,
  pushDashboard,
  watchDashboard,
} from '../../lambdas/core/reports/dashboard-push';
import { useTestTables } from '../support/local-dynamo';

/**
 * The dashboard push's gate on DynamoDB Local, with a hand-driven clock: at most one push per
 * event and interval, every change followed by a push that reads after it, nothing for an event
 * nobody watches, and a gone socket stops watching.
 */
describe('dashboard pushes on DynamoDB Local', () => {
  let client: Parameters<typeof createStore>[0];
  let tables: Store['tables'];
  let clock = 1_000_000;
  let store: Store;

  beforeAll(async () => {
    ({ client, tables } = await useTestTables());
    store = createStore(client, tables, { now: () => clock });
  });

  /** Deps that count reads, record posts and sleeps, and move the clock when one sleeps. */
  function harness(gone: ReadonlySet<string> = new Set()) {
    const posts: { connectionId: string; message: DashboardMessage }[] = [];
    const sleeps: number[] = [];
    let reads = 0;
    const poster: ConnectionPoster = {
      async post(connectionId, data) {
        if (gone.has(connectionId)) return 'gone';
        posts.push({ connectionId, message: parseLiveMessage(data) as DashboardMessage });
        return 'sent';
      },
    };
    const deps: DashboardPushDeps = {
      store,
      poster,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      read: async (_store, eventId) => {
        reads++;
        return { eventId, computedAt: clock, seats: { sold: 0 } } as DashboardView;
      },
    };
    return { deps, posts, sleeps, reads: () => reads };
  }

  it('reads nothing for an event nobody watches', async () => {
    const { deps, reads } = harness();
    expect(await pushDashboard(deps, 'nobody')).toBe('unwatched');
    expect(reads()).toBe(0);
  });

  it('callers at the same moment: one push, read after the change, to every watcher', async () => {
    await watchDashboard(store, 'e1', 'op-a');
    await watchDashboard(store, 'e1', 'op-b');
    const { deps, posts, reads } = harness();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => pushDashboard(deps, 'e1')));
    expect(outcomes.filter((o) => o === 'pushed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'covered')).toHaveLength(5);
    expect(reads()).toBe(1);
    expect(posts.map((p) => p.connectionId).sort()).toEqual(['op-a', 'op-b']);
    expect(posts[0]!.message).toMatchObject({ type: 'dashboard', dashboard: { eventId: 'e1' } });
  });

  it('a change within the interval waits for it to end, then pushes what is there then', async () => {
    const { deps, posts, sleeps } = harness();
    await pushDashboard(deps, 'e2'); // unwatched: no gate written
    await watchDashboard(store, 'e2', 'op-a');
    const start = clock;
    expect(await pushDashboard(deps, 'e2')).toBe('pushed');
    clock += 300; // another change, 300 ms later
    expect(await pushDashboard(deps, 'e2')).toBe('pushed');
    expect(sleeps).toEqual([DASHBOARD_PUSH_INTERVAL_MS - 300]);
    expect(posts.map((p) => p.message.dashboard.computedAt)).toEqual([start, start + DASHBOARD_PUSH_INTERVAL_MS]);
    // A caller while that push is due (its read comes later) is covered by it.
    clock -= 1; // as if it ran just before the due time
    expect(await pushDashboard(deps, 'e2')).toBe('covered');
  });

  it('a gone socket stops watching; the others still get theirs', async () => {
    await watchDashboard(store, 'e3', 'op-gone');
    await watchDashboard(store, 'e3', 'op-here');
    const first = harness(new Set(['op-gone']));
    expect(await pushDashboard(first.deps, 'e3')).toBe('pushed');
    expect(first.posts.map((p) => p.connectionId)).toEqual(['op-here']);
    clock += DASHBOARD_PUSH_INTERVAL_MS;
    const second = harness();
    expect(await pushDashboard(second.deps, 'e3')).toBe('pushed');
    expect(second.posts.map((p) => p.connectionId)).toEqual(['op-here']);
  });
});
