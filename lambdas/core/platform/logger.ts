import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured JSON logger. Handlers append `eventId` / `orderId` keys so an operator can
 * follow one order through every log line. Level from POWERTOOLS_LOG_LEVEL (default INFO).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ticketdrop' });
