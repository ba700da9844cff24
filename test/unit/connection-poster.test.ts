import {
  type ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { managementApiPoster } from '../../lambdas/core/live/connection-poster';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createPlatform } from '../../lambdas/wiring/platform';

/** Posting to one WebSocket connection through the @connections API: a vanished socket is "gone", not an error. */

/** A client whose `send` answers as the management API would: records the command, then resolves or throws. */
function clientThat(answer: () => unknown) {
  const sent: PostToConnectionCommand[] = [];
  const client = {
    async send(command: PostToConnectionCommand) {
      sent.push(command);
      return answer();
    },
  } as unknown as ApiGatewayManagementApiClient;
  return { client, sent };
}

describe('the @connections poster', () => {
  it('posts the message as UTF-8 bytes to the connection', async () => {
    const { client, sent } = clientThat(() => ({}));
    expect(await managementApiPoster(client).post('conn-1', '{"type":"seats","ü":1}')).toBe('sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PostToConnectionCommand);
    expect(sent[0]!.input.ConnectionId).toBe('conn-1');
    expect(new TextDecoder().decode(sent[0]!.input.Data as Uint8Array)).toBe('{"type":"seats","ü":1}');
  });

  it('answers "gone" for GoneException', async () => {
    const { client } = clientThat(() => {
      throw new GoneException({ message: 'Gone', $metadata: { httpStatusCode: 410 } });
    });
    expect(await managementApiPoster(client).post('conn-1', 'x')).toBe('gone');
  });

  it('answers "gone" for any 410 (an error class from another copy of the SDK)', async () => {
    const { client } = clientThat(() => {
      throw Object.assign(new Error('GoneException'), { $metadata: { httpStatusCode: 410 } });
    });
    expect(await managementApiPoster(client).post('conn-1', 'x')).toBe('gone');
  });

  it('lets every other failure through (throttles, 5xx, network): the caller decides', async () => {
    const throttled = Object.assign(new Error('LimitExceededException'), { $metadata: { httpStatusCode: 429 } });
    const { client } = clientThat(() => {
      throw throttled;
    });
    await expect(managementApiPoster(client).post('conn-1', 'x')).rejects.toBe(throttled);
  });

  it('needs the management endpoint from the configuration, at first use', () => {
    const without = createPlatform({ config: parseConfig({}) });
    expect(() => without.poster).toThrow('Missing environment variable WEBSOCKET_MANAGEMENT_ENDPOINT');
    const platform = createPlatform({
      config: parseConfig({ WEBSOCKET_MANAGEMENT_ENDPOINT: 'http://127.0.0.1:1/@connections' }),
    });
    expect(platform.poster).toHaveProperty('post');
    expect(platform.poster).toBe(platform.poster); // made once
  });
});
