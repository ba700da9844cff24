import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalStepFunctions } from './local-step-functions';
import { StepFunctionsError } from './service-errors';

/**
 * The AWS JSON 1.0 protocol as @aws-sdk/client-sfn speaks it: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Action>` and a JSON body; answers are JSON with timestamps as
 * epoch seconds; errors are HTTP 400 with `{"__type": "<ErrorName>", "message": "..."}`.
 */

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Step Functions payloads are at most 256 KB; the rest is room for the request's envelope. */
const MAX_BODY_BYTES = 1024 * 1024;

/** `input` is the request body as the SDK serialized it; the service validates what it relies on. */
type Operation = (service: LocalStepFunctions, input: never) => Promise<unknown>;

const OPERATIONS: Record<string, Operation> = {
  StartExecution: (service, input) => service.startExecution(input),
  DescribeExecution: (service, input) => service.describeExecution(input),
  GetExecutionHistory: (service, input) => service.getExecutionHistory(input),
  ListExecutions: (service, input) => service.listExecutions(input),
  StopExecution: (service, input) => service.stopExecution(input),
  SendTaskSuccess: (service, input) => service.sendTaskSuccess(input),
  SendTaskFailure: (service, input) => service.sendTaskFailure(input),
  SendTaskHeartbeat: (service, input) => service.sendTaskHeartbeat(input),
};

/** Whether a request on a shared local server is a Step Functions API call. */
export function isStepFunctionsRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX);
}

export function createStepFunctionsListener(service: LocalStepFunctions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const action = String(req.headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length);
      const operation = OPERATIONS[action];
      if (!isStepFunctionsRequest(req) || !operation) {
        throw new StepFunctionsError('UnknownOperationException', `Unknown operation: ${action || '(none)'}`);
      }
      const input = parseBody(await readBody(req));
      send(res, 200, await operation(service, input as never));
    } catch (error) {
      if (error instanceof StepFunctionsError) send(res, 400, { __type: error.code, message: error.message });
      else
        send(res, 500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
    }
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StepFunctionsError('ValidationException', 'Request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body === '' ? '{}' : body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new StepFunctionsError('SerializationException', 'The request body is not a JSON object');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, function toWire(this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    // JSON 1.0 timestamps are epoch seconds; Date#toJSON would have made them ISO strings.
    return original instanceof Date ? original.getTime() / 1000 : value;
  });
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}
