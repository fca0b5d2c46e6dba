import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER } from '@referrals/rewards';

export interface ReceivedWebhook {
  readonly signature: string;
  readonly key: string;
  readonly body: string;
}

/**
 * A real HTTP endpoint on loopback, as an upstream billing system would run, that keeps what it is sent.
 * `failFirst` answers the first deliveries 503 (and keeps nothing of them), as an upstream having a bad minute.
 */
export async function webhookReceiver(options: { failFirst?: number } = {}) {
  const received: ReceivedWebhook[] = [];
  let toFail = options.failFirst ?? 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (toFail > 0) {
        toFail--;
        res.statusCode = 503;
        res.end();
        return;
      }
      received.push({
        signature: String(req.headers[SIGNATURE_HEADER]),
        key: String(req.headers['idempotency-key']),
        body,
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    /** Waits until `count` deliveries have come, or about five seconds. */
    async awaitCount(count: number) {
      for (let i = 0; i < 100 && received.length < count; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
