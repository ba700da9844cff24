import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../core/platform/logger';
import { applyAvailabilityChanges, availabilityChanges } from '../core/seats/availability';
import { fromEnvironment, type Platform } from '../wiring/platform';

/** Seats-stream consumer: keeps the availability summary (free seats per row) in step with the seats. */
export function createHandler(platform: Pick<Platform, 'store'>) {
  return async (event: DynamoDBStreamEvent): Promise<void> => {
    const changes = availabilityChanges(event.Records);
    if (changes.length === 0) return;
    await applyAvailabilityChanges(platform.store, changes);
    logger.debug('Updated the availability summary', { rows: changes.length });
  };
}

export const handler = fromEnvironment(createHandler);
