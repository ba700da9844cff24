import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PaymentSimulatorConfig } from '../../../contract/order-flow-settings';
import { updateIf } from '../platform/conditional-write';
import { batchGetAll, queryAll } from '../platform/pages';
import type { Store } from '../platform/store';
import {
  type Charge,
  type ChargeLookup,
  type ChargeRequest,
  type PartialRefund,
  type PartialRefundRequest,
  PaymentDeclined,
  type PaymentProcessor,
  PaymentProcessorUnavailable,
} from './processor';

/**
 * A stand-in card processor with realistic manners: it takes its time, declines some cards at
 * random, now and then answers too late, and keeps a ledger in DynamoDB (the payments table)
 * keyed by idempotency key, so replays return the first answer, as real processors do.
 *
 * Test codes, like a processor's test cards (any other 5-digit code behaves at random):
 *   00000 always declined          11111 always approved
 *   22222 declined on attempt 1, approved after
 *   33333 answers too late on attempt 1 (after the task timeout), approved after
 *
 * One key is one pay request: a charged key replays its charge, a declined key may be tried
 * again (the next attempt), a key in flight answers "unavailable" (retry later).
 */

/** `REFUND`: an entry of its own for a partial refund (keyed by its idempotency key), not a charge. */
export type LedgerOutcome = 'PENDING' | 'CHARGED' | 'DECLINED' | 'REFUNDED' | 'REFUND';

export interface LedgerEntry {
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly outcome: LedgerOutcome;
  readonly chargeId?: string;
  readonly amountCents: number;
  /** How often the key was tried (a declined key may be tried again). */
  readonly attempts?: number;
  /** On a charge: how much of it was given back so far (partial refunds; all of it once REFUNDED). */
  readonly refundedCents?: number;
  /** On a partial refund (`REFUND`): the charge it gave part of back. */
  readonly refundOf?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

type Verdict = 'approve' | 'decline' | 'slow-approve';

export function verdictFor(
  code: string,
  attempt: number,
  config: PaymentSimulatorConfig,
  random: () => number,
): Verdict {
  switch (code) {
    case '00000':
      return 'decline';
    case '11111':
      return 'approve';
    case '22222':
      return attempt === 1 ? 'decline' : 'approve';
    case '33333':
      return attempt === 1 ? 'slow-approve' : 'approve';
    default:
      if (random() < config.slowRate) return 'slow-approve';
      return random() < config.declineRate ? 'decline' : 'approve';
  }
}

// The charge id names its ledger entry, so a refund finds it with one read.
const chargeIdFor = (idempotencyKey: string) => `ch_${Buffer.from(idempotencyKey).toString('base64url')}`;
const idempotencyKeyOf = (chargeId: string) => Buffer.from(chargeId.replace(/^ch_/, ''), 'base64url').toString();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tries of one partial refund against concurrent writes of the same charge (jittered backoff between). */
const REFUND_ATTEMPTS = 8;

/** Charges this process's simulators took and then "lost the answer" of (for fault reports). */
let lostAnswers = 0;
export const simulatedLostAnswers = (): number => lostAnswers;

export class SimulatedProcessor implements PaymentProcessor {
  constructor(
    private readonly store: Store,
    private readonly config: PaymentSimulatorConfig,
  ) {}

  async charge(request: ChargeRequest): Promise<Charge> {
    const attempt = await this.begin(request);
    if (attempt === undefined) return this.replay(request);

    const verdict = verdictFor(request.code, attempt, this.config, this.store.random);
    await sleep(verdict === 'slow-approve' ? this.config.slowLatencyMs : this.config.latencyMs);
    if (verdict === 'decline') {
      await this.settle(request.idempotencyKey, { outcome: 'DECLINED' });
      throw new PaymentDeclined(`Card declined (code ending ${request.code.slice(-2)})`);
    }
    const chargeId = chargeIdFor(request.idempotencyKey);
    await this.settle(request.idempotencyKey, { outcome: 'CHARGED', chargeId });
    if (this.config.lostAnswerRate > 0 && this.store.random() < this.config.lostAnswerRate) {
      lostAnswers++;
      throw new PaymentProcessorUnavailable(`The processor did not answer in time (charge ${request.idempotencyKey})`);
    }
    return { chargeId, amountCents: request.amountCents };
  }

  /**
   * Marks the key PENDING: a new key, or a declined one being tried again. Returns which attempt
   * at the key this is (1-based, counted on its ledger entry in the same write, as a processor
   * knows how often a key was tried — the order flow keeps no count of its own); undefined when
   * the key is charged or in flight (the caller replays it).
   */
  private async begin(request: ChargeRequest): Promise<number | undefined> {
    const now = this.store.now();
    const written = await updateIf(
      this.store,
      new UpdateCommand({
        TableName: this.store.tables.payments,
        Key: { idempotencyKey: request.idempotencyKey },
        UpdateExpression:
          'SET orderId = :orderId, outcome = :pending, amountCents = :amount, updatedAt = :now, createdAt = if_not_exists(createdAt, :now) ADD attempts :one',
        ConditionExpression: 'attribute_not_exists(idempotencyKey) OR outcome = :declined',
        ExpressionAttributeValues: {
          ':orderId': request.orderId,
          ':pending': 'PENDING',
          ':declined': 'DECLINED',
          ':amount': request.amountCents,
          ':now': now,
          ':one': 1,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return written === undefined ? undefined : Number(written.attempts ?? 1);
  }

  async lookup(idempotencyKey: string): Promise<ChargeLookup> {
    const result = await this.store.doc.send(
      new GetCommand({ TableName: this.store.tables.payments, Key: { idempotencyKey }, ConsistentRead: true }),
    );
    const entry = result.Item as LedgerEntry | undefined;
    // A partial refund's key was never a charge's (its own prefix, ticketRefundKey).
    if (!entry || entry.outcome === 'REFUND') return { idempotencyKey, status: 'NONE' };
    return {
      idempotencyKey,
      status: entry.outcome,
      orderId: entry.orderId,
      amountCents: entry.amountCents,
      ...(entry.chargeId ? { chargeId: entry.chargeId } : {}),
    };
  }

  async refund(chargeId: string): Promise<void> {
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.tables.payments,
        Key: { idempotencyKey: idempotencyKeyOf(chargeId) },
        // The rest of the charge: what partial refunds gave back before is not given twice.
        UpdateExpression: 'SET outcome = :refunded, updatedAt = :now, refundedCents = amountCents',
        ConditionExpression: 'outcome IN (:charged, :refunded)',
        ExpressionAttributeValues: { ':refunded': 'REFUNDED', ':charged': 'CHARGED', ':now': this.store.now() },
      }),
    );
  }

  /**
   * One write for both: the refund's own entry (only if its key is new) and `ADD` of its amount to
   * the charge's `refundedCents` (only while the charge is CHARGED and the sum stays within it).
   * The condition, not the read, guards the money: refunds of other tickets of the same charge
   * running at once all fit in one try each (an "unchanged since read" condition let one through
   * per round, and a crowd of them ran out of tries). A retry finds the entry and answers it;
   * a charge refunded whole meanwhile is `covered`.
   */
  async refundPart(request: PartialRefundRequest): Promise<PartialRefund> {
    const chargeKey = idempotencyKeyOf(request.chargeId);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await sleep(Math.min(500, 20 * 2 ** attempt) * (0.5 + this.store.random() / 2));
      // The charge before the refund's own entry: both are written in one transaction, so an
      // entry missing after the charge was read means the charge as read does not count it.
      const charge = await this.ledgerEntry(chargeKey);
      const done = await this.ledgerEntry(request.idempotencyKey);
      if (done) return { idempotencyKey: request.idempotencyKey, outcome: 'refunded', amountCents: done.amountCents };
      if (charge?.outcome === 'REFUNDED')
        return { idempotencyKey: request.idempotencyKey, outcome: 'covered', amountCents: 0 };
      if (charge?.outcome !== 'CHARGED')
        throw new Error(`Charge ${request.chargeId} is not charged: nothing to refund`);
      // refundedCents only grows: too much as read stays too much.
      if ((charge.refundedCents ?? 0) + request.amountCents > charge.amountCents)
        throw new Error(`Refunding ${request.amountCents} would give back more than charge ${request.chargeId} took`);
      const now = this.store.now();
      try {
        await this.store.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.store.tables.payments,
                  Item: {
                    idempotencyKey: request.idempotencyKey,
                    orderId: request.orderId,
                    outcome: 'REFUND',
                    refundOf: request.chargeId,
                    amountCents: request.amountCents,
                    createdAt: now,
                    updatedAt: now,
                  } satisfies LedgerEntry,
                  ConditionExpression: 'attribute_not_exists(idempotencyKey)',
                },
              },
              {
                Update: {
                  TableName: this.store.tables.payments,
                  Key: { idempotencyKey: chargeKey },
                  UpdateExpression: 'SET updatedAt = :now ADD refundedCents :amount',
                  ConditionExpression:
                    'outcome = :charged AND (attribute_not_exists(refundedCents) OR refundedCents <= :most)',
                  ExpressionAttributeValues: {
                    ':charged': 'CHARGED',
                    ':amount': request.amountCents,
                    ':most': charge.amountCents - request.amountCents,
                    ':now': now,
                  },
                },
              },
            ],
          }),
        );
        return { idempotencyKey: request.idempotencyKey, outcome: 'refunded', amountCents: request.amountCents };
      } catch (error) {
        // This key written meanwhile, the charge refunded whole or filled up by other refunds, or
        // (on AWS) a transaction on the charge at the same moment: read both again, which decides.
        if (!(error instanceof TransactionCanceledException) || attempt >= REFUND_ATTEMPTS) throw error;
      }
    }
  }

  private async ledgerEntry(idempotencyKey: string): Promise<LedgerEntry | undefined> {
    const result = await this.store.doc.send(
      new GetCommand({ TableName: this.store.tables.payments, Key: { idempotencyKey }, ConsistentRead: true }),
    );
    return result.Item as LedgerEntry | undefined;
  }

  /** The ledger entries of one order (for operators and tests: money taken and given back). */
  async ledgerFor(orderId: string): Promise<LedgerEntry[]> {
    return ledgerOfOrder(this.store, orderId);
  }

  private async replay(request: ChargeRequest): Promise<Charge> {
    const found = await this.lookup(request.idempotencyKey);
    switch (found.status) {
      case 'CHARGED':
      case 'REFUNDED':
        return { chargeId: found.chargeId!, amountCents: found.amountCents! };
      // DECLINED lands here too: declined again between our write and this read, the attempt may be retried.
      default:
        throw new PaymentProcessorUnavailable(`Charge ${request.idempotencyKey} is still being processed`);
    }
  }

  private async settle(idempotencyKey: string, result: { outcome: LedgerOutcome; chargeId?: string }): Promise<void> {
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.tables.payments,
        Key: { idempotencyKey },
        UpdateExpression: result.chargeId
          ? 'SET outcome = :outcome, chargeId = :chargeId, updatedAt = :now'
          : 'SET outcome = :outcome, updatedAt = :now',
        ExpressionAttributeValues: {
          ':outcome': result.outcome,
          ':now': this.store.now(),
          ...(result.chargeId ? { ':chargeId': result.chargeId } : {}),
        },
      }),
    );
  }
}

/**
 * Every ledger entry of one order: the keys from the payments table's `byOrder` index (keys only;
 * eventually consistent on AWS: an entry written a moment ago may be missing; the audit runs after
 * the fact), then the entries by key.
 */
export async function ledgerOfOrder(store: Store, orderId: string): Promise<LedgerEntry[]> {
  const keys = await queryAll<Pick<LedgerEntry, 'idempotencyKey'>>(store, {
    TableName: store.tables.payments,
    IndexName: 'byOrder',
    KeyConditionExpression: 'orderId = :orderId',
    ExpressionAttributeValues: { ':orderId': orderId },
  });
  return batchGetAll<LedgerEntry>(
    store,
    store.tables.payments,
    keys.map(({ idempotencyKey }) => ({ idempotencyKey })),
    (entry) => entry.idempotencyKey,
    (key) => String(key.idempotencyKey),
  );
}
