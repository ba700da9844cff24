import { forEachLimited } from '../platform/concurrency';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import type { Delivery } from './broadcast';
import type { ConnectionPoster } from './connection-poster';
import { type BuyerSocket, type ConnectionRepository, mayBeConnecting } from './connection-repository';
import { connectionRepository } from './connections';
import { eventViewers } from './event-viewers';
import { liveShards, shardOf } from './live-shards';

/**
 * Sends planned messages to their audiences. Only a failed audience lookup (DynamoDB) fails its
 * stream records, so they are retried; a failed post is logged and dropped, because retrying the
 * whole batch for one flaky socket would delay everyone, and a client that missed a delta
 * refetches the snapshot on reconnect. A socket that is gone (410) is forgotten: a buyer's leaves
 * its buyer's set, a viewer leaves its seat-map shard and its item is deleted.
 */

export interface DeliveryReport {
  readonly sent: number;
  readonly gone: number;
  readonly failedPosts: number;
  /** Stream records whose messages could not be addressed: retry from the first of them. */
  readonly failedSequenceNumbers: readonly string[];
}

export interface DeliveryOptions {
  /** Posts in flight at once. */
  readonly concurrency?: number;
  /** Epoch ms now (default: the store's clock, else the system's): how old a buyer's socket is. */
  readonly now?: () => number;
}

export const DEFAULT_POST_CONCURRENCY = 32;

/**
 * Where the audiences are found: a buyer's sockets in the connections, an event's viewers by
 * `viewers`; or a Store and the live map's shard count, from which the DynamoDB ones are built
 * (the broadcaster holds those: an event's viewers are its shards' members, event-viewers.ts).
 */
export type ConnectionSource =
  | {
      readonly connections: ConnectionRepository;
      readonly viewers: (eventId: string) => Promise<string[]>;
      /** Takes a viewer found gone out of the event's audience (its seat-map shard). */
      readonly leave: (eventId: string, connectionId: string) => Promise<void>;
    }
  | { readonly store: Store; readonly shards: number };

export async function deliver(
  source: ConnectionSource,
  poster: ConnectionPoster,
  deliveries: readonly Delivery[],
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  const connections = 'connections' in source ? source.connections : connectionRepository(source.store);
  const viewers =
    'connections' in source ? source.viewers : (eventId: string) => eventViewers(source.store, eventId, source.shards);
  const leave =
    'connections' in source
      ? source.leave
      : (eventId: string, connectionId: string) =>
          liveShards(source.store).leave(eventId, shardOf(connectionId, source.shards), connectionId);
  const concurrency = options.concurrency ?? DEFAULT_POST_CONCURRENCY;
  const now = options.now ?? ('store' in source ? source.store.now : Date.now);
  const posts: {
    connectionId: string;
    data: string;
    buyer?: { buyerId: string; socket: BuyerSocket };
    /** The event whose viewers the post went to (its seat-map shards). */
    eventId?: string;
  }[] = [];
  const failedSequenceNumbers: string[] = [];
  // Every buyer of the batch at once: one read by key, not one lookup per order change.
  const buyers = deliveries.flatMap(({ audience }) => ('buyerId' in audience ? [audience.buyerId] : []));
  const socketsOfBuyers =
    buyers.length === 0 ? Promise.resolve(new Map<string, BuyerSocket[]>()) : connections.ofBuyers(buyers);
  // A failed read fails only the deliveries that needed it (awaited below; never an unhandled rejection).
  socketsOfBuyers.catch(() => undefined);
  await forEachLimited(deliveries, concurrency, async (delivery) => {
    try {
      const data = JSON.stringify(delivery.message);
      const { audience } = delivery;
      if ('buyerId' in audience) {
        for (const socket of (await socketsOfBuyers).get(audience.buyerId) ?? [])
          posts.push({ connectionId: socket.connectionId, data, buyer: { buyerId: audience.buyerId, socket } });
      } else {
        for (const connectionId of await viewers(audience.eventId))
          posts.push({ connectionId, data, eventId: audience.eventId });
      }
    } catch (error) {
      logger.error('Could not look up the connections of a broadcast', {
        audience: delivery.audience,
        error: error as Error,
      });
      failedSequenceNumbers.push(...delivery.sequenceNumbers);
    }
  });

  const gone = new Set<string>();
  let sent = 0;
  let failedPosts = 0;
  await forEachLimited(posts, concurrency, async ({ connectionId, data, buyer, eventId }) => {
    if (gone.has(connectionId)) return;
    try {
      if ((await poster.post(connectionId, data)) === 'sent') {
        sent++;
        return;
      }
      gone.add(connectionId);
      // A buyer's socket has a connection item only if it watched the map (most never do), and a
      // DeleteItem of an absent item still bills a write unit: it only leaves its buyer's set. An
      // item it has is deleted by its shard's next tick (410 there too) or expires (TTL). A socket
      // that joined its set moments ago may still be connecting (its $connect has not answered
      // yet): it stays, or its buyer would never hear their order again (`CONNECTING_GRACE_MS`).
      if (buyer !== undefined) {
        if (!mayBeConnecting(buyer.socket, now())) await connections.leaveBuyer(buyer.buyerId, buyer.socket);
        return;
      }
      // A viewer leaves its shard too: its membership is what counts against the event's socket
      // budget, and the event's next seat-map tick may be long in coming on a quiet event.
      if (eventId !== undefined) await leave(eventId, connectionId);
      await connections.delete(connectionId);
    } catch (error) {
      failedPosts++;
      logger.warn('Could not post to a connection', { connectionId, error: error as Error });
    }
  });
  return { sent, gone: gone.size, failedPosts, failedSequenceNumbers };
}

/**
 * Lambda's partial batch response for a stream: the first failed record. Lambda retries from it,
 * so later records are sent again — harmless, as versions make every message idempotent.
 */
export function firstSequenceNumber(sequenceNumbers: readonly string[]): string | undefined {
  // Sequence numbers are decimal strings of up to 40 digits: compare as big integers.
  return sequenceNumbers.reduce<string | undefined>(
    (first, candidate) => (first === undefined || BigInt(candidate) < BigInt(first) ? candidate : first),
    undefined,
  );
}
