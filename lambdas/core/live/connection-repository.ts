/**
 * The port in front of the open WebSocket connections: which sockets each buyer has, and the
 * connection items of the sockets that need one (an operator's, and any socket watching an event's
 * seat map), so the broadcaster finds a buyer's sockets (an event's viewers are the members of its
 * seat-map shards: event-viewers.ts). The DynamoDB adapter is `connectionRepository(store)`
 * (connections.ts), the in-memory fake `test/support/fakes/`.
 *
 * A buyer's sockets are kept under the buyer (one set per buyer, added to at $connect), so the
 * broadcaster finds the sockets of every buyer of a stream batch with one batch read by key
 * instead of one index query per pushed order change (issue #13). A socket leaves its buyer's set
 * when a post finds it gone; the set lives as long as the newest socket could.
 *
 * Only what a later route needs is written (issue #13: a buyer's socket that never watches the map
 * costs its set's one write): an operator's socket is recorded at $connect (the dashboard subscribe
 * checks its operator id); a buyer's or an anonymous socket gets its item from its first map
 * subscribe (`watch`), which is the only route that reads it back.
 */
export interface ConnectionRepository {
  /** Records a new connection item (replacing one under the same id): an operator's socket. */
  put(connection: ConnectionItem): Promise<void>;
  /** A buyer's socket joins its buyer's set, noting when (and renews the set's expiry); `joinedAt`: default now. */
  joinBuyer(buyerId: string, connectionId: string, joinedAt?: number): Promise<void>;
  /**
   * Makes the connection watch `eventId` (replacing any earlier event), recording it if it has no
   * item yet. Unconditional: a subscribe that lost the race to its own $disconnect records a
   * socket that is gone — its first post (410) forgets it (docs/ARCHITECTURE.md, "Live updates").
   */
  watch(connectionId: string, eventId: string): Promise<void>;
  /** Forgets the connection (nothing when it is gone already). */
  delete(connectionId: string): Promise<void>;
  /**
   * The sockets of each of these buyers (whatever they watch), read consistently by key: a
   * socket recorded before the read is in it. May still list a socket that disconnected (a post
   * then finds it gone: `leaveBuyer`), or one still connecting. Buyers without sockets are absent
   * from the map.
   */
  ofBuyers(buyerIds: readonly string[]): Promise<Map<string, BuyerSocket[]>>;
  /** Takes a socket found gone out of its buyer's set (nothing when it is not there). */
  leaveBuyer(buyerId: string, socket: BuyerSocket): Promise<void>;
}

/** One socket in a buyer's set. */
export interface BuyerSocket {
  readonly connectionId: string;
  /** Epoch ms its $connect joined the set (whole seconds); absent for a socket recorded before it was noted. */
  readonly joinedAt?: number;
}

/**
 * How long after joining its buyer's set a socket may still be connecting. $connect writes the set
 * before it answers, and only then is the socket open: until then a post to it is answered 410
 * (API Gateway, as the local gateways) — a socket that is not gone. A buyer's socket opens right
 * after their create, whose order change is pushed at that very moment: taken out of the set on
 * that 410, it never got another push (bench:sellout: a few buyers a run heard their CONFIRMED
 * only from the 10-s safety poll). API Gateway gives $connect up to 29 s.
 */
export const CONNECTING_GRACE_MS = 30_000;

/** Whether a 410 for this socket may only mean it is still connecting (then it stays in its set). */
export function mayBeConnecting(socket: BuyerSocket, now: number): boolean {
  return socket.joinedAt !== undefined && now - socket.joinedAt < CONNECTING_GRACE_MS;
}

/** The set's member for a socket: its id and when it joined (whole seconds), `<id>#<seconds>`. */
export function buyerSocketMember(socket: BuyerSocket): string {
  return socket.joinedAt === undefined
    ? socket.connectionId
    : `${socket.connectionId}#${Math.floor(socket.joinedAt / 1000)}`;
}

/** A member of a buyer's set as a socket (a member without `#` is an id recorded before join times were). */
export function buyerSocketOf(member: string): BuyerSocket {
  const at = member.lastIndexOf('#');
  const seconds = at < 0 ? Number.NaN : Number(member.slice(at + 1));
  if (!Number.isInteger(seconds)) return { connectionId: member };
  return { connectionId: member.slice(0, at), joinedAt: seconds * 1000 };
}

export interface ConnectionItem {
  readonly connectionId: string;
  /** Present when the socket connected with an operator session (`?staff=`): it may watch dashboards. */
  readonly operatorId?: string;
  /** The event whose dashboard it watches (an operator's socket); absent until such a subscribe. */
  readonly dashboardEventId?: string;
  /** The watched event; absent until the first subscribe. */
  readonly eventId?: string;
  /** Epoch ms: when the item was first written ($connect for an operator, else the first subscribe). */
  readonly connectedAt: number;
  /** Epoch seconds (DynamoDB TTL): API Gateway closes every WebSocket after 2 h anyway. */
  readonly expiresAt: number;
}

export const CONNECTION_TTL_SECONDS = 2 * 60 * 60;

/** A connection as first recorded: it expires when API Gateway would close it anyway. */
export function newConnection(connection: { connectionId: string; operatorId?: string }, now: number): ConnectionItem {
  return {
    connectionId: connection.connectionId,
    ...(connection.operatorId === undefined ? {} : { operatorId: connection.operatorId }),
    connectedAt: now,
    expiresAt: connectionExpiry(now),
  };
}

/** The TTL (epoch seconds) of a connection recorded at `now` (epoch ms). */
export const connectionExpiry = (now: number): number => Math.floor(now / 1000) + CONNECTION_TTL_SECONDS;
