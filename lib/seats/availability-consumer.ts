import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FREE_STATUS, SEAT_AVAILABILITY } from '../../contract/stream-consumers';
import type { DataTables } from '../constructs/data-tables';
import { streamDeadLetterQueue } from '../constructs/dead-letter-queue';
import { NodeHandler } from '../constructs/node-handler';
import { eventSourceProps } from '../constructs/stream-event-source-props';
import type { Stage } from '../stage';

export interface SeatAvailabilityProps {
  readonly stage: Stage;
  readonly tables: DataTables;
}

/**
 * Keeps the availability summary (free seat ids per event row, in the buyers table) in step with
 * the seats stream, filtered to records whose old or new image is AVAILABLE (the only ones that
 * change a free set); one invocation handles up to 100 seat changes with ≤ 2 writes per touched row.
 */
export class SeatAvailability extends Construct {
  readonly handler: NodeHandler;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SeatAvailabilityProps) {
    super(scope, id);
    this.handler = new NodeHandler(this, 'Handler', {
      stage: props.stage,
      entry: SEAT_AVAILABILITY.entry,
      description: SEAT_AVAILABILITY.description,
      timeout: Duration.seconds(30),
      environment: props.tables.tableEnvironment(),
    });
    // Writes only the summary items (reserved ids in the buyers table).
    props.tables.table('buyers').grantWriteData(this.handler.function);

    this.deadLetterQueue = streamDeadLetterQueue(this);
    this.handler.function.addEventSource(
      new DynamoEventSource(props.tables.table(SEAT_AVAILABILITY.table), {
        startingPosition: StartingPosition.LATEST,
        ...eventSourceProps(SEAT_AVAILABILITY.eventSource),
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({ dynamodb: { NewImage: { status: { S: FilterRule.isEqual(FREE_STATUS) } } } }),
          FilterCriteria.filter({ dynamodb: { OldImage: { status: { S: FilterRule.isEqual(FREE_STATUS) } } } }),
        ],
      }),
    );
  }
}
