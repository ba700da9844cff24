/**
 * The port in front of the open WebSocket connections: who is connected (buyer or anonymous
 * viewer) and which event each watches, so the broadcaster finds a buyer's sockets (an event's
 * viewers are the members of its seat-map shards: event-viewers.ts). The DynamoDB adapter is `connectionRepository(store)` (connections.ts), the in-memory
 * fake `test/support/fakes/`.
 *
 * A buyer's sockets are also kept under the buyer (one set per buyer, added to at $connect), so
 * the broadcaster finds the sockets of every buyer of a stream batch with one batch read by key
 * instead of one index query per pushed order change (issue #13). A socket leaves its buyer's set
 * when a post finds it gone; the set lives as long as the newest socket could.
 */
export interface ConnectionRepository {
  /** Records a new connection (replacing one under the same id); a buyer's socket joins its buyer's set. */
  put(connection: ConnectionItem): Promise<void>;
  /**
   * Makes the connection watch `eventId` (replacing any earlier event). False when the connection
   * is gone: a subscribe racing its own disconnect must not bring it back.
   */
  subscribe(connectionId: string, eventId: string): Promise<boolean>;
  /** Forgets the connection (nothing when it is gone already). */
  delete(connectionId: string): Promise<void>;
  /**
   * The connection ids of each of these buyers (whatever they watch), read consistently by key: a
   * socket recorded before the read is in it. May still list a socket that disconnected (a post
   * then finds it gone: `leaveBuyer`). Buyers without sockets are absent from the map.
   */
  ofBuyers(buyerIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Takes a socket found gone out of its buyer's set (nothing when it is not there). */
  leaveBuyer(buyerId: string, connectionId: string): Promise<void>;
}

export interface ConnectionItem {
  readonly connectionId: string;
  /** Present when the socket connected with a valid session token. */
  readonly buyerId?: string;
  /** Present when the socket connected with an operator session (`?staff=`): it may watch dashboards. */
  readonly operatorId?: string;
  /** The event whose dashboard it watches (an operator's socket); absent until such a subscribe. */
  readonly dashboardEventId?: string;
  /** The watched event; absent until the first subscribe. */
  readonly eventId?: string;
  /** Epoch ms. */
  readonly connectedAt: number;
  /** Epoch seconds (DynamoDB TTL): API Gateway closes every WebSocket after 2 h anyway. */
  readonly expiresAt: number;
}

export const CONNECTION_TTL_SECONDS = 2 * 60 * 60;

/** A connection as first recorded: it expires when API Gateway would close it anyway. */
export function newConnection(
  connection: { connectionId: string; buyerId?: string; operatorId?: string },
  now: number,
): ConnectionItem {
  return {
    connectionId: connection.connectionId,
    ...(connection.buyerId === undefined ? {} : { buyerId: connection.buyerId }),
    ...(connection.operatorId === undefined ? {} : { operatorId: connection.operatorId }),
    connectedAt: now,
    expiresAt: Math.floor(now / 1000) + CONNECTION_TTL_SECONDS,
  };
}
