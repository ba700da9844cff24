/**
 * Operator commands (npm scripts), against the running `npm start` by default or a deployed stack
 * with `--stack TicketDrop-<stage>` (or TICKETDROP_STACK). `--json` prints the raw report.
 *
 *   npm run order -- <orderId>               the order, its execution, why it failed or where it waits
 *   npm run stuck                            orders, seats and executions still open past their hold, and what the reconciler would do
 *   npm run reconcile                        run the reconciler now (it runs every minute anyway)
 *   npm run winners -- <eventId>             who got tickets
 *   npm run reset-event -- <eventId> --yes   release every hold and sale of an event (refunds, voids tickets)
 *   npm run audit -- <eventId>               money and seats add up (exit 4 when not)
 *   npm run list-orders                      list every order on its buyer's item (once, after the upgrade that dropped orders.byEvent)
 */
import { parseArgs } from 'node:util';
import { listEveryOrder } from '../lambdas/core/orders/buyer-orders';
import { orderReport } from '../lambdas/core/orders/order-report';
import { logger } from '../lambdas/core/platform/logger';
import { auditEvent } from './audit';
import {
  formatAudit,
  formatOrder,
  formatReconcile,
  formatReset,
  formatResetPlan,
  formatStuck,
  formatWinners,
} from './format';
import { planReset, resetEvent } from './reset-event';
import { findStuck } from './stuck';
import { type OpsTarget, resolveTarget } from './target';
import { winners } from './winners';

const USAGE =
  'usage: npm run <order <orderId> | stuck | reconcile | winners <eventId> | reset-event <eventId> [--yes] | audit <eventId> | list-orders> [-- --stack <name>] [--json]';

/** A command's report, and the same in lines for people. */
type Outcome = { report: unknown; lines: string[]; exitCode?: number };

const COMMANDS: Record<
  string,
  { needsId: boolean; run: (target: OpsTarget, id: string, yes: boolean) => Promise<Outcome> }
> = {
  order: {
    needsId: true,
    run: async (t, orderId) => {
      const report = await orderReport(t.store, t.executions, orderId);
      return { report, lines: formatOrder(report) };
    },
  },
  stuck: {
    needsId: false,
    run: async (t) => {
      const report = await findStuck(t.store, t.executions);
      const count =
        report.orders.length + report.seats.length + report.executions.length + report.reconcile.actions.length;
      return { report, lines: formatStuck(report), exitCode: count === 0 ? 0 : 3 };
    },
  },
  reconcile: {
    needsId: false,
    run: async (t) => {
      const report = await t.reconcile();
      return { report, lines: formatReconcile(report), exitCode: report.failed === 0 ? 0 : 1 };
    },
  },
  winners: {
    needsId: true,
    run: async (t, eventId) => {
      const report = await winners(t.store, eventId);
      return { report, lines: formatWinners(report) };
    },
  },
  'reset-event': {
    needsId: true,
    run: async (t, eventId, yes) => {
      if (!yes) {
        // Refuse, but show what it would do: the operator decides with the numbers in front of them.
        const plan = await planReset(t.store, eventId);
        return { report: plan, lines: formatResetPlan(plan, t.label), exitCode: 1 };
      }
      const result = await resetEvent(t, eventId);
      return { report: result, lines: formatReset(result) };
    },
  },
  audit: {
    needsId: true,
    run: async (t, eventId) => {
      const report = await auditEvent(t.store, eventId);
      return { report, lines: formatAudit(report, t.label), exitCode: report.clean ? 0 : 4 };
    },
  },
  'list-orders': {
    needsId: false,
    run: async (t) => {
      const listed = await listEveryOrder(t.store);
      return { report: { listed }, lines: [`${listed} orders listed on their buyers' items (${t.label})`] };
    },
  },
};

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { stack: { type: 'string' }, json: { type: 'boolean' }, yes: { type: 'boolean' } },
  });
  const [name, id] = positionals;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command || (command.needsId && !id)) {
    console.error(USAGE);
    return 2;
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The domain code logs for CloudWatch; here the report says it all and stdout stays parseable.
  logger.setLogLevel('SILENT');
  const target = await resolveTarget(values.stack ?? process.env.TICKETDROP_STACK);
  const outcome = await command.run(target, id ?? '', values.yes ?? false);
  console.log(values.json ? JSON.stringify(outcome.report, null, 2) : outcome.lines.join('\n'));
  return outcome.exitCode ?? 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error),
    );
    process.exit(1);
  },
);
