import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Passes a WebSocket upgrade that reached the stack's own port on to the WebSocket gateway's port,
 * byte for byte (the request as it came, then both directions piped), so `ws://<stack>/ws` keeps
 * working for clients that derive it from the page's origin. Such a connection is still accepted
 * by the stack's event loop; the advertised WebSocket URL (`webSocketUrl`, `/config.json`) is the
 * gateway's own port, which is not.
 */
export function forwardUpgradeTo(port: number) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const upstream = connect(port, '127.0.0.1');
    const drop = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', drop);
    upstream.on('error', drop);
    const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream).pipe(socket);
  };
}
