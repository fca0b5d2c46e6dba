import { connect, Socket } from 'node:net';

/** What a raw HTTP/1.1 client saw: the bytes it read, and any socket error (a reset, a broken pipe). */
export interface RawExchange {
  readonly response: string;
  readonly error?: string;
}

const open = (url: string) => {
  const { hostname, port } = new URL(url);
  return connect(Number(port), hostname);
};

/** Reads until the server closes, noting an error instead of throwing it. */
function readToClose(socket: Socket, onData?: (seen: string) => void): Promise<RawExchange> {
  return new Promise((resolve) => {
    let response = '';
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString('latin1');
      onData?.(response);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.on('close', () => resolve({ response, error }));
  });
}

/**
 * A client that sends its head and its whole body at once, whatever the
 * server answers meanwhile (as a client that ignores an early answer, or one
 * that stopped waiting for `100 Continue`, does), then half-closes.
 */
export async function sendWhole(url: string, head: string, body: Buffer): Promise<RawExchange> {
  const socket = open(url);
  const exchange = readToClose(socket);
  socket.write(head);
  socket.write(body, () => socket.end());
  return exchange;
}

/**
 * A client that sends `Expect: 100-continue` as curl does: the body goes only
 * after `100 Continue`; a final answer instead means the body is not sent.
 */
export async function sendExpectingContinue(
  url: string,
  head: string,
  body: Buffer,
): Promise<RawExchange> {
  const socket = open(url);
  let sent = false;
  const exchange = readToClose(socket, (seen) => {
    if (!sent && seen.startsWith('HTTP/1.1 100 ') && seen.includes('\r\n\r\n')) {
      sent = true;
      socket.write(body);
    } else if (!sent && /^HTTP\/1\.1 [2-5]\d\d /.test(seen) && seen.includes('\r\n\r\n')) {
      socket.end(); // a final answer before any body: nothing to send
    }
  });
  socket.write(head);
  return exchange;
}

/** A chunked body of `total` bytes in `chunk`-byte pieces, sent whole. */
export async function sendChunked(
  url: string,
  head: string,
  total: number,
  chunk = 64 * 1024,
): Promise<RawExchange> {
  const socket = open(url);
  const exchange = readToClose(socket);
  socket.write(head);
  const piece = Buffer.alloc(chunk, 0x20);
  for (let sent = 0; sent < total; sent += chunk) {
    socket.write(`${chunk.toString(16)}\r\n`);
    socket.write(piece);
    socket.write('\r\n');
  }
  socket.write('0\r\n\r\n', () => socket.end());
  return exchange;
}

/** The status of the first answer in a raw response, and the JSON body of that answer if any. */
export function firstAnswer(response: string): { status: number; headers: string; body: string } {
  const headEnd = response.indexOf('\r\n\r\n');
  const headers = response.slice(0, headEnd);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  const length = Number(/\r\ncontent-length: (\d+)/i.exec(headers)?.[1] ?? 0);
  return { status, headers, body: response.slice(headEnd + 4, headEnd + 4 + length) };
}

/** A client that sends `head` and part of its body, then neither sends more nor closes. */
export async function sendPartly(url: string, head: string, part: Buffer): Promise<RawExchange> {
  const socket = open(url);
  const exchange = readToClose(socket);
  socket.write(head);
  socket.write(part);
  return exchange;
}
