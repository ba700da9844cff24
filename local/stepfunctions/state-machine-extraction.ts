import type { AslDefinition } from './asl';
import { isPlainObject } from './asl';
import {
  isValidResourceName,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  localFunctionArn,
  stateMachineArn,
} from './aws-identifiers';
import { type ReferenceResolver, resolveIntrinsics } from './cloudformation-intrinsics';

/**
 * Reads the state machines out of a synthesized CloudFormation template (Template.toJSON() or a
 * cdk.out *.template.json) as plain ASL, every Lambda reference turned into its stable local ARN
 * (`arn:aws:lambda:us-east-1:000000000000:function:<LogicalId>`).
 */

export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CloudFormationTemplate {
  readonly Resources?: Record<string, CloudFormationResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
}

export interface ExtractedLambdaFunction {
  readonly logicalId: string;
  /** The local ARN the definition now uses for this function. */
  readonly arn: string;
  /** The resource's Metadata, e.g. `ticketdrop:entry` (the handler module). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The resource's Properties as synthesized (intrinsics unresolved). */
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface ExtractedStateMachine {
  readonly logicalId: string;
  /** StateMachineName if the template sets a literal one, otherwise the logical id. */
  readonly name: string;
  readonly arn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: AslDefinition;
  /** The Lambda functions the definition references, in order of first reference. */
  readonly lambdaFunctions: readonly ExtractedLambdaFunction[];
}

export interface ExtractionOptions {
  /** AWS::StackName (default 'local'). */
  readonly stackName?: string;
  /**
   * Answers for references the local side cannot know (e.g. a table's name). Return undefined to
   * get the default: Lambda functions → their logical id (Ref) / local ARN (Arn), state machines →
   * their local ARN, anything else → its logical id (Ref) or `<LogicalId>.<Attribute>` (GetAtt).
   */
  readonly resolveReference?: (logicalId: string, attribute: string | undefined) => string | undefined;
}

const LAMBDA_FUNCTION = 'AWS::Lambda::Function';
const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';

export function extractStateMachines(
  template: CloudFormationTemplate,
  options: ExtractionOptions = {},
): ExtractedStateMachine[] {
  const resources = template.Resources ?? {};
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === STATE_MACHINE)
    .map(([logicalId, resource]) => extractOne(template, logicalId, resource, options));
}

function extractOne(
  template: CloudFormationTemplate,
  logicalId: string,
  resource: CloudFormationResource,
  options: ExtractionOptions,
): ExtractedStateMachine {
  const resources = template.Resources ?? {};
  const referencedFunctions = new Set<string>();
  const resolver = referenceResolver(template, options, (id) => {
    if (resources[id]?.Type === LAMBDA_FUNCTION) referencedFunctions.add(id);
  });
  const properties = resource.Properties ?? {};
  const name = stateMachineName(logicalId, resource);
  const definition = readDefinition(logicalId, properties, resolver);
  return {
    logicalId,
    name,
    arn: stateMachineArn(name),
    type: properties.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    definition,
    lambdaFunctions: [...referencedFunctions].map((id) => ({
      logicalId: id,
      arn: localFunctionArn(id),
      metadata: resources[id]?.Metadata ?? {},
      properties: resources[id]?.Properties ?? {},
    })),
  };
}

function readDefinition(
  logicalId: string,
  properties: Record<string, unknown>,
  resolver: ReferenceResolver,
): AslDefinition {
  const substitutions = resolveIntrinsics(properties.DefinitionSubstitutions ?? {}, resolver) as Record<
    string,
    unknown
  >;
  // Only the keys given are placeholders (anything else stays); values land inside JSON strings.
  const substituteAll = (text: string) =>
    text.replace(/\$\{([^}]*)\}/g, (placeholder, key: string) =>
      key in substitutions ? JSON.stringify(String(substitutions[key])).slice(1, -1) : placeholder,
    );

  let definition: unknown;
  if (properties.DefinitionString !== undefined) {
    const text = resolveIntrinsics(properties.DefinitionString, resolver);
    if (typeof text !== 'string') throw new Error(`${logicalId}: DefinitionString did not resolve to a string`);
    definition = JSON.parse(substituteAll(text));
  } else if (properties.Definition !== undefined) {
    definition = JSON.parse(substituteAll(JSON.stringify(resolveIntrinsics(properties.Definition, resolver))));
  } else {
    throw new Error(`${logicalId}: only inline definitions (DefinitionString or Definition) can run locally`);
  }
  if (!isPlainObject(definition) || typeof definition.StartAt !== 'string' || !isPlainObject(definition.States)) {
    throw new Error(`${logicalId}: the definition has no StartAt/States`);
  }
  return definition as unknown as AslDefinition;
}

/** A literal StateMachineName, else the logical id (a generated name is not known before deploy). */
function stateMachineName(logicalId: string, resource: CloudFormationResource | undefined): string {
  const name = resource?.Properties?.StateMachineName;
  return typeof name === 'string' && isValidResourceName(name) ? name : logicalId;
}

function referenceResolver(
  template: CloudFormationTemplate,
  options: ExtractionOptions,
  noteReference: (logicalId: string) => void,
): ReferenceResolver {
  const resources = template.Resources ?? {};
  const pseudoParameters: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': LOCAL_REGION,
    'AWS::AccountId': LOCAL_ACCOUNT_ID,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': options.stackName ?? 'local',
    'AWS::StackId': `arn:aws:cloudformation:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stack/${options.stackName ?? 'local'}/local`,
  };
  return {
    ref(name) {
      if (name in pseudoParameters) return pseudoParameters[name]!;
      noteReference(name);
      const custom = options.resolveReference?.(name, undefined);
      if (custom !== undefined) return custom;
      const parameter = template.Parameters?.[name];
      if (parameter?.Default !== undefined) return String(parameter.Default);
      // Ref of a state machine is its ARN; of a function, its name (= logical id locally).
      if (resources[name]?.Type === STATE_MACHINE) return stateMachineArn(stateMachineName(name, resources[name]));
      return name;
    },
    getAtt(logicalId, attribute) {
      noteReference(logicalId);
      const custom = options.resolveReference?.(logicalId, attribute);
      if (custom !== undefined) return custom;
      const type = resources[logicalId]?.Type;
      if (type === LAMBDA_FUNCTION && attribute === 'Arn') return localFunctionArn(logicalId);
      if (type === STATE_MACHINE && attribute === 'Arn')
        return stateMachineArn(stateMachineName(logicalId, resources[logicalId]));
      if (type === STATE_MACHINE && attribute === 'Name') return stateMachineName(logicalId, resources[logicalId]);
      return `${logicalId}.${attribute}`;
    },
  };
}
