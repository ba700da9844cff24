import { afterEach, describe, expect, it } from 'vitest';
import { liveMapSweepIntervalFromEnv, reconcileIntervalFromEnv } from '../../local/stack-environment';

describe("the local stack's schedule periods from the environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('unset or empty: the schedule keeps its default', () => {
    delete process.env.TICKETDROP_RECONCILE_SECONDS;
    process.env.TICKETDROP_LIVE_MAP_SWEEP_SECONDS = '';
    expect(reconcileIntervalFromEnv()).toBeUndefined();
    expect(liveMapSweepIntervalFromEnv()).toBeUndefined();
  });

  it('whole seconds from 1 to 3,600, as milliseconds', () => {
    process.env.TICKETDROP_RECONCILE_SECONDS = '5';
    process.env.TICKETDROP_LIVE_MAP_SWEEP_SECONDS = '3600';
    expect(reconcileIntervalFromEnv()).toBe(5_000);
    expect(liveMapSweepIntervalFromEnv()).toBe(3_600_000);
  });

  it('anything else is refused, naming the variable', () => {
    process.env.TICKETDROP_LIVE_MAP_SWEEP_SECONDS = '0';
    expect(() => liveMapSweepIntervalFromEnv()).toThrow(
      'TICKETDROP_LIVE_MAP_SWEEP_SECONDS must be from 1 to 3600, not "0"',
    );
    process.env.TICKETDROP_RECONCILE_SECONDS = 'soon';
    expect(() => reconcileIntervalFromEnv()).toThrow('TICKETDROP_RECONCILE_SECONDS must be from 1 to 3600, not "soon"');
  });
});
