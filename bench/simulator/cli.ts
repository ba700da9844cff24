/**
 * `npm run simulate -- --buyers 1000 --seats 100 …`: a ticket drop against the local stack
 * (started in its own process) or any running stack (`--url`), through the public API only.
 * Exit code 0 = verdict OK; 1 = oversell or something left open; 2 = usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDrop, type Target } from './drop';
import { type CliOptions, parseOptions, USAGE, UsageError } from './options';
import { formatReport, progressLine, toJson } from './report';
import { startStackFor } from './stack-process';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let stop: (() => Promise<void>) | undefined;
  let target: Target;
  if (options.url) {
    const local = /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(options.url);
    const keyFile = join(process.cwd(), '.ticketdrop', 'admin-key');
    const adminKey =
      options.adminKey ?? (local && existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
    const config: { websocketUrl?: string } = await fetch(`${options.url}/config.json`)
      .then((r) => (r.ok ? (r.json() as Promise<{ websocketUrl?: string }>) : {}))
      .catch(() => ({}));
    target = {
      url: options.url,
      webSocketUrl: config.websocketUrl ?? `${options.url.replace(/^http/, 'ws')}/ws`,
      ...(adminKey ? { adminKey } : {}),
      ...(options.stateMachineArn
        ? { stateMachineArn: options.stateMachineArn, ...(local ? { stepFunctionsEndpoint: options.url } : {}) }
        : {}),
      processorConfigured: false,
    };
    if (local)
      log(`Note: the processor of a running stack keeps its own settings; declines use test cards 00000/11111.`);
    log(
      'Note: the target keeps its own abuse limits (sessions and waiting-room joins per client address, on by default): ' +
        'raise them there (e.g. SESSION_LIMIT=10000000 QUEUE_JOIN_LIMIT=10000000 npm start) or buyers past them fail with 429.',
    );
  } else {
    log('Starting the local stack in its own process (DynamoDB Local, API, WebSocket, state machine)…');
    const local = await startStackFor(options);
    stop = local.stop;
    target = local.target;
    log(`Local stack on ${local.endpoints.url} (pid ${local.pid})`);
  }
  const tty = process.stderr.isTTY === true;
  let lastPlain = 0;
  try {
    const result = await runDrop(
      options,
      target,
      options.progress
        ? (p) => {
            if (tty) process.stderr.write(`\r\x1b[2K${progressLine(p)}`);
            else if (p.elapsedSeconds - lastPlain >= 2 || p.done === p.buyers) {
              lastPlain = p.elapsedSeconds;
              log(progressLine(p, 20));
            }
          }
        : undefined,
    );
    if (tty && options.progress) process.stderr.write('\n');
    console.log(options.json ? toJson(result) : formatReport(result, { winners: options.winners }));
    return result.verdict.ok ? 0 : 1;
  } finally {
    await stop?.();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
