import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthStage } from '../support/cdk-synth';

/**
 * cdk-nag's AwsSolutions pack over the whole stack: no finding may remain unacknowledged, and
 * every acknowledgement (lib/security/nag-suppressions.ts) carries a written reason.
 */

/** Each stage kind, and a stage with the optional WAF web ACL (`-c waf=true`). */
const stages = ['dev', 'prod', 'dev with waf'] as const;
const synthesized = new Map<string, ReturnType<typeof synthStage>>();

beforeAll(() => {
  for (const stage of stages) {
    const [name, withWaf] = stage.split(' with ');
    synthesized.set(stage, synthStage(name!, withWaf ? { waf: 'true' } : {}));
  }
});

afterAll(() => {
  for (const s of synthesized.values()) s.dispose();
});

describe.each(stages)('AwsSolutions on stage %s', (stage) => {
  it('reports no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.get(stage)!.stack);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`),
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges each rule with a reason of at least a sentence', () => {
    const acknowledged = synthesized
      .get(stage)!
      .stack.node.findAll()
      .flatMap((c: IConstruct) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) expect(reason.length, id).toBeGreaterThan(40);
  });
});
