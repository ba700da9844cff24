import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type KeyAttribute, TABLE_ENV, TABLE_SPECS, type TableId, type TableSpec } from '../../contract/tables';
import type { Stage } from '../stage';

export interface DataTablesProps {
  readonly stage: Stage;
}

/**
 * TicketDrop's DynamoDB tables, one per entry of `TABLE_SPECS` (the definition the local stack
 * uses too). CloudFormation names them, so several stages can live in one account; handlers
 * learn the names from the environment (`tableEnvironment()`).
 */
export class DataTables extends Construct {
  readonly byId: Readonly<Record<TableId, dynamodb.Table>>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const tables = TABLE_SPECS.map((spec) => [spec.id, this.createTable(spec, props.stage)] as const);
    this.byId = Object.fromEntries(tables) as Record<TableId, dynamodb.Table>;
  }

  table(id: TableId): dynamodb.Table {
    return this.byId[id];
  }

  /** `{ EVENTS_TABLE: <name>, SEATS_TABLE: ..., ORDERS_TABLE: ... }` for a Lambda's environment. */
  tableEnvironment(): Record<string, string> {
    return Object.fromEntries(TABLE_SPECS.map((spec) => [TABLE_ENV[spec.id], this.byId[spec.id].tableName]));
  }

  private createTable(spec: TableSpec, stage: Stage): dynamodb.Table {
    const table = new dynamodb.Table(this, constructIdFor(spec.id), {
      partitionKey: toAttribute(spec.partitionKey),
      sortKey: spec.sortKey && toAttribute(spec.sortKey),
      // Drops are spiky and idle in between: on-demand follows the spike without capacity planning.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: spec.stream && dynamodb.StreamViewType[spec.stream],
      timeToLiveAttribute: spec.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: stage.removalPolicy,
      deletionProtection: stage.isProdLike,
    });
    for (const index of spec.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: index.sortKey && toAttribute(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection ?? 'ALL'],
      });
    }
    return table;
  }
}

/** `seats` → `SeatsTable`: a readable logical id in the template. */
export function constructIdFor(id: TableId): string {
  return `${id.charAt(0).toUpperCase()}${id.slice(1)}Table`;
}

function toAttribute(key: KeyAttribute): dynamodb.Attribute {
  const type = key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER;
  return { name: key.name, type };
}
