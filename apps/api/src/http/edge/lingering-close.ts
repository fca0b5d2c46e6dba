import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How long a closing connection keeps reading what its client still sends:
 * enough for a client that got its 413 mid-upload to finish or give up.
 */
export const LINGER_MS = 5_000;

/**
 * Node ends a `Connection: close` answer with `socket.destroySoon()`: it
 * destroys the socket once the answer is written. If the client is still
 * sending (a body we refused), its unread bytes make the kernel send a reset,
 * and the client loses the answer it had not yet read. Here the connection
 * closes as nginx's lingering close does: send the answer and a FIN, keep
 * reading (and discarding) until the client closes its side or `lingerMs`
 * passes, then close.
 */
export function closeConnectionsGracefully(server: Server, lingerMs = LINGER_MS) {
  server.on('connection', (socket: Socket) => {
    socket.destroySoon = function lingeringClose(this: Socket) {
      if (this.destroyed) return;
      const timer = setTimeout(() => this.destroy(), lingerMs).unref();
      this.once('close', () => clearTimeout(timer));
      // With both sides ended the socket closes itself (autoDestroy).
      this.end();
      this.resume();
    };
  });
}
