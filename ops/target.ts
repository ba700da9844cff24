import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { TABLE_SPECS, type TableNames } from '../contract/tables';
import { type Executions, stepFunctionsExecutions } from '../lambdas/core/orders/executions';
import { type OrderWorkflow, stepFunctionsWorkflow } from '../lambdas/core/orders/order-workflow';
import { SimulatedProcessor } from '../lambdas/core/payments/simulated-processor';
import { configFromProcessEnvironment } from '../lambdas/core/platform/config';
import { createStore, type Store } from '../lambdas/core/platform/store';
import { type ReconcileSummary, reconcile, summarize } from '../lambdas/core/reconcile/reconciler';
import { constructIdFor } from '../lib/constructs/data-tables';
import { PROJECT_ROOT } from '../lib/constructs/node-handler';
import { ENDPOINTS_FILE, readEndpoints } from '../local/endpoints-file';
import { localSecret } from '../local/local-secrets';

/**
 * Which TicketDrop the operator commands act on:
 *   --stack <name> / TICKETDROP_STACK=<name>   a deployed stack: table names and the state machine
 *                                              from its outputs (AWS CLI `describe-stacks`, your
 *                                              credentials and region)
 *   otherwise                                  the running `npm start`, via <data dir>/endpoints.json
 */

export interface OpsTarget {
  readonly label: string;
  readonly store: Store;
  readonly executions: Executions;
  /** The order flow as the buyer API reaches it (the reset cancels open orders through it). */
  readonly workflow: OrderWorkflow;
  readonly processor: SimulatedProcessor;
  /**
   * One reconciler run: in this process against the local stack; on AWS by invoking the deployed
   * reconciler function (it holds the ticket key and the IAM rights the run needs).
   */
  reconcile(): Promise<ReconcileSummary>;
}

export async function resolveTarget(
  stackName: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OpsTarget> {
  return stackName
    ? deployedTarget(stackName)
    : localTarget(env.TICKETDROP_DATA_DIR ?? join(PROJECT_ROOT, '.ticketdrop'));
}

async function localTarget(dataDir: string): Promise<OpsTarget> {
  const endpoints = await readEndpoints(dataDir);
  if (!endpoints)
    throw new Error(
      `No ${join(dataDir, ENDPOINTS_FILE)}: start the local stack (npm start), or pass --stack <name> for a deployed one.`,
    );
  if (!isAlive(endpoints.pid))
    throw new Error(
      `The local stack that wrote ${ENDPOINTS_FILE} (pid ${endpoints.pid}) is gone: start it again (npm start).`,
    );
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamodbEndpoint, region: endpoints.region, credentials });
  const sfn = new SFNClient({ endpoint: endpoints.url, region: endpoints.region, credentials });
  const base = target(`local stack ${endpoints.url}`, dynamo, sfn, endpoints.tables, endpoints.stateMachineArn);
  return {
    ...base,
    reconcile: async () =>
      summarize(await reconcile({ ...base, ticketSigningKey: () => localSecret(dataDir, 'ticket-signing-key') })),
  };
}

async function deployedTarget(stackName: string): Promise<OpsTarget> {
  const outputs = await stackOutputs(stackName);
  const output = (key: string) => {
    const value = outputs[key];
    if (!value)
      throw new Error(`Stack ${stackName} has no output ${key}: is it a TicketDrop stack, deployed with this version?`);
    return value;
  };
  const tables = Object.fromEntries(
    TABLE_SPECS.map((spec) => [spec.id, output(`${constructIdFor(spec.id)}Name`)]),
  ) as TableNames;
  const base = target(
    `stack ${stackName}`,
    new DynamoDBClient({}),
    new SFNClient({}),
    tables,
    output('OrderStateMachineArn'),
  );
  return { ...base, reconcile: () => invokeReconciler(output('ReconcilerFunctionName')) };
}

function target(
  label: string,
  dynamo: DynamoDBClient,
  sfn: SFNClient,
  tables: TableNames,
  stateMachineArn: string,
): Omit<OpsTarget, 'reconcile'> {
  const store = createStore(dynamo, tables);
  return {
    label,
    store,
    executions: stepFunctionsExecutions(sfn, stateMachineArn),
    workflow: stepFunctionsWorkflow(sfn, stateMachineArn),
    // Refunds and ledger reads only: the simulator's settings are the operator's environment's (or the defaults).
    processor: new SimulatedProcessor(store, configFromProcessEnvironment().paymentSimulator),
  };
}

/** Runs the deployed reconciler once and returns its answer (AWS CLI, your credentials). */
async function invokeReconciler(functionName: string): Promise<ReconcileSummary> {
  const dir = await mkdtemp(join(tmpdir(), 'ticketdrop-reconcile-'));
  try {
    const out = join(dir, 'answer.json');
    await promisify(execFile)('aws', [
      'lambda',
      'invoke',
      '--function-name',
      functionName,
      '--cli-read-timeout',
      '70',
      out,
    ]);
    return JSON.parse(await readFile(out, 'utf8')) as ReconcileSummary;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The stack's outputs, through the AWS CLI (no CloudFormation SDK client in this project). */
async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)('aws', [
    'cloudformation',
    'describe-stacks',
    '--stack-name',
    stackName,
    '--query',
    'Stacks[0].Outputs',
    '--output',
    'json',
  ]);
  const outputs = JSON.parse(stdout) as { OutputKey: string; OutputValue: string }[] | null;
  return Object.fromEntries((outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
