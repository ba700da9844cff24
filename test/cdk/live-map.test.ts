import { afterAll, describe, expect, it } from 'vitest';
import { LIVE_MAP_SWEEP_ENTRY } from '../../contract/handler-entries';
import { LIVE_MAP_SHARD_COUNT } from '../../contract/ws-routes';
import { logicalIdOf, resourcesOf, roleStatementsOf, synthStage } from '../support/cdk-synth';

/**
 * The live map on AWS beyond the stream consumer: the sweep (issue #14) — the same handler the
 * local stack's timer runs, every minute, with just the rights a run needs — and one shard count
 * for every function that shards the viewers.
 */
describe('live map (CDK)', () => {
  const { stack, template, dispose } = synthStage('dev');
  afterAll(dispose);
  const sweep = stack.liveMap.sweep.function;
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const environmentOf = (fn: Parameters<typeof logicalIdOf>[0]) =>
    (functions[logicalIdOf(fn)]!.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {};
  const actionsOf = (fn: Parameters<typeof roleStatementsOf>[1], table?: Parameters<typeof logicalIdOf>[0]) =>
    roleStatementsOf(template, fn)
      .filter((s) => !table || JSON.stringify(s.Resource).includes(logicalIdOf(table)))
      .flatMap((s) => [s.Action].flat())
      .sort();

  it('runs the sweep module every minute, without EventBridge retries (the next run is the retry)', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties?.Targets).includes(logicalIdOf(sweep)),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    expect(JSON.stringify(rules[0]!.Properties?.Targets)).toContain('"MaximumRetryAttempts":0');
    expect(functions[logicalIdOf(sweep)]!.Metadata?.['ticketdrop:entry']).toBe(LIVE_MAP_SWEEP_ENTRY);
    expect(environmentOf(sweep)).toMatchObject({
      LIVE_MAP_SHARD_FUNCTION: { Ref: logicalIdOf(stack.liveMap.shardWorker.function) },
    });
  });

  it('lets the sweep list events, read seats, get and put the map, set the availability summary right, and invoke only the shard worker', () => {
    expect(actionsOf(sweep, stack.data.table('events'))).toContain('dynamodb:Scan');
    expect(actionsOf(sweep, stack.data.table('seats'))).toEqual(['dynamodb:Query']);
    expect(actionsOf(sweep, stack.data.table('buyers'))).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
    );
    const invokes = roleStatementsOf(template, sweep).filter((s) =>
      [s.Action].flat().includes('lambda:InvokeFunction'),
    );
    expect(invokes).toHaveLength(1);
    expect(JSON.stringify(invokes[0]!.Resource)).toContain(logicalIdOf(stack.liveMap.shardWorker.function));
    expect(JSON.stringify(invokes[0]!.Resource)).not.toContain(':*');
    // It writes no seat, order or ticket.
    const writes = actionsOf(sweep).filter((a) => /PutItem|UpdateItem|DeleteItem|BatchWrite|TransactWrite/.test(a));
    for (const table of ['seats', 'orders', 'tickets', 'payments'] as const)
      expect(actionsOf(sweep, stack.data.table(table)).filter((a) => writes.includes(a))).toEqual([]);
  });

  it('gives every function that shards the viewers the same LIVE_MAP_SHARDS, from one place', () => {
    const sharding = {
      subscribe: stack.live.handlers.subscribe.function,
      disconnect: stack.live.handlers.disconnect.function,
      broadcaster: stack.broadcaster.handler.function,
      ticks: stack.liveMap.ticks.function,
      shardWorker: stack.liveMap.shardWorker.function,
      sweep,
    };
    const shards = Object.fromEntries(
      Object.entries(sharding).map(([name, fn]) => [name, environmentOf(fn).LIVE_MAP_SHARDS]),
    );
    expect(shards).toEqual(
      Object.fromEntries(Object.keys(sharding).map((name) => [name, String(LIVE_MAP_SHARD_COUNT)])),
    );
  });
});
