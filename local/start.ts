/**
 * `npm start`: the whole product on this machine. One URL, Ctrl-C stops everything.
 *
 *   PORT=8080 npm start                 choose the port (default 3000, or a free one if taken)
 *   TICKETDROP_DATA_DIR=/tmp/td npm start   keep data elsewhere (default .ticketdrop/)
 *   TICKETDROP_CACHE_DIR=/tmp/c npm start   keep the synthesized-template cache elsewhere (default .ticketdrop/cache/)
 *   SESSION_LIMIT=50 npm start          the abuse limits, as a Lambda's environment carries them (on by
 *                                       default: contract/request-limits.ts; SESSION_LIMIT_WINDOW_SECONDS,
 *                                       QUEUE_JOIN_LIMIT, QUEUE_JOIN_LIMIT_WINDOW_SECONDS)
 *
 * It builds the page first when it is stale (lib/web/frontend-build.ts), while the stack starts.
 */
import { join, relative } from 'node:path';
import { REQUEST_LIMIT_ENV } from '../contract/request-limits';
import { ensureFrontendBuilt } from '../lib/web/frontend-build';
import { DEMO_EVENT, DEMO_QUEUE_EVENT } from './demo-events';
import { removeEndpoints, writeEndpoints } from './endpoints-file';
import { isPortFree } from './free-port';
import { type LocalStack, PROJECT_ROOT, startLocalStack } from './local-stack';

const DEFAULT_PORT = 3000;

async function main(): Promise<void> {
  // Node 20 is supported here; the SDK's notice about its future Node 22 floor is noise at start.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = process.env.TICKETDROP_DATA_DIR ?? join(PROJECT_ROOT, '.ticketdrop');
  const port = await choosePort(process.env.PORT);
  console.log('Starting TicketDrop locally (DynamoDB Local takes a few seconds)…');
  const stack = await startLocalStack({
    dataDir,
    port,
    environment: requestLimitSettings(process.env),
    readyAfter: buildFrontendIfStale(),
  });
  stopOnSignals(stack, dataDir);
  // For the operator commands (npm run order / stuck / winners / reset-event).
  await writeEndpoints(dataDir, {
    url: stack.url,
    dynamodbEndpoint: stack.dynamo.endpoint,
    region: 'us-east-1',
    tables: stack.tables,
    stateMachineArn: stack.stateMachineArn,
    pid: process.pid,
  });

  console.log(
    stack.templateReused
      ? 'Reused the synthesized CDK template (nothing it is made of changed since it was cached).'
      : 'Synthesized the CDK app (no cached template, or lib/ changed); the next start reuses it.',
  );
  const inside = relative(process.cwd(), dataDir);
  const shownDataDir = inside && !inside.startsWith('..') ? inside : dataDir;
  console.log(
    [
      '',
      `  TicketDrop is ready: ${stack.url}`,
      '',
      `  frontend + HTTP API   ${stack.url}  (try ${stack.url}/api/events/${DEMO_EVENT.eventId})`,
      `  live updates          ${stack.webSocketUrl}  (the WebSocket API)`,
      `  DynamoDB Local        ${stack.dynamo.endpoint}  (pid ${stack.dynamo.pid}, data in ${shownDataDir}/)`,
      `  demo events           ${DEMO_EVENT.name}: ${DEMO_EVENT.rows} rows × ${DEMO_EVENT.seatsPerRow} seats  ${stack.url}/events/${DEMO_EVENT.eventId}`,
      `                        ${DEMO_QUEUE_EVENT.name}: waiting room, ${DEMO_QUEUE_EVENT.waitingRoom.maxActivePurchasers} buyers at a time  ${stack.url}/events/${DEMO_QUEUE_EVENT.eventId}`,
      `  console and door      ${stack.url}/admin  (sign in with the admin key in ${shownDataDir}/admin-key)`,
      `                        ${stack.url}/outbox  (the e-mails and SMS sent, with each order's tickets link)`,
      `  order state machine   ${stack.stateMachineArn}`,
      `                        (Step Functions API on ${stack.url}, e.g. AWS_ENDPOINT_URL_SFN=${stack.url} aws stepfunctions list-executions …)`,
      ...limitLines(stack),
      ...faultLines(stack),
      ...recoveryLines(stack),
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

/**
 * The abuse limits' variables of this process's environment (the same names a Lambda's
 * environment carries on AWS); the ones not given keep their defaults. A wrong value stops the start.
 */
function requestLimitSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = Object.values(REQUEST_LIMIT_ENV).flatMap(({ limit, windowSeconds }) => [limit, windowSeconds]);
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
}

/** The abuse limits in force: on by default, here as on AWS. */
function limitLines(stack: LocalStack): string[] {
  const { sessions, queueJoins, operatorSessions } = stack.platform.config.requestLimits;
  return [
    `  abuse limits          per client address: ${sessions.limit} sessions / ${sessions.windowSeconds} s, ${queueJoins.limit} waiting-room joins / ${queueJoins.windowSeconds} s, ${operatorSessions.limit} console sign-ins / ${operatorSessions.windowSeconds} s`,
    '                        (SESSION_LIMIT, QUEUE_JOIN_LIMIT, OPERATOR_SESSION_LIMIT, …_WINDOW_SECONDS; over it: 429 + Retry-After)',
  ];
}

/** The fault switch, when it is on (TICKETDROP_FAULTS=chaos): what fails how often, and the seed to repeat it. */
function faultLines(stack: LocalStack): string[] {
  const { profile, seed, rates } = stack.faults.snapshot();
  if (profile === 'off') return [];
  const shown = Object.entries(rates)
    .filter(([, rate]) => rate > 0)
    .map(([kind, rate]) => `${kind} ${Math.round(rate * 1000) / 10} %`);
  return [
    `  faults                ${profile} (TICKETDROP_FAULTS_SEED=${seed} repeats it): ${shown.join(', ')}`,
    `                        (counts: ${stack.url}/_local/faults)`,
  ];
}

/** What the reconciler's first run finished of what the last run left (executions live in memory). */
function recoveryLines(stack: LocalStack): string[] {
  const { outcomes } = stack.startupReconcile;
  if (outcomes.length === 0) return [];
  const count = (kind: string) => outcomes.filter((o) => o.kind === kind).length;
  return [
    `  reconciled            ${outcomes.length} left open by the last run: ${count('startFlow')} flow(s) restarted, ${count('finishOrder')} order(s) finished, ${outcomes.length - count('startFlow') - count('finishOrder')} other`,
    '                        (details: npm run stuck / the log; the reconciler runs every minute)',
  ];
}

/** The page, built when missing or older than its sources (as `tsx lib/web/frontend-build.ts` does). */
async function buildFrontendIfStale(): Promise<void> {
  const started = Date.now();
  try {
    if (await ensureFrontendBuilt()) console.log(`Frontend built into frontend/dist (${Date.now() - started} ms).`);
  } catch (error) {
    throw new Error(`the frontend did not build: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** An explicit PORT must be free; the default falls back to any free port. */
async function choosePort(requested: string | undefined): Promise<number> {
  if (requested !== undefined) {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`PORT must be a port number, not "${requested}"`);
    return port;
  }
  return (await isPortFree(DEFAULT_PORT)) ? DEFAULT_PORT : 0;
}

function stopOnSignals(stack: LocalStack, dataDir: string): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return; // DynamoDB Local is tied to this process and dies with it anyway
    stopping = true;
    console.log(`\n${signal}: stopping TicketDrop…`);
    Promise.all([stack.stop(), removeEndpoints(dataDir)]).then(
      () => {
        console.log('Stopped. Nothing left running.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Stopping failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`TicketDrop could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
