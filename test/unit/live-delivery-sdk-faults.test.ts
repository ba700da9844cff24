import {
  ApiGatewayManagementApiClient,
  GoneException,
  LimitExceededException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Delivery } from '../../lambdas/core/live/broadcast';
import { managementApiPoster } from '../../lambdas/core/live/connection-poster';
import { deliver } from '../../lambdas/core/live/live-delivery';
import { logger } from '../../lambdas/core/platform/logger';
import { awsFault, mockedStore } from '../support/sdk-mock';

/**
 * Live delivery through the real @connections poster under API Gateway and DynamoDB faults:
 * a socket that is gone (410) is deleted, a throttled post (429) is reported and dropped, and
 * neither keeps any other viewer from getting the message nor fails the stream batch.
 */

const { doc, store } = mockedStore();
const api = mockClient(ApiGatewayManagementApiClient);
const poster = managementApiPoster(new ApiGatewayManagementApiClient({ region: 'eu-west-1', endpoint: 'https://x' }));

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  shardMembers.clear();
  doc.reset();
  api.reset();
  vi.restoreAllMocks();
});

const seatsOf = (eventId: string, sequenceNumbers: string[]): Delivery =>
  ({ audience: { eventId }, message: { type: 'seats', eventId, seats: [] }, sequenceNumbers }) as unknown as Delivery;
/** An event's viewers, as its seat-map shard items hold them (all in shard 0 here); an Error: the read fails. */
const shardMembers = new Map<string, string[] | Error>();
const viewers = (eventId: string, ids: string[] | Error) => {
  shardMembers.set(eventId, ids);
  doc.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { connectionId: string }[] }> }) => {
    const [table, request] = Object.entries(input.RequestItems)[0]!;
    const eventId = /^#shard#(.+)#\d+$/.exec(request.Keys[0]!.connectionId)![1]!;
    const members = shardMembers.get(eventId) ?? [];
    if (members instanceof Error) throw members;
    return { Responses: { [table]: [{ connectionId: `#shard#${eventId}#0`, members: new Set(members) }] } };
  });
};
const audiences = { store, shards: 4 };
const postedTo = () => api.commandCalls(PostToConnectionCommand).map((c) => c.args[0].input.ConnectionId);
const deleted = () => doc.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key!.connectionId);

describe('deliver', () => {
  it('deletes a connection that is gone (410) once, and still reaches every other viewer', async () => {
    viewers('ev-1', ['c-1', 'gone-1', 'c-2']);
    api.on(PostToConnectionCommand).resolves({});
    api
      .on(PostToConnectionCommand, { ConnectionId: 'gone-1' })
      .rejects(new GoneException({ message: 'Gone', ...awsFault(410) }));
    doc.on(DeleteCommand).resolves({});

    const report = await deliver(audiences, poster, [seatsOf('ev-1', ['1']), seatsOf('ev-1', ['2'])], {
      concurrency: 1,
    });

    expect(report).toEqual({ sent: 4, gone: 1, failedPosts: 0, failedSequenceNumbers: [] });
    expect(deleted()).toEqual(['gone-1']);
    expect(postedTo().filter((id) => id === 'gone-1')).toHaveLength(1); // not posted to again once gone
  });

  it('a throttled post (LimitExceededException, 429) is reported, not deleted, and never drops the other viewers', async () => {
    viewers('ev-1', ['c-1', 'busy', 'c-2']);
    api.on(PostToConnectionCommand).resolves({});
    api
      .on(PostToConnectionCommand, { ConnectionId: 'busy' })
      .rejects(new LimitExceededException({ message: 'Limit exceeded', ...awsFault(429) }));

    const report = await deliver(audiences, poster, [seatsOf('ev-1', ['7'])]);

    expect(report).toEqual({ sent: 2, gone: 0, failedPosts: 1, failedSequenceNumbers: [] });
    expect(postedTo().sort()).toEqual(['busy', 'c-1', 'c-2']);
    expect(deleted()).toEqual([]); // a throttled socket is still there
  });

  it('a failed delete of a gone connection is reported; the rest is still delivered', async () => {
    viewers('ev-1', ['gone-1', 'c-1']);
    api.on(PostToConnectionCommand).resolves({});
    api
      .on(PostToConnectionCommand, { ConnectionId: 'gone-1' })
      .rejects(new GoneException({ message: 'Gone', ...awsFault(410) }));
    doc
      .on(DeleteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...awsFault() }));

    const report = await deliver(audiences, poster, [seatsOf('ev-1', ['1'])]);

    expect(report.sent).toBe(1);
    expect(report.failedPosts).toBe(1);
    expect(report.failedSequenceNumbers).toEqual([]);
  });

  it("a throttled audience lookup fails only that delivery's stream records (retried), other events still go out", async () => {
    viewers('ev-2', ['c-9']);
    viewers('ev-1', new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...awsFault() }));
    api.on(PostToConnectionCommand).resolves({});

    const report = await deliver(audiences, poster, [seatsOf('ev-1', ['10', '11']), seatsOf('ev-2', ['12'])]);

    expect(report.failedSequenceNumbers).toEqual(['10', '11']);
    expect(report.sent).toBe(1);
    expect(postedTo()).toEqual(['c-9']);
  });
});
