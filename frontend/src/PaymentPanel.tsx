import { type FormEvent, useState } from 'react';
import type { OrderView } from './types';
import { formatPrice } from './words';

const CODE = /^\d{5}$/;

/** The 5-digit payment code form, and the live payment status under it. */
export function PaymentPanel({
  order,
  disabled,
  onPay,
}: {
  order: OrderView;
  disabled: boolean;
  onPay: (code: string) => Promise<void>;
}) {
  const [code, setCode] = useState('');
  const valid = CODE.test(code);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid && !disabled) void onPay(code);
  };
  return (
    <form className="payment-form" onSubmit={submit} aria-label="Payment">
      <label htmlFor="payment-code">Payment code (5 digits)</label>
      <div className="payment-row">
        <input
          id="payment-code"
          name="code"
          inputMode="numeric"
          autoComplete="off"
          pattern="\d{5}"
          maxLength={5}
          placeholder="12345"
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 5))}
          disabled={disabled}
          aria-describedby="payment-help"
        />
        <button type="submit" className="primary" disabled={disabled || !valid}>
          Pay {formatPrice(order.amountCents, order.currency)}
        </button>
      </div>
      <p id="payment-help" className="muted small">
        Simulated card: 11111 always approves, 00000 always declines, 22222 approves on the retry.
      </p>
    </form>
  );
}

/** trying / retrying / failed / succeeded, with the attempt, in words. */
export function PaymentStatus({ order }: { order: OrderView }) {
  const { status, attempt, round, lastError } = order.payment;
  if (status === 'idle') return null;
  const attemptText = attempt > 0 ? ` (attempt ${attempt}${round > 1 ? `, payment ${round}` : ''})` : '';
  const text: Record<typeof status, string> = {
    trying: `Contacting the card processor…${attemptText}`,
    retrying: `No answer yet or declined — trying again${attemptText}${lastError ? `. Last error: ${lastError}` : ''}`,
    failed:
      order.status === 'HOLDING'
        ? `Payment failed${lastError ? `: ${lastError}` : ''}. Your seats are still held — try again before the timer runs out.`
        : `Payment failed${lastError ? `: ${lastError}` : ''}.`,
    succeeded: order.status === 'CONFIRMED' ? 'Payment approved.' : 'Payment approved — issuing your tickets…',
  };
  return (
    <p
      className={`payment-status payment-status--${status}`}
      data-testid="payment-status"
      data-payment-status={status}
      role="status"
      aria-live="polite"
    >
      {(status === 'trying' || status === 'retrying') && <span className="spinner" aria-hidden="true" />}
      {text[status]}
    </p>
  );
}
