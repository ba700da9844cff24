import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DashboardView } from '../../../contract/dashboard-view';
import type { DashboardMessage } from '../../../contract/live-messages';
import { toStreamChange } from '../live/broadcast';
import type { ConnectionPoster } from '../live/connection-poster';
import { forEachLimited } from '../platform/concurrency';
import { writeIf } from '../platform/conditional-write';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { readDashboard } from './event-dashboard';

/**
 * The dashboard pushed to operator sockets. One small item per event (the buyers table, key
 * `eventId` + `#dashboard`, next to the live map's; unstreamed) holds who watches (`watchers`, a
 * string set of connection ids: operators are few) and when the next push reads (`pushAt`).
 *
 * At most one push per event and interval, and every change is covered by a push that reads after
 * it: a caller that saw a change at `now` is covered when a push is already due at or after `now`
 * (it sleeps until then and reads afterwards); otherwise it claims the next due time — `now`, or
 * one interval after the last push — with a write conditional on the `pushAt` it read, sleeps
 * until then, reads the dashboard and posts it. Losing the claim means someone else claimed: read
 * again. A push lost after its claim (a crashed function) is repaired by the next change's.
 * Callers are the stream consumers that see the event change (the broadcaster's order and
 * waiting-room batches, the live map's ticks); an event nobody watches costs one GetItem per batch.
 */

export const DASHBOARD_KEY = '#dashboard';

/** Pushes of one event at most this often (ms). */
export const DASHBOARD_PUSH_INTERVAL_MS = 1_000;

interface DashboardItem {
  readonly watchers?: Set<string>;
  readonly pushAt?: number;
}

export interface DashboardPushDeps {
  readonly store: Store;
  readonly poster: ConnectionPoster;
  readonly sleep: (ms: number) => Promise<void>;
  readonly intervalMs?: number;
  /** The figures (`readDashboard` by default). */
  readonly read?: (store: Store, eventId: string) => Promise<DashboardView>;
}

export type PushOutcome = 'unwatched' | 'covered' | 'pushed';

const key = (eventId: string) => ({ eventId, buyerId: DASHBOARD_KEY });

async function readItem(store: Store, eventId: string): Promise<DashboardItem | undefined> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.buyers, Key: key(eventId), ConsistentRead: true }),
  );
  return result.Item as DashboardItem | undefined;
}

/** The connection watches the event's dashboard (idempotent). */
export async function watchDashboard(store: Store, eventId: string, connectionId: string): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.buyers,
      Key: key(eventId),
      UpdateExpression: 'ADD watchers :id',
      ExpressionAttributeValues: { ':id': new Set([connectionId]) },
    }),
  );
}

/** The connection no longer watches it (idempotent; no item is created for an unknown event). */
export async function unwatchDashboard(store: Store, eventId: string, connectionId: string): Promise<void> {
  await writeIf(
    store,
    new UpdateCommand({
      TableName: store.tables.buyers,
      Key: key(eventId),
      UpdateExpression: 'DELETE watchers :id',
      ConditionExpression: 'attribute_exists(eventId)',
      ExpressionAttributeValues: { ':id': new Set([connectionId]) },
    }),
  );
}

/** Claims the push due at `due` if the item still says `seen`; false when another caller claimed first. */
function claimPush(store: Store, eventId: string, seen: number | undefined, due: number): Promise<boolean> {
  return writeIf(
    store,
    new UpdateCommand({
      TableName: store.tables.buyers,
      Key: key(eventId),
      UpdateExpression: 'SET pushAt = :due',
      ConditionExpression: seen === undefined ? 'attribute_not_exists(pushAt)' : 'pushAt = :seen',
      ExpressionAttributeValues: { ':due': due, ...(seen === undefined ? {} : { ':seen': seen }) },
    }),
  );
}

/** Claims lost to other callers before giving up (each loss means a push was claimed by someone). */
const MAX_LOST_CLAIMS = 5;

/** Called after the event changed: makes sure its watchers get a push that reads after this call. */
/**
 * Dashboard pushes for a function whose poster is optional in its platform (the live map's tick
 * builder and sweep): the poster is asked for on the first push (a dashboard watched), so a function
 * nobody watches never needs one, and a missing one fails that push only.
 */
export function lazyDashboardPush(
  store: Store,
  poster: () => ConnectionPoster | undefined,
  sleep: (ms: number) => Promise<void>,
): DashboardPushDeps {
  return {
    store,
    sleep,
    get poster() {
      const made = poster();
      if (!made) throw new Error('No @connections poster for dashboard pushes');
      return made;
    },
  };
}

export async function pushDashboard(deps: DashboardPushDeps, eventId: string): Promise<PushOutcome> {
  const { store } = deps;
  const interval = deps.intervalMs ?? DASHBOARD_PUSH_INTERVAL_MS;
  for (let lost = 0; lost <= MAX_LOST_CLAIMS; lost++) {
    const item = await readItem(store, eventId);
    if (!item?.watchers?.size) return 'unwatched';
    const now = store.now();
    if (item.pushAt !== undefined && item.pushAt >= now) return 'covered';
    const due = Math.max(now, (item.pushAt ?? 0) + interval);
    if (!(await claimPush(store, eventId, item.pushAt, due))) continue;
    if (due > now) await deps.sleep(due - now);
    await postDashboard(deps, eventId);
    return 'pushed';
  }
  return 'covered';
}

/** Reads the dashboard and posts it to every watcher; a gone socket stops watching. */
async function postDashboard(deps: DashboardPushDeps, eventId: string): Promise<void> {
  const { store } = deps;
  const dashboard = await (deps.read ?? readDashboard)(store, eventId);
  const watchers = (await readItem(store, eventId))?.watchers ?? new Set<string>();
  const data = JSON.stringify({ type: 'dashboard', dashboard } satisfies DashboardMessage);
  await forEachLimited([...watchers], 8, async (connectionId) => {
    try {
      if ((await deps.poster.post(connectionId, data)) === 'gone') await unwatchDashboard(store, eventId, connectionId);
    } catch (error) {
      logger.warn('Could not post a dashboard', { eventId, connectionId, error: error as Error });
    }
  });
  logger.debug('Dashboard pushed', { eventId, watchers: watchers.size, sold: dashboard.seats.sold });
}

/**
 * Pushes the dashboards of the events a stream batch changed. Never throws: a dashboard is a
 * view, so its failure must not make the batch (and its buyers' messages) be retried.
 */
export async function pushDashboards(deps: DashboardPushDeps, eventIds: Iterable<string>): Promise<void> {
  await Promise.all(
    [...new Set(eventIds)].map((eventId) =>
      pushDashboard(deps, eventId).catch((error: unknown) =>
        logger.warn('Could not push a dashboard', { eventId, error: error as Error }),
      ),
    ),
  );
}

/** The events whose seats, orders or waiting room a stream batch changed. */
export function eventsChangedIn(records: readonly DynamoDBRecord[]): Set<string> {
  const events = new Set<string>();
  for (const record of records) {
    const change = toStreamChange(record);
    if (change) events.add(change.item.eventId);
  }
  return events;
}
