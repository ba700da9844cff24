import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { NodeHandler } from '../constructs/node-handler';

/**
 * What to watch, found in the stack itself rather than listed by hand: a function, stream consumer
 * or dead-letter queue added later is watched without touching lib/observability/.
 */

export function nodeHandlersIn(scope: IConstruct): NodeHandler[] {
  return scope.node.findAll().filter((c): c is NodeHandler => c instanceof NodeHandler);
}

/** Stream event source mappings (they have a starting position; SQS sources have none). */
function streamMappingsOf(fn: lambda.IFunction): lambda.CfnEventSourceMapping[] {
  return fn.node
    .findAll()
    .filter((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping)
    .filter((mapping) => mapping.startingPosition !== undefined);
}

/** Handlers that read DynamoDB (or Kinesis) streams: their iterator age says how far behind they are. */
export function streamConsumersIn(scope: IConstruct): NodeHandler[] {
  return nodeHandlersIn(scope).filter((h) => streamMappingsOf(h.function).length > 0);
}

/**
 * Queues that receive what something gave up on: a stream consumer's on-failure destination, or
 * the dead-letter queue of an EventBridge rule's target.
 */
export function deadLetterQueuesIn(scope: IConstruct): sqs.Queue[] {
  const stack = Stack.of(scope);
  const all = scope.node.findAll();
  const destinations = new Set(
    [
      ...all
        .filter((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping)
        .map((mapping) => mapping.destinationConfig),
      // A function's asynchronous-invoke failure destination (the live map's shard worker).
      ...all
        .filter((c): c is lambda.CfnEventInvokeConfig => c instanceof lambda.CfnEventInvokeConfig)
        .map((config) => config.destinationConfig),
      ...all
        .filter((c): c is events.CfnRule => c instanceof events.CfnRule)
        .flatMap((rule) => (stack.resolve(rule.targets) as { deadLetterConfig?: unknown }[] | undefined) ?? [])
        .map((target) => target.deadLetterConfig),
    ]
      .filter((config) => config !== undefined)
      .map((config) => JSON.stringify(stack.resolve(config))),
  );
  return all
    .filter((c): c is sqs.Queue => c instanceof sqs.Queue)
    .filter((queue) =>
      [...destinations].some((config) => config.includes(JSON.stringify(stack.resolve(queue.queueArn)))),
    );
}
