import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HANDLER_ENTRY_METADATA } from '../../contract/handler-entries';
import type { Stage } from '../stage';

/** Repository root: handler entries are given relative to it, and esbuild runs from it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export { HANDLER_ENTRY_METADATA };

export interface NodeHandlerProps {
  readonly stage: Stage;
  /** Handler source relative to the project root, e.g. `lambdas/api/events.ts` (exports `handler`). */
  readonly entry: string;
  readonly description?: string;
  /** Variables the handler reads, e.g. the table names from `DataTables.tableEnvironment()`. */
  readonly environment?: Record<string, string>;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /**
   * The handler reports business outcomes by throwing (a declined card for the state machine's
   * Retry/Catch), so its Errors metric is no health signal: no error alarm (throttles still are).
   */
  readonly errorsAreOutcomes?: boolean;
}

/**
 * A TypeScript Lambda handler with the project's defaults: Node.js 22 on Graviton, bundled by
 * the locally installed esbuild (no Docker), source-mapped stack traces, its own log group with
 * a stage-dependent retention.
 */
export class NodeHandler extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly errorsAreOutcomes: boolean;

  constructor(scope: Construct, id: string, props: NodeHandlerProps) {
    super(scope, id);
    this.errorsAreOutcomes = props.errorsAreOutcomes ?? false;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });
    // Its own role that may write to its own log group only, instead of the managed
    // AWSLambdaBasicExecutionRole (which may create and write any log group in the account).
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(role);
    this.function = new NodejsFunction(this, 'Function', {
      role,
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        // The bundle is minified: without this, stack traces point into one long line.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // Mappings are enough for stack traces; embedding the sources would only grow the asset.
        sourcesContent: false,
      },
    });
    // Names the handler module in the template, so the local stack can run the same function
    // from source when it executes the synthesized state machine.
    (this.function.node.defaultChild as CfnFunction).addMetadata(HANDLER_ENTRY_METADATA, props.entry);
  }
}
