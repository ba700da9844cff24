import { describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  type CloudFormationTemplate,
  extractStateMachines,
  LocalStepFunctions,
} from '../../local/stepfunctions';
import {
  adjustForInterpreter,
  NO_TASK_TIMEOUT_SECONDS,
  TIMEOUT_PARAMETER,
} from '../../local/stepfunctions/definition-adjustments';
import { ENTRY_METADATA, fixtureTemplate } from '../fixtures/stepfunctions/fixture-stack';

/* From a synthesized template to the ASL the local Step Functions runs. */

const LOCAL_LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:';

describe('extractStateMachines from a CDK template', () => {
  const machines = extractStateMachines(fixtureTemplate());
  const checkout = machines.find((m) => m.name === 'Checkout')!;
  const approvals = machines.find((m) => m.name !== 'Checkout')!;

  it('finds every state machine, named by StateMachineName or else by logical id', () => {
    expect(machines).toHaveLength(2);
    expect(checkout).toMatchObject({
      logicalId: expect.stringMatching(/^CheckoutMachine/),
      arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Checkout',
      type: 'STANDARD',
    });
    expect(approvals.name).toBe(approvals.logicalId);
    expect(approvals.arn).toBe(`arn:aws:states:us-east-1:000000000000:stateMachine:${approvals.logicalId}`);
  });

  it('resolves the Fn::Join definition into plain ASL with local function ARNs', () => {
    const text = JSON.stringify(checkout.definition);
    expect(text).not.toMatch(/Fn::|"Ref"/);
    const states = checkout.definition.States;
    expect(states.Prepare!.Resource).toMatch(new RegExp(`^${LOCAL_LAMBDA}PrepareFn[0-9A-F]{8}$`));
    expect(states.AwaitBuyer).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      TimeoutSecondsPath: '$.waitSeconds',
      Parameters: { FunctionName: expect.stringMatching(new RegExp(`^${LOCAL_LAMBDA}AwaitBuyerFn`)) },
    });
  });

  it('lists the functions each machine uses, with their Metadata for finding the handler module', () => {
    expect(checkout.lambdaFunctions.map((fn) => fn.metadata[ENTRY_METADATA])).toEqual([
      'test/fixtures/stepfunctions/handlers/prepare.ts',
      'test/fixtures/stepfunctions/handlers/await-buyer.ts',
      'test/fixtures/stepfunctions/handlers/charge.ts',
      'test/fixtures/stepfunctions/handlers/send-email.ts',
      'test/fixtures/stepfunctions/handlers/send-sms.ts',
    ]);
    for (const fn of checkout.lambdaFunctions) {
      expect(fn.arn).toBe(`${LOCAL_LAMBDA}${fn.logicalId}`);
      expect(fn.properties).toMatchObject({ Runtime: 'nodejs22.x', Timeout: 10 });
    }
    expect(approvals.lambdaFunctions.map((fn) => fn.logicalId)).toEqual([expect.stringMatching(/^RequestApprovalFn/)]);
  });
});

describe('extractStateMachines from hand-written templates', () => {
  it('applies DefinitionSubstitutions and resolves Fn::Sub, Ref to functions and parameters', () => {
    const template: CloudFormationTemplate = {
      Parameters: { Greeting: { Default: 'hello' } },
      Resources: {
        Worker: { Type: 'AWS::Lambda::Function', Metadata: { 'ticketdrop:entry': 'lambdas/steps/worker.ts' } },
        Other: { Type: 'AWS::Lambda::Function' },
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            StateMachineName: 'Substituted',
            DefinitionString: JSON.stringify({
              StartAt: 'Work',
              States: {
                Work: {
                  Type: 'Task',
                  Resource: '${WorkerArn}',
                  Parameters: { greeting: '${Greeting}', keep: '${!Literal}' },
                  End: true,
                },
              },
            }),
            DefinitionSubstitutions: {
              WorkerArn: {
                'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}',
              },
              Greeting: { Ref: 'Greeting' },
            },
          },
        },
      },
    };
    const [machine] = extractStateMachines(template);
    expect(machine!.name).toBe('Substituted');
    expect(machine!.definition.States.Work).toMatchObject({
      Resource: `${LOCAL_LAMBDA}Worker`,
      Parameters: { greeting: 'hello', keep: '${!Literal}' },
    });
    expect(machine!.lambdaFunctions).toEqual([
      {
        logicalId: 'Worker',
        arn: `${LOCAL_LAMBDA}Worker`,
        metadata: { 'ticketdrop:entry': 'lambdas/steps/worker.ts' },
        properties: {},
      },
    ]);
  });

  it('reads an object Definition and lets the caller answer references it cannot know', () => {
    const template: CloudFormationTemplate = {
      Resources: {
        Table: { Type: 'AWS::DynamoDB::Table' },
        Machine: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: {
            Definition: {
              StartAt: 'Name',
              States: { Name: { Type: 'Pass', Result: { table: { Ref: 'Table' } }, End: true } },
            },
          },
        },
      },
    };
    const [machine] = extractStateMachines(template, {
      resolveReference: (logicalId, attribute) => (logicalId === 'Table' && !attribute ? 'local-orders' : undefined),
    });
    expect(machine!.name).toBe('Machine');
    expect(machine!.definition.States.Name).toMatchObject({ Result: { table: 'local-orders' } });
  });
});

describe('what the interpreter is given', () => {
  const definition: AslDefinition = {
    StartAt: 'Wait',
    States: {
      Wait: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'f', Payload: { 'token.$': '$$.Task.Token' } },
        TimeoutSecondsPath: '$.hold.seconds',
        ResultPath: '$',
        Next: 'Plain',
      },
      Plain: { Type: 'Task', Resource: `${LOCAL_LAMBDA}f`, End: true },
    },
  };

  it('evaluates TimeoutSecondsPath against the state input, as AWS does, and gives "no timeout" its meaning', () => {
    const adjusted = adjustForInterpreter(definition);
    expect(adjusted.States.Wait).toMatchObject({
      TimeoutSecondsPath: `$.${TIMEOUT_PARAMETER}`,
      Parameters: { [`${TIMEOUT_PARAMETER}.$`]: '$.hold.seconds', FunctionName: 'f' },
    });
    expect(adjusted.States.Wait).not.toHaveProperty('ResultPath');
    expect(adjusted.States.Plain).toMatchObject({ TimeoutSeconds: NO_TASK_TIMEOUT_SECONDS });
    expect(definition.States.Wait).toMatchObject({ TimeoutSecondsPath: '$.hold.seconds', ResultPath: '$' }); // untouched
  });

  it('refuses a Task the local side cannot run, naming it', () => {
    const unsupported: AslDefinition = {
      StartAt: 'Put',
      States: { Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: {}, End: true } },
    };
    const service = new LocalStepFunctions({ resolveFunction: () => Promise.reject(new Error('unused')) });
    expect(() => service.registerStateMachine({ name: 'Unsupported', definition: unsupported })).toThrow(
      /unsupported Task states: "Put" \(arn:aws:states:::dynamodb:putItem\)/,
    );
  });
});
