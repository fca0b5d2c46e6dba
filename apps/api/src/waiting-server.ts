import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProblemDocument } from '@referrals/contracts';
import {
  PROBLEM_CONTENT_TYPE,
  problemDocument,
  RETRY_AFTER_HEADERS,
  storeUnavailableProblem,
} from './http/edge/problem';
import { notReadyProblem } from './readiness';
import { portError } from './start-up-errors';

/**
 * What listens on the API's port while the event store cannot be opened at
 * start-up: it is alive (`/health/live` 200), not ready (`/health/ready` 503,
 * naming the store's failure and Redis's state), and every other request is a
 * 503 with Retry-After, so nothing is acknowledged that was not stored. Once
 * the store opens, the engine closes it and listens on the same port; a
 * restart is never needed.
 */
export class WaitingServer {
  /** Why the store cannot be opened yet, as the readiness answer says it. */
  private storeState = 'opening';

  private constructor(
    private readonly server: Server,
    private readonly redisState: () => string,
  ) {}

  /** `redisState`: Redis as the readiness answer says it (`ok`, or why not), asked on each request. */
  static async listen(
    host: string,
    port: number,
    redisState: () => string = () => 'ok',
  ): Promise<WaitingServer> {
    const server = createServer();
    const waiting = new WaitingServer(server, redisState);
    server.on('request', (request, response) => waiting.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(portError(error as NodeJS.ErrnoException, host, port)),
      );
      server.listen({ host, port, exclusive: true }, () => resolve());
    });
    return waiting;
  }

  /** The port it listens on (the one asked for, or the one given for 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The latest failure to open the store, for `/health/ready`. */
  storeFailed(reason: string): void {
    this.storeState = reason;
  }

  /** Frees the port for the engine: no new connection, open ones ended (their clients retry). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    // A body is drained, not read, and answered once it has all arrived: a client still
    // sending when the answer ends the connection would see a reset, not the 503.
    request.resume();
    request.once('end', () => this.respond(request, response));
  }

  private respond(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health/live' && (request.method === 'GET' || request.method === 'HEAD')) {
      send(response, 200, 'application/json', { status: 'ok' });
      return;
    }
    const problem =
      path === '/health/ready'
        ? problemDocument(
            503,
            notReadyProblem({ store: this.storeState, redis: this.redisState(), programs: [] }),
          )
        : storeUnavailableProblem();
    send(response, 503, PROBLEM_CONTENT_TYPE, problem, RETRY_AFTER_HEADERS);
  }
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: ProblemDocument | { status: string },
  headers: Readonly<Record<string, string>> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': bytes.length,
    connection: 'close',
  });
  response.end(response.req.method === 'HEAD' ? undefined : bytes);
}
