import { FilterCriteria, FilterRule } from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FREE_STATUS, SEAT_AVAILABILITY } from '../../contract/stream-consumers';
import type { DataTables } from '../constructs/data-tables';
import type { NodeHandler } from '../constructs/node-handler';
import { addStreamConsumer } from '../constructs/stream-consumer';
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
    const parts = addStreamConsumer(this, {
      ...props,
      entry: SEAT_AVAILABILITY.entry,
      description: SEAT_AVAILABILITY.description,
      sources: [SEAT_AVAILABILITY.table],
      eventSource: SEAT_AVAILABILITY.eventSource,
      filters: [
        FilterCriteria.filter({ dynamodb: { NewImage: { status: { S: FilterRule.isEqual(FREE_STATUS) } } } }),
        FilterCriteria.filter({ dynamodb: { OldImage: { status: { S: FilterRule.isEqual(FREE_STATUS) } } } }),
      ],
    });
    this.handler = parts.handler;
    this.deadLetterQueue = parts.deadLetterQueue;
    // Writes only the summary items (reserved ids in the buyers table).
    props.tables.table('buyers').grantWriteData(this.handler.function);
  }
}
