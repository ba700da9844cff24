import {
  FAULT_KINDS,
  type FaultKind,
  type FaultOption,
  type FaultProfile,
  type ResolvedFaults,
  resolveFaults,
} from './fault-settings';
import { hash32, seededRandom } from './seeded-random';

/**
 * The running fault switch: draws, per kind, whether an opportunity fails (seeded, one stream of
 * draws per kind, so changing one rate leaves the other kinds' draws as they were), counts what it
 * injected, and keeps the stream batches given up on (the local dead-letter list).
 */

/** Counts kept outside the switch: the simulated processor counts its own lost answers. */
export interface FaultCounters {
  /** Process-wide count of charges whose answer was lost (the simulator's `simulatedLostAnswers`). */
  readonly paymentLostAnswers?: () => number;
}

/** A stream batch Lambda's event source mapping gave up on (on AWS: a message on the on-failure queue). */
export interface DeadLetter {
  /** The consumer, e.g. `broadcaster` or `order-endings`. */
  readonly consumer: string;
  readonly streamArn: string;
  /** Why it was given up: retries exhausted, or records older than the maximum record age. */
  readonly reason: 'RetriesExhausted' | 'RecordTooOld';
  /** The records' keys (DynamoDB JSON), in stream order. */
  readonly keys: readonly Record<string, unknown>[];
  readonly firstSequenceNumber?: string;
  readonly lastSequenceNumber?: string;
  readonly at: string;
}

export interface FaultSnapshot {
  readonly profile: FaultProfile;
  readonly seed: number;
  /** The rates in force, by kind. */
  readonly rates: Record<FaultKind, number>;
  /** Faults injected so far, by kind (every kind present). */
  readonly counts: Record<FaultKind, number>;
  /** Stream batches given up on (the dead-letter list's length). */
  readonly deadLettered: number;
}

/** The switch as tests and the stack's `/_local/faults` see it (`stack.faults`). */
export interface LocalFaults {
  snapshot(): FaultSnapshot;
  /** New settings from now on (tests switch faults on after their setup, and off again). */
  set(option: FaultOption): void;
  readonly deadLetters: readonly DeadLetter[];
}

/** The environment variable the simulated processor reads for `payment.lostAnswer`. */
export const PAYMENT_LOST_ANSWER_RATE_ENV = 'PAYMENT_LOST_ANSWER_RATE';
/** Names refused once are remembered so a later start with the same name works; bounded. */
const MAX_REMEMBERED_START_NAMES = 100_000;

export interface FaultSwitchOptions {
  readonly counters?: FaultCounters;
  /** Where handler configuration goes (process.env in the local stack). */
  readonly environment?: Record<string, string | undefined>;
  /** The environment TICKETDROP_FAULTS / TICKETDROP_FAULTS_SEED are read from (default process.env). */
  readonly settingsEnvironment?: Readonly<Record<string, string | undefined>>;
}

export class FaultSwitch implements LocalFaults {
  private faults!: ResolvedFaults;
  private readonly draws = new Map<FaultKind, () => number>();
  private readonly counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  private readonly deadLetterList: DeadLetter[] = [];
  private readonly startNamesSeen = new Set<string>();
  /** Lost answers the processor had counted when this switch started (its count is process-wide). */
  private lostAnswersBefore = 0;

  constructor(
    option: FaultOption | undefined,
    private readonly options: FaultSwitchOptions = {},
  ) {
    this.lostAnswersBefore = options.counters?.paymentLostAnswers?.() ?? 0;
    this.apply(option, true);
  }

  get profile(): FaultProfile {
    return this.faults.profile;
  }

  get enabled(): boolean {
    return FAULT_KINDS.some((kind) => this.faults.rates[kind] > 0);
  }

  /** Whether any of these kinds can fail now (a rate above 0). */
  injectsAny(kinds: readonly FaultKind[]): boolean {
    return kinds.some((kind) => this.faults.rates[kind] > 0);
  }

  set(option: FaultOption): void {
    this.apply(option, typeof option === 'object' && option.seed !== undefined);
  }

  snapshot(): FaultSnapshot {
    const lostAnswers = (this.options.counters?.paymentLostAnswers?.() ?? 0) - this.lostAnswersBefore;
    return {
      profile: this.faults.profile,
      seed: this.faults.seed,
      rates: { ...this.faults.rates },
      counts: { ...this.counts, 'payment.lostAnswer': this.counts['payment.lostAnswer'] + Math.max(0, lostAnswers) },
      deadLettered: this.deadLetterList.length,
    };
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.deadLetterList;
  }

  /** Whether this opportunity of `kind` fails; counted when it does. */
  draw(kind: FaultKind): boolean {
    const rate = this.faults.rates[kind];
    if (!(rate > 0)) return false;
    if (this.random(kind)() >= rate) return false;
    this.counts[kind] += 1;
    return true;
  }

  /** A second, uncounted draw of the same kind's stream (e.g. "before or after the handler ran"). */
  coin(kind: FaultKind): boolean {
    return this.random(kind)() < 0.5;
  }

  /** `lambda.timeout` for one step invocation, limited to the configured states if any. */
  drawLambdaTimeout(stateName: string): boolean {
    const states = this.faults.lambdaStates;
    if (states && !states.includes(stateName)) return false;
    return this.draw('lambda.timeout');
  }

  /**
   * `sfn.startFailed`: only the first StartExecution of a name can be refused, so the same start
   * later (the reconciler's, under the order id) works — as when the creating Lambda died before it.
   */
  drawStartFailure(executionName: string): boolean {
    if (this.startNamesSeen.has(executionName)) return false;
    if (this.startNamesSeen.size >= MAX_REMEMBERED_START_NAMES) this.startNamesSeen.clear();
    this.startNamesSeen.add(executionName);
    return this.draw('sfn.startFailed');
  }

  /**
   * `stream.batchFailed` for one delivery of a stream batch: fails before the handler runs, or
   * after it ran (its work done, its answer lost — the batch is delivered again, as on AWS);
   * limited to the configured consumers if any (`streamConsumers`).
   */
  drawBatchFailure(consumer: string): 'before' | 'after' | undefined {
    const consumers = this.faults.streamConsumers;
    if (consumers && !consumers.includes(consumer)) return undefined;
    if (!this.draw('stream.batchFailed')) return undefined;
    return this.faults.streamFailure ?? (this.coin('stream.batchFailed') ? 'before' : 'after');
  }

  deadLetter(letter: DeadLetter): void {
    this.deadLetterList.push(letter);
  }

  private random(kind: FaultKind): () => number {
    let random = this.draws.get(kind);
    if (!random) {
      random = seededRandom(this.faults.seed ^ hash32(kind));
      this.draws.set(kind, random);
    }
    return random;
  }

  private apply(option: FaultOption | undefined, reseed: boolean): void {
    const previousSeed = this.faults?.seed;
    this.faults = resolveFaults(option, this.options.settingsEnvironment ?? process.env, previousSeed ?? randomSeed());
    // Without a new seed the draws carry on where they were; a new seed starts every stream afresh.
    if (reseed || previousSeed === undefined || previousSeed !== this.faults.seed) this.draws.clear();
    const environment = this.options.environment ?? process.env;
    environment[PAYMENT_LOST_ANSWER_RATE_ENV] = String(this.faults.rates['payment.lostAnswer']);
  }
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
