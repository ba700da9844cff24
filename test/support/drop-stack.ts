import { RAISED_REQUEST_LIMITS } from '../../contract/request-limits';
import type { FaultOption } from '../../local/faults/fault-settings';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { FAST_SIMULATOR_ENV, TEST_SESSION_KEY } from './api-client';

/**
 * A local stack for a simulated drop under faults (the chaos drops, the dead-lettered live map):
 * the reconciler and the live-map sweep every 3 s, so stragglers and maps a lost stream batch left
 * behind are finished well inside a drop's deadline (issue #14), and the per-address limits raised,
 * since every simulated buyer comes from 127.0.0.1 (as the simulator does).
 */
export function startDropStack(faults: FaultOption): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    faults,
    reconcileIntervalMs: 3_000,
    liveMapSweepIntervalMs: 3_000,
    requestLimits: RAISED_REQUEST_LIMITS,
    environment: {
      SESSION_SIGNING_KEY: TEST_SESSION_KEY,
      ...FAST_SIMULATOR_ENV,
      PAYMENT_LATENCY_MS: '20',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
}
