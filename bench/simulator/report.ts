import type { DropResult, Progress } from './drop';
import type { Summary } from './stats';

/** The human report and the progress line. Pure string building. */

const ms = (v: number) =>
  Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`) : '–';
const pct = (s: Summary) =>
  s.count === 0 ? '–' : `p50 ${ms(s.p50)} · p90 ${ms(s.p90)} · p99 ${ms(s.p99)} · max ${ms(s.max)} (n=${s.count})`;
const num = (v: number, digits = 1) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';
const money = (v: number) => (v < 0.01 ? `$${v.toFixed(6)}` : `$${v.toFixed(4)}`);

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatReport(r: DropResult, options: { winners: boolean }): string {
  const o = r.options;
  const out: string[] = [];
  out.push(
    `Drop ${r.eventId}: ${o.buyers} buyers vs ${r.seats} seats · ${o.mode === 'best' ? 'best available' : o.mode === 'own' ? 'own seats' : 'picked seats'} × ${o.seatsPerBuyer}` +
      ` · ${o.rampSeconds ? `arrivals over ${o.rampSeconds} s` : 'all at once'} · waiting room ${o.waitingRoom ? `on (max ${o.maxConcurrent})` : 'off'}` +
      ` · decline ${o.declineRate} · abandon ${o.abandonRate} · hold ${o.holdSeconds} s · viewers ${o.viewers}${o.chaos ? ` · CHAOS (seed ${o.seed})` : ''}`,
  );
  out.push('');
  out.push(
    `  tickets sold        ${r.ticketsSold} of ${r.seats} seats in ${r.sellOutSeconds === null ? '–' : `${r.sellOutSeconds.toFixed(1)} s`} (run ${r.durationSeconds.toFixed(1)} s)`,
  );
  out.push(
    `  buyers              ${r.outcomes.ticket} with tickets · ${r.outcomes.soldOut} sold out · ${r.outcomes.failed} failed · ${r.outcomes.expired} expired · ${r.outcomes.open} still open`,
  );
  out.push(
    `  open orders         ${r.openOrders} after waiting for their deadlines + a reconciler period · executions still running ${r.runningExecutions}`,
  );
  out.push(
    r.money
      ? `  money audit         ${r.money.unaccounted === 0 && r.money.doubleCharged === 0 && r.auditProblems.length === 0 ? 'CLEAN' : 'NOT CLEAN'} — ${r.money.charged} charges: ${r.money.ticketed} ticketed, ${r.money.refunded} refunded, ${r.money.unaccounted} unaccounted · ${r.money.doubleCharged} orders charged twice`
      : '  money audit         – (needs a stack the simulator started; npm run audit -- <eventId> for a running one)',
  );
  out.push(`  oversold            ${r.oversold} seats with two or more valid tickets`);
  if (o.waitingRoom) out.push(`  waiting room        ${r.waitingRoom.leakedSlots} slots leaked`);
  const faults = Object.entries(r.faults).sort((a, b) => a[0].localeCompare(b[0]));
  out.push(
    `  faults injected     ${faults.length ? faults.map(([kind, n]) => `${kind} ${n}`).join(' · ') : 'none'}${o.chaos ? ` · ${r.serverErrorsRetried} API 5xx answers retried by buyers` : ''}`,
  );
  out.push(
    `  oversell check      ${r.oversell.ok ? 'PASS' : 'FAIL'} — ${r.oversell.tickets} tickets, ${r.oversell.soldSeats} seats SOLD in the seat table, no seat in two tickets${r.oversell.ok ? '' : ' ✗'}`,
  );
  out.push(
    `  fairness            ${r.fairness.of}: Kendall tau distance ${r.fairness.kendallTauDistance.toFixed(3)} (0 = first come first served, 0.5 = random), displacement max ${r.fairness.maxDisplacement} · mean ${r.fairness.meanDisplacement.toFixed(1)} places (n=${r.fairness.buyers})`,
  );
  out.push('');
  out.push('  latency');
  out.push(`    join → admitted   ${pct(r.latencyMs.joinToAdmitted)}`);
  out.push(`    hold (create)     ${pct(r.latencyMs.hold)}`);
  out.push(`    pay → confirmed   ${pct(r.latencyMs.payToConfirmed)}`);
  out.push(`    change → viewer   ${pct(r.latencyMs.changeToViewer)}`);
  out.push(
    `  throughput          ${num(r.throughput.ticketsPerSecond)} tickets/s · ${num(r.throughput.httpRequestsPerSecond)} HTTP requests/s` +
      (r.viewers.count ? ` · ${num(r.viewers.messagesPerViewerPerSecond, 2)} messages per viewer per second` : ''),
  );
  out.push('');
  out.push(`  cost meter (${'AWS list prices, us-east-1'}; measured = counted during this run, estimated = derived)`);
  out.push(
    table(
      ['item', 'quantity', 'source', 'cost'],
      r.cost.lines.map((l) => [l.item, num(l.quantity), l.source, money(l.dollars)]),
    ),
  );
  out.push(
    `  total ${money(r.cost.totalDollars)} for ${r.cost.tickets} tickets → ${Number.isFinite(r.cost.dollarsPer1000Tickets) ? `$${r.cost.dollarsPer1000Tickets.toFixed(3)}` : '–'} per 1,000 tickets` +
      ` (${r.cost.lambdaInvocations} Lambda invocations, ${r.executions.count} executions read)`,
  );
  const reasons = Object.entries(r.failureReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    out.push('');
    out.push('  failed / open buyers, by reason');
    for (const [reason, n] of reasons.slice(0, 8)) out.push(`    ${String(n).padStart(5)}  ${reason}`);
  }
  out.push('');
  const shown = options.winners ? r.winners : r.winners.slice(0, 10);
  out.push(
    `  who got tickets (${r.winners.length} buyers${options.winners ? '' : `; first ${shown.length}, --winners for all`})`,
  );
  if (shown.length)
    out.push(
      table(
        ['buyer', 'seats', 'ticket ids'],
        shown.map((w) => [w.buyerId, w.seats.join(' '), w.ticketIds.join(' ')]),
      ),
    );
  out.push('');
  out.push(
    r.verdict.ok
      ? 'VERDICT: OK — no oversell, nothing left open, every charge ticketed or refunded'
      : `VERDICT: FAILED\n${r.verdict.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  return out.join('\n');
}

export function progressLine(p: Progress, width = 30): string {
  const joined = p.buyers - p.arriving;
  const bar = (n: number) => {
    const filled = Math.round((n / Math.max(1, p.buyers)) * width);
    return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  };
  return `${bar(p.done)} ${p.elapsedSeconds.toFixed(1)} s · joined ${joined} · waiting ${p.waiting} · admitted ${p.admitted} · holding ${p.holding} · paying ${p.paying} · done ${p.done}/${p.buyers} · tickets ${p.tickets}`;
}

/** JSON for machines: everything but the per-buyer records' internals (the audit's named problems are in `verdict.problems`). */
export function toJson(r: DropResult): string {
  const { records, executionCosts, auditProblems, serverErrorsRetried, ...rest } = r;
  void records;
  void executionCosts;
  void auditProblems;
  void serverErrorsRetried;
  return JSON.stringify(rest, null, 2);
}
