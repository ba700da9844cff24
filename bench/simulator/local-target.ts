import { RAISED_REQUEST_LIMITS } from '../../contract/request-limits';
import type { LocalStack } from '../../local/local-stack';
import { localMeter, SdkMeter } from './aws-meter';
import type { Target } from './drop';
import { type DropOptions, processorEnvironment } from './options';

/** The local reconciler's period in a chaos drop (its default is AWS's one minute). */
export const CHAOS_RECONCILE_MS = 5_000;
/**
 * The local live-map sweep's period in a chaos drop (its default is AWS's one minute): a map whose
 * last stream batch was dead-lettered is repaired within seconds, so the losers waiting for their
 * board to show the seats sold finish well before the drop's deadline.
 */
export const CHAOS_SWEEP_MS = 5_000;

/** The one line every in-process run prints (on stderr: a `--json` summary stays the last output on stdout). */
export const LIMITS_RAISED_NOTE =
  'Abuse limits raised for this run (every simulated buyer comes from 127.0.0.1): sessions and waiting-room joins per address are not limited.';

/**
 * The local stack started in this process, its SDK calls metered. The simulator and the
 * benchmarks start the stack in its own process instead (stack-process.ts), so that the load
 * generator does not take the stack's CPU; this one stays for runs that want one process.
 * The stack's processor gets the drop's settings.
 * Its abuse limits are raised (`raiseRequestLimits`, default true): all simulated buyers share
 * one address, which the limits would otherwise stop after a handful of sessions. The run says so.
 */
export async function startInProcessTarget(
  options: Pick<DropOptions, 'declineRate' | 'paymentLatencyMs' | 'slowRate' | 'notificationLatencyMs'> &
    Partial<Pick<DropOptions, 'chaos' | 'seed'>> & { readonly raiseRequestLimits?: boolean },
): Promise<{ target: Target; stack: LocalStack; stop: () => Promise<void> }> {
  // Before the stack's modules load: their logger reads the level once.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  // The fault switch reads these when the stack starts (local/faults): a seeded chaos profile.
  if (options.chaos) {
    process.env.TICKETDROP_FAULTS = 'chaos';
    if (options.seed !== undefined) process.env.TICKETDROP_FAULTS_SEED = String(options.seed);
  }
  const sdkMeter = new SdkMeter().install();
  const { startLocalStack } = await import('../../local/local-stack');
  // Under chaos, stragglers are finished by the reconciler: run it more often than AWS's minute.
  const stack = await startLocalStack({
    port: 0,
    environment: processorEnvironment(options as DropOptions),
    ...(options.chaos ? { reconcileIntervalMs: CHAOS_RECONCILE_MS, liveMapSweepIntervalMs: CHAOS_SWEEP_MS } : {}),
    ...(options.raiseRequestLimits === false ? {} : { requestLimits: RAISED_REQUEST_LIMITS }),
  });
  if (options.raiseRequestLimits !== false) console.error(LIMITS_RAISED_NOTE);
  return {
    stack,
    target: { ...targetOf(stack), meter: localMeter(sdkMeter) },
    stop: async () => {
      await stack.stop();
      sdkMeter.uninstall();
    },
  };
}

/** What a drop needs of a local stack (the in-process one here, or one a test started). */
export function targetOf(stack: LocalStack): Target {
  return {
    url: stack.url,
    webSocketUrl: stack.webSocketUrl,
    adminKey: stack.adminKey,
    stateMachineArn: stack.stateMachineArn,
    stepFunctionsEndpoint: stack.url,
    processorConfigured: true,
    store: stack.store,
  };
}
