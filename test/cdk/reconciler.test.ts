import { afterAll, describe, expect, it } from 'vitest';
import { RECONCILER_ENTRY } from '../../lib/orders/reconciler-schedule';
import { logicalIdOf, resourcesOf, roleStatementsOf, synthStage } from '../support/cdk-synth';

/** The reconciler on AWS: the same handler the local stack's timer runs, every minute, with just the rights a run needs. */
describe('reconciler (CDK)', () => {
  const { stack, template, dispose } = synthStage('dev');
  afterAll(dispose);
  const fn = stack.reconciler.handler.function;

  it('runs the shared handler module every minute, without EventBridge retries (the next run is the retry)', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties?.Targets).includes(logicalIdOf(fn)),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    expect(JSON.stringify(rules[0]!.Properties?.Targets)).toContain('"MaximumRetryAttempts":0');
    const resource = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(fn)]!;
    expect(resource.Metadata?.['ticketdrop:entry']).toBe(RECONCILER_ENTRY);
  });

  it('may start, describe and stop executions of the order state machine only, and read the ticket key', () => {
    const statements = roleStatementsOf(template, fn);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        'states:StartExecution',
        'states:ListExecutions',
        'states:DescribeExecution',
        'states:StopExecution',
        'secretsmanager:GetSecretValue',
      ]),
    );
    const stateStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('states:')));
    const machine = logicalIdOf(stack.orderFlow.stateMachine);
    for (const statement of stateStatements) expect(JSON.stringify(statement.Resource)).toContain(machine);
    expect(actions).not.toContain('states:*');
  });

  it('names itself in the outputs, for `npm run reconcile -- --stack`', () => {
    template.hasOutput('ReconcilerFunctionName', {});
  });
});
