import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FINAL_ORDER_STATUSES, ORDER_ENDINGS } from '../../contract/stream-consumers';
import type { DataTables } from '../constructs/data-tables';
import { streamDeadLetterQueue } from '../constructs/dead-letter-queue';
import { NodeHandler } from '../constructs/node-handler';
import { eventSourceProps } from '../constructs/stream-event-source-props';
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
    this.handler = new NodeHandler(this, 'Handler', {
      stage: props.stage,
      entry: ORDER_ENDINGS.entry,
      description: ORDER_ENDINGS.description,
      timeout: Duration.seconds(30),
      environment: props.tables.tableEnvironment(),
    });
    const fn = this.handler.function;
    // Reads the event's room settings and the orders of lapsed slots; moves the queue.
    props.tables.table('events').grantReadData(fn);
    props.tables.table('orders').grantReadData(fn);
    props.tables.table('buyers').grantReadWriteData(fn);
    props.tables.table('waitingRooms').grantReadWriteData(fn);

    this.deadLetterQueue = streamDeadLetterQueue(this);
    fn.addEventSource(
      new DynamoEventSource(props.tables.table(ORDER_ENDINGS.table), {
        startingPosition: StartingPosition.LATEST,
        ...eventSourceProps(ORDER_ENDINGS.eventSource),
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({ dynamodb: { NewImage: { status: { S: FilterRule.or(...FINAL_ORDER_STATUSES) } } } }),
        ],
      }),
    );
  }
}
