import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DropResult } from './drop';
import { summarize } from './stats';

/**
 * The snapshot pollers of `npm run bench:fanout`: clients beyond the socket budget polling one
 * event's compact seat map with their own ETags, evenly paced, during a sell-out — and what they saw.
 */

export interface PollReport {
  readonly pollers: number;
  readonly pollSeconds: number;
  readonly targetRequestsPerSecond: number;
  readonly achievedRequestsPerSecond: number;
  readonly requests: number;
  readonly ok: number;
  readonly notModified: number;
  readonly errors: number;
  readonly notModifiedShare: number;
  /**
   * Polls whose ETag was still the map's (304s, plus any 200 that returned the very tag sent): what
   * a 304 can answer. During a sale few are, since the map changes every tick and a poller returns
   * after `pollSeconds`.
   */
  readonly unchangedPolls: number;
  /** Of `unchangedPolls`, the share answered 304 without a body (null when there were none). */
  readonly notModifiedShareOfUnchanged: number | null;
  /**
   * The same pollers for `pollSeconds` × 2 after the sell-out (the map no longer changing), counted
   * apart from the sale's figures: what the ETag saves once a poller holds the current map.
   */
  readonly afterSale: {
    readonly seconds: number;
    readonly requests: number;
    readonly notModified: number;
    readonly notModifiedShare: number;
    readonly unchangedPolls: number;
    readonly notModifiedShareOfUnchanged: number | null;
  };
  /** From the moment a poll was due to its answer read: what a poller waits, client queueing included. */
  readonly pollP50Ms: number;
  readonly pollP99Ms: number;
  readonly pollMaxMs: number;
  /**
   * From the request on a connection to its answer read: the stack's part (plus the wire and this
   * process's reading of the answer), without the wait for one of the client's connections.
   */
  readonly wireP50Ms: number;
  readonly wireP99Ms: number;
  /** How long due polls waited for a free connection of this process (client-side queueing). */
  readonly queueP99Ms: number;
  /** This process's event-loop delay while polling (p99): a busy load generator delays every poll. */
  readonly clientLoopDelayP99Ms: number;
  /** The errors by HTTP status or socket error code. */
  readonly errorKinds: Record<string, number>;
  /** Polls sent again after a kept-alive connection was reset as it was reused (as browsers do). */
  readonly retriedOnReset: number;
  /** How late the pacer sent polls after they were due (p99; not part of the poll latencies above). */
  readonly pacingLateP99Ms: number;
  /** The client's kept-alive connections (each real poller has its own; the pool queues the rest). */
  readonly connections: number;
  readonly mapVersionsSeen: number;
  /**
   * The share of polls a shared 1-second cache in front of the API (CloudFront with max-age=1)
   * would have answered: all but the first request for each second. Emulated from the timestamps,
   * not measured through CloudFront.
   */
  readonly sharedCacheHitShare: number;
}

/**
 * Kept-alive connections of the pollers' client. Each of 10,000 real pollers has a connection of
 * its own; a small pool would queue due polls behind slow answers in the load generator, a wait no
 * poller has (the bench reports that queueing apart, "queued p99").
 */
export const POLL_CONNECTIONS = 256;

/**
 * Runs `sellOut` and, once its event exists, polls that event's compact seat map until every seat
 * is sold (or the drop returns): `pollers` clients, each with its own ETag, every `pollSeconds`,
 * evenly paced, over `connections` kept-alive connections. Polls after the sell-out would all be
 * 304s and say nothing about the sale.
 */
export async function pollDuringSellOut(
  baseUrl: string,
  pollers: number,
  pollSeconds: number,
  connections: number,
  sellOut: () => Promise<DropResult>,
): Promise<PollReport> {
  const known = new Set(await eventIds(baseUrl));
  let done = false;
  const sale = sellOut().finally(() => {
    done = true;
  });
  const soldOut = async (id: string) => {
    const response = await fetch(new URL(`/api/events/${encodeURIComponent(id)}/seat-map`, baseUrl));
    const { seatMap } = (await response.json()) as { seatMap: { states: string } };
    return seatMap.states.length > 0 && !/[AH]/.test(seatMap.states);
  };
  let eventId: string | undefined;
  while (!eventId && !done) {
    eventId = (await eventIds(baseUrl)).find((id) => !known.has(id));
    if (!eventId) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!eventId) throw new Error('The sell-out ended before its event was seen');

  // FIFO: every connection takes its turn, so none idles past the server's keep-alive timeout.
  const agent = new Agent({ keepAlive: true, maxSockets: connections, scheduling: 'fifo' });
  const errorKinds: Record<string, number> = {};
  let retried = 0;
  const countError = (kind: string) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  const tags = new Array<string | undefined>(pollers).fill(undefined);
  const latencies: number[] = [];
  const wireLatencies: number[] = [];
  const queueWaits: number[] = [];
  const versions = new Set<string>();
  const seconds = new Set<number>();
  let ok = 0;
  let notModified = 0;
  let resentUnchanged = 0; // a 200 carrying the tag the poller sent: a 304 missed
  let errors = 0;
  let afterSalePhase = false;
  const after = { requests: 0, notModified: 0, resentUnchanged: 0 };
  const url = new URL(`/api/events/${encodeURIComponent(eventId)}/seat-map`, baseUrl);
  const lateness: number[] = [];
  const poll = (index: number, due: number) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const tag = tags[index];
      const inAfterSale = afterSalePhase;
      if (!inAfterSale) {
        lateness.push(started - due);
        seconds.add(Math.floor(started / 1000));
      }
      const send = (retry: boolean) => {
        let onConnection = started;
        const req = request(url, { agent, headers: tag ? { 'if-none-match': tag } : {} }, (res) => {
          res.resume();
          res.on('end', () => {
            if (inAfterSale) {
              after.requests++;
              if (res.statusCode === 304) after.notModified++;
              else if (res.statusCode === 200 && res.headers.etag === tag) after.resentUnchanged++;
              else if (res.statusCode !== 200) countError(`HTTP ${res.statusCode}`);
              if (res.headers.etag) tags[index] = res.headers.etag;
              resolve();
              return;
            }
            const now = performance.now();
            latencies.push(now - started);
            wireLatencies.push(now - onConnection);
            queueWaits.push(onConnection - started);
            if (res.statusCode === 304) notModified++;
            else if (res.statusCode === 200) {
              ok++;
              const etag = res.headers.etag;
              if (etag !== undefined && etag === tag) resentUnchanged++;
              if (etag) {
                tags[index] = etag;
                versions.add(etag);
              }
            } else countError(`HTTP ${res.statusCode}`);
            resolve();
          });
        });
        // A kept-alive connection is handed over when one is free; the request is written at once.
        req.once('socket', () => {
          onConnection = performance.now();
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive connection the server closed just as it was reused: a browser sends the
          // GET again on a new connection (Node's documented pattern), and so does a poller.
          if (retry && req.reusedSocket && error.code === 'ECONNRESET') {
            retried++;
            send(false);
            return;
          }
          countError(error.code ?? error.message);
          resolve();
        });
        req.end();
      };
      send(true);
    });

  // Evenly paced: every 10 ms the requests due by now, pollers in turn (each every pollSeconds).
  const perSecond = pollers / pollSeconds;
  const started = performance.now();
  const watcher = setInterval(() => {
    void soldOut(eventId)
      .then((over) => {
        if (over) done = true;
      })
      .catch(() => undefined);
  }, 500);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  while (!done) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const request = poll(sent % pollers, started + (sent / perSecond) * 1000);
      inFlight.add(request);
      void request.then(() => inFlight.delete(request));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  // The sale is over: the same pollers, on the same pace, for two rounds more, counted apart.
  afterSalePhase = true;
  const afterSeconds = pollSeconds * 2;
  const afterStarted = performance.now();
  let afterSent = 0;
  while (performance.now() - afterStarted < afterSeconds * 1000) {
    const due = Math.floor(((performance.now() - afterStarted) / 1000) * perSecond);
    for (; afterSent < due; afterSent++, sent++) {
      const request = poll(sent % pollers, afterStarted + (afterSent / perSecond) * 1000);
      inFlight.add(request);
      void request.then(() => inFlight.delete(request));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  clearInterval(watcher);
  loopDelay.disable();
  await Promise.all(inFlight);
  await sale;
  agent.destroy();
  const summary = summarize(latencies);
  const wire = summarize(wireLatencies);
  const requests = ok + notModified + errors;
  return {
    pollers,
    pollSeconds,
    targetRequestsPerSecond: perSecond,
    achievedRequestsPerSecond: requests / elapsedSeconds,
    requests,
    ok,
    notModified,
    errors,
    notModifiedShare: requests === 0 ? 0 : notModified / requests,
    unchangedPolls: notModified + resentUnchanged,
    notModifiedShareOfUnchanged: shareOf(notModified, notModified + resentUnchanged),
    afterSale: {
      seconds: afterSeconds,
      requests: after.requests,
      notModified: after.notModified,
      notModifiedShare: shareOf(after.notModified, after.requests) ?? 0,
      unchangedPolls: after.notModified + after.resentUnchanged,
      notModifiedShareOfUnchanged: shareOf(after.notModified, after.notModified + after.resentUnchanged),
    },
    pollP50Ms: summary.p50,
    pollP99Ms: summary.p99,
    pollMaxMs: summary.max,
    wireP50Ms: wire.p50,
    wireP99Ms: wire.p99,
    queueP99Ms: summarize(queueWaits).p99,
    clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    pacingLateP99Ms: summarize(lateness).p99,
    errorKinds,
    retriedOnReset: retried,
    connections,
    mapVersionsSeen: versions.size,
    sharedCacheHitShare: requests === 0 ? 0 : 1 - seconds.size / requests,
  };
}

function shareOf(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

async function eventIds(baseUrl: string): Promise<string[]> {
  const response = await fetch(new URL('/api/events', baseUrl));
  const body = (await response.json()) as { events: { eventId: string }[] };
  return body.events.map((event) => event.eventId);
}
