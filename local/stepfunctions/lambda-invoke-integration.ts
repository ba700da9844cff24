import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonValue } from './asl';
import { isPlainObject } from './asl';
import { normalizeFunctionArn } from './aws-identifiers';
import { TaskFailure } from './task-errors';

/** The `arn:aws:states:::lambda:invoke` integration: its parameters in, Lambda's Invoke response out. */

export interface LambdaInvokeRequest {
  readonly functionArn: string;
  readonly payload: JsonValue;
  /** 'Event' = asynchronous: Step Functions does not wait for the function. */
  readonly invocationType: 'RequestResponse' | 'Event';
}

export function readInvokeRequest(parameters: JsonValue): LambdaInvokeRequest {
  const fields = isPlainObject(parameters) ? parameters : {};
  if (typeof fields.FunctionName !== 'string' || fields.FunctionName === '') {
    throw new TaskFailure('Lambda.InvalidParameterValueException', 'lambda:invoke needs a FunctionName');
  }
  return {
    functionArn: normalizeFunctionArn(fields.FunctionName),
    payload: (fields.Payload ?? {}) as JsonValue,
    invocationType: fields.InvocationType === 'Event' ? 'Event' : 'RequestResponse',
  };
}

/** What Lambda's Invoke returns through Step Functions (CDK's `outputPath: '$.Payload'` reads Payload). */
export function invokeResponse(payload: JsonValue, statusCode = 200): JsonObject {
  const requestId = randomUUID();
  const headers = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': requestId,
    Date: new Date().toUTCString(),
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}
