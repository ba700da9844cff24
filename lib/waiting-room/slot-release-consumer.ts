import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FINAL_ORDER_STATUSES, ORDER_ENDINGS } from '../../contract/stream-consumers';
import type { DataTables } from '../constructs/data-tables';
import type { NodeHandler } from '../constructs/node-handler';
import { addStreamConsumer } from '../constructs/stream-consumer';
import type { Stage } from '../stage';

export interface OrderEndingsProps {
  readonly stage: Stage;
  readonly tables: DataTables;
}

/**
 * Frees waiting-room slots as orders end. Lambda filters the orders stream to records whose new
 * status is final, so the function runs once per ended order, not once per order write.
 */
export class OrderEndings extends Construct {
  readonly handler: NodeHandler;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OrderEndingsProps) {
    super(scope, id);
    const parts = addStreamConsumer(this, {
      ...props,
      entry: ORDER_ENDINGS.entry,
      description: ORDER_ENDINGS.description,
      sources: [ORDER_ENDINGS.table],
      eventSource: ORDER_ENDINGS.eventSource,
      filters: [
        FilterCriteria.filter({ dynamodb: { NewImage: { status: { S: FilterRule.or(...FINAL_ORDER_STATUSES) } } } }),
      ],
    });
    this.handler = parts.handler;
    this.deadLetterQueue = parts.deadLetterQueue;
    const fn = this.handler.function;
    // Reads the event's room settings and the orders of lapsed slots; moves the line.
    props.tables.table('events').grantReadData(fn);
    props.tables.table('orders').grantReadData(fn);
    props.tables.table('buyers').grantReadWriteData(fn);
    props.tables.table('waitingRooms').grantReadWriteData(fn);
  }
}
