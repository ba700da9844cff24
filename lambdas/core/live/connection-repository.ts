/**
 * The port in front of the open WebSocket connections: who is connected (buyer or anonymous
 * viewer) and which event each watches, so the broadcaster finds an event's viewers and a buyer's
 * sockets. The DynamoDB adapter is `connectionRepository(store)` (connections.ts), the in-memory
 * fake `test/support/fakes/`.
 */
export interface ConnectionRepository {
  /** Records a new connection (replacing one under the same id). */
  put(connection: ConnectionItem): Promise<void>;
  /**
   * Makes the connection watch `eventId` (replacing any earlier event). False when the connection
   * is gone: a subscribe racing its own disconnect must not bring it back.
   */
  subscribe(connectionId: string, eventId: string): Promise<boolean>;
  /** Forgets the connection (nothing when it is gone already). */
  delete(connectionId: string): Promise<void>;
  /** Ids of the connections watching an event (an index read: eventually consistent on DynamoDB). */
  watching(eventId: string): Promise<string[]>;
  /** Ids of one buyer's connections, whatever they watch. */
  ofBuyer(buyerId: string): Promise<string[]>;
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
