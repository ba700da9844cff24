/**
 * The one definition of TicketDrop's DynamoDB tables.
 *
 * Plain data on purpose: the CDK stack (lib/constructs/data-tables.ts) and the embedded local stack
 * (local/local-tables.ts) both build their tables from these specs, so the local and AWS schemas
 * cannot drift apart. A CDK test checks the synthesized template against them.
 */

export type KeyType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexSpec {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /**
   * What the index copies of each item (default `ALL`). `KEYS_ONLY`: only the keys, so a write
   * that changes no key attribute costs no index write (on-demand bills every index write as
   * one more write unit per KB); readers fetch the items by key (BatchGetItem) after the query.
   */
  readonly projection?: 'ALL' | 'KEYS_ONLY';
}

export interface TableSpec {
  /** Logical id: construct id on AWS, name suffix locally, key in `TableNames`. */
  readonly id: TableId;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Tables whose changes are broadcast to browsers carry a stream. */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes?: readonly IndexSpec[];
}

export type TableId =
  | 'events'
  | 'seats'
  | 'orders'
  | 'tickets'
  | 'payments'
  | 'buyers'
  | 'waitingRooms'
  | 'connections'
  | 'limits';

/** Physical table names, keyed by logical id; handlers get them from the environment. */
export type TableNames = Record<TableId, string>;

/** Environment variable that carries each table's physical name to the handlers. */
export const TABLE_ENV: Record<TableId, string> = {
  events: 'EVENTS_TABLE',
  seats: 'SEATS_TABLE',
  orders: 'ORDERS_TABLE',
  tickets: 'TICKETS_TABLE',
  payments: 'PAYMENTS_TABLE',
  buyers: 'BUYERS_TABLE',
  waitingRooms: 'WAITING_ROOMS_TABLE',
  connections: 'CONNECTIONS_TABLE',
  limits: 'LIMITS_TABLE',
};

export const TABLE_SPECS: readonly TableSpec[] = [
  {
    // One item per event: name, seat-map shape, price, hold and order limits.
    id: 'events',
    partitionKey: { name: 'eventId', type: 'S' },
  },
  {
    // One item per seat: the seat's conditional writes are the per-seat lock.
    id: 'seats',
    partitionKey: { name: 'eventId', type: 'S' },
    sortKey: { name: 'seatId', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
  },
  {
    // One item per order. No index (issue #13): "the orders of this event" are listed by the
    // buyers' items (`orderIds` on each buyer's item in `buyers`, added by the open-order claim in
    // the same write), then read by key (lambdas/core/orders/buyer-orders.ts) — a keys-only
    // `byEvent` index cost every order's create a second write unit.
    id: 'orders',
    partitionKey: { name: 'orderId', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
  },
  {
    // One item per ticket (one per seat of a paid order), apart from the order so that order
    // writes stay small: its signed token and its state (VALID | VOIDED). Under its event: an
    // event's tickets (winners, audits, resets, the door list) are one Query of its partition, so
    // no index — a ticket write costs one unit, not two. Every reader has the event: the signed
    // token carries it, so does the order. Ticket ids derive from order and seat
    // (tickets/ticket-store.ts): an order's tickets are read by key, strongly consistent.
    // Hot partition? An event's ticket writes come at its sale rate — tens a second at a big
    // drop, ≪ the 1,000 WCU/s one partition takes (no local index, so no 10 GB limit per event).
    // Adaptive capacity splits a hot partition by sort key, which works here because ticket ids
    // are random hashes (ticketIdOf), not monotonic: the writes spread over every split.
    id: 'tickets',
    partitionKey: { name: 'eventId', type: 'S' },
    sortKey: { name: 'ticketId', type: 'S' },
  },
  {
    // The simulated card processor's ledger, one item per idempotency key: replaying a key
    // returns the recorded outcome instead of charging again (as real processors do).
    // `byOrder` answers "every charge this order ever took" for the money audit (a Query, not
    // a Scan of the whole ledger). Keys only: an entry is written on the charge and again on its
    // refund or attempt; the audit reads the entries by key after the index query.
    id: 'payments',
    partitionKey: { name: 'idempotencyKey', type: 'S' },
    globalSecondaryIndexes: [
      { indexName: 'byOrder', partitionKey: { name: 'orderId', type: 'S' }, projection: 'KEYS_ONLY' },
    ],
  },
  {
    // One item per buyer per event: the buyer's open order (one at a time, so a retried create
    // returns the same order), the ids of every order the buyer created for the event (`orderIds`,
    // a string set: how an event's orders are found, lambdas/core/orders/buyer-orders.ts) and,
    // with the waiting room, the buyer's place in the queue (`byPosition`, sparse: only buyers
    // with a number). A join first puts the buyer in line without a number (`arrival`);
    // `byArrival` (sparse, keys only) lists those in arrival order for the waiting room's batch
    // writer, which numbers them (and removes `arrival`).
    id: 'buyers',
    partitionKey: { name: 'eventId', type: 'S' },
    sortKey: { name: 'buyerId', type: 'S' },
    globalSecondaryIndexes: [
      {
        indexName: 'byPosition',
        partitionKey: { name: 'eventId', type: 'S' },
        sortKey: { name: 'position', type: 'N' },
      },
      {
        indexName: 'byArrival',
        partitionKey: { name: 'eventId', type: 'S' },
        sortKey: { name: 'arrival', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
  },
  {
    // One item per event with a waiting room: how far the queue is served and who holds a
    // purchase slot now. Streamed, so every advance reaches the waiting browsers.
    id: 'waitingRooms',
    partitionKey: { name: 'eventId', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
  },
  {
    // One item per open WebSocket connection: which event it watches (to leave its shard at
    // $disconnect) and whose it is. No index (issue #13): a buyer's sockets are found by key in the
    // buyer's `#buyer#<buyerId>` set (lambdas/core/live/connections.ts), an event's viewers in the
    // event's seat-map shards (`#shard#…`, lambdas/core/live/event-viewers.ts) — a `byBuyer` and
    // a `byEvent` index each cost every socket's writes one more unit (put, subscribe, delete).
    // `expiresAt` (epoch seconds) lets DynamoDB drop connections whose $disconnect never came.
    id: 'connections',
    partitionKey: { name: 'connectionId', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
  },
  {
    // The abuse limits' counters (contract/request-limits.ts): one item per client address,
    // limited action and window (`<action>#<address>#<window start>`), so one address's burst is
    // one key and never a hot partition for everyone else. `expiresAt` (epoch seconds) lets
    // DynamoDB drop windows that are over; nothing ever reads an old one.
    id: 'limits',
    partitionKey: { name: 'limitKey', type: 'S' },
    timeToLiveAttribute: 'expiresAt',
  },
];

export function tableSpec(id: TableId): TableSpec {
  const spec = TABLE_SPECS.find((s) => s.id === id);
  if (!spec) throw new Error(`No table spec for ${id}`);
  return spec;
}

/** Local/physical names built from a prefix, e.g. `ticketdrop-seats`. */
export function prefixedTableNames(prefix: string): TableNames {
  return {
    events: `${prefix}-events`,
    seats: `${prefix}-seats`,
    orders: `${prefix}-orders`,
    tickets: `${prefix}-tickets`,
    payments: `${prefix}-payments`,
    buyers: `${prefix}-buyers`,
    waitingRooms: `${prefix}-waiting-rooms`,
    connections: `${prefix}-connections`,
    limits: `${prefix}-limits`,
  };
}
