import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { PROJECT_ROOT } from '../../lib/constructs/node-handler';
import { stackNameFor, stageFor } from '../../lib/stage';
import { TicketDropStack } from '../../lib/ticketdrop-stack';

/**
 * The stack of one stage, synthesized in-process with the same context (feature flags) as
 * `cdk synth`, minus asset bundling. `dispose()` removes the temporary cloud assembly.
 */
export function synthStage(stageName: string, context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'ticketdrop-cdk-'));
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: object };
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
  const stage = stageFor(stageName);
  const stack = new TicketDropStack(app, stackNameFor(stage), { stage });
  return {
    app,
    stack,
    template: Template.fromStack(stack),
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
};

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The logical id of an L2 construct's CloudFormation resource. */
export function logicalIdOf(construct: IConstruct | undefined): string {
  const resource = construct instanceof CfnElement ? construct : construct?.node.defaultChild;
  if (!(resource instanceof CfnElement)) throw new Error(`No CloudFormation resource under ${construct?.node.path}`);
  return Stack.of(resource).getLogicalId(resource);
}

export type PolicyStatement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every IAM statement of the policies attached to a function's execution role. */
export function roleStatementsOf(template: Template, fn: IConstruct): PolicyStatement[] {
  const functionResource = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(fn)];
  const roleId = (functionResource!.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties!.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}
