/**
 * What the local stack's fault switch can do, and how a profile or the environment says how much
 * of it. Pure: no I/O, so the rules are unit-tested on their own.
 *
 *   TICKETDROP_FAULTS=off|chaos      (default off)
 *   TICKETDROP_FAULTS_SEED=<integer> (default: a random seed, reported so a run can be repeated)
 */

/** Every fault the local stack can inject (the exact strings of the shared contract). */
export const FAULT_KINDS = [
  'dynamodb.throttle',
  'dynamodb.error',
  'lambda.timeout',
  'payment.lostAnswer',
  'sfn.startFailed',
  'stream.batchFailed',
  'api.crash',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  /** Seed of the draws; the same seed gives the same sequence of draws per kind. */
  readonly seed?: number;
  /** Share (0..1) of the opportunities of each kind that fail; a kind not listed never fails. */
  readonly rates: Partial<Record<FaultKind, number>>;
  /** Limit `lambda.timeout` to these Task state names (e.g. ['IssueTickets']); all states if absent. */
  readonly lambdaStates?: readonly string[];
  /** Limit `stream.batchFailed` to these stream consumers (e.g. ['seat-map-ticks']); all consumers if absent. */
  readonly streamConsumers?: readonly string[];
  /**
   * When a failed stream batch fails: always before its handler ran (nothing done: a batch that runs
   * out of retries is lost to the consumer), always after, or (absent) half of each.
   */
  readonly streamFailure?: 'before' | 'after';
}

export type FaultProfileName = 'off' | 'chaos';
/** A profile by name, or explicit settings (reported as the profile `custom`). */
export type FaultOption = FaultProfileName | FaultSettings;
export type FaultProfile = FaultProfileName | 'custom';

/**
 * The `chaos` profile: moderate rates, so a 400-buyer drop (≈ thousands of DynamoDB calls, a few
 * thousand step invocations, ≈ 1,000 API requests, a few hundred stream batches) sees several
 * faults of every kind while most orders still get through. A throttle is retried by the SDK (up to
 * 3 attempts), so 5 % per call rarely surfaces; a 1 % server error the same.
 */
export const CHAOS_RATES: Readonly<Record<FaultKind, number>> = {
  'dynamodb.throttle': 0.05,
  'dynamodb.error': 0.01,
  'lambda.timeout': 0.03,
  'payment.lostAnswer': 0.05,
  'sfn.startFailed': 0.05,
  'stream.batchFailed': 0.05,
  'api.crash': 0.02,
};

export const FAULTS_ENV = 'TICKETDROP_FAULTS';
export const FAULTS_SEED_ENV = 'TICKETDROP_FAULTS_SEED';

export interface ResolvedFaults {
  readonly profile: FaultProfile;
  readonly seed: number;
  readonly rates: Readonly<Record<FaultKind, number>>;
  readonly lambdaStates?: readonly string[];
  readonly streamConsumers?: readonly string[];
  readonly streamFailure?: 'before' | 'after';
}

const NO_FAULTS = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;

/**
 * The faults in force: the option if given, otherwise `TICKETDROP_FAULTS`; the seed from the
 * settings, else `TICKETDROP_FAULTS_SEED`, else `fallbackSeed`. Throws for an unknown profile, a
 * rate outside 0..1, an unknown kind or a seed that is not an integer — a typo must not silently
 * run without faults.
 */
export function resolveFaults(
  option: FaultOption | undefined,
  env: Readonly<Record<string, string | undefined>>,
  fallbackSeed: number,
): ResolvedFaults {
  const chosen = option ?? profileFromEnv(env[FAULTS_ENV]);
  const envSeed = seedFromEnv(env[FAULTS_SEED_ENV]);
  if (chosen === 'off') return { profile: 'off', seed: envSeed ?? fallbackSeed, rates: NO_FAULTS };
  if (chosen === 'chaos') return { profile: 'chaos', seed: envSeed ?? fallbackSeed, rates: { ...CHAOS_RATES } };
  const seed = chosen.seed ?? envSeed ?? fallbackSeed;
  if (!Number.isInteger(seed)) throw new Error(`A fault seed must be an integer, not ${seed}`);
  for (const [kind, rate] of Object.entries(chosen.rates)) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      throw new Error(`Unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(', ')})`);
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new Error(`The rate of ${kind} must be between 0 and 1, not ${rate}`);
  }
  return {
    profile: 'custom',
    seed,
    rates: { ...NO_FAULTS, ...chosen.rates },
    ...(chosen.lambdaStates ? { lambdaStates: [...chosen.lambdaStates] } : {}),
    ...(chosen.streamConsumers ? { streamConsumers: [...chosen.streamConsumers] } : {}),
    ...(chosen.streamFailure ? { streamFailure: chosen.streamFailure } : {}),
  };
}

function profileFromEnv(value: string | undefined): FaultProfileName {
  const name = (value ?? '').trim().toLowerCase();
  if (name === '' || name === 'off') return 'off';
  if (name === 'chaos') return 'chaos';
  throw new Error(`${FAULTS_ENV} must be "off" or "chaos", not "${value}"`);
}

function seedFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`${FAULTS_SEED_ENV} must be an integer, not "${value}"`);
  return seed;
}
