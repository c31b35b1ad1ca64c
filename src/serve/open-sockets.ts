import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Counts the requests in progress on each connection, so that a closing server can end the
 * connections nobody uses. Node closes idle kept-alive connections once, at close();
 * connections that go idle later, or that a client opened without sending a request yet,
 * would hold close() up until they time out.
 */
export function trackOpenSockets(server: Server): { closeUnused(): void } {
  const sockets = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    sockets.set(socket, (sockets.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = sockets.get(socket);
      if (n !== undefined) sockets.set(socket, n - 1);
    });
  });
  return {
    closeUnused(): void {
      for (const [socket, active] of sockets) if (active <= 0) socket.destroy();
    },
  };
}
