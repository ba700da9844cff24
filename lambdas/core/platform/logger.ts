import { Logger } from '@aws-lambda-powertools/logger';
import { logServiceName } from './config';

/**
 * The one structured JSON logger. Handlers append `eventId` / `orderId` keys so an operator can
 * follow one order through every log line. Level from POWERTOOLS_LOG_LEVEL (default INFO), read
 * by Powertools itself; the local stack applies its configuration's level.
 */
export const logger = new Logger({ serviceName: logServiceName() });
