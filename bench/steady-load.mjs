// An open-loop load at a steady rate: request i is due at start + i / rate, whatever came
// back before it, and its latency counts from when it was due (so a request the client could
// not send on time because the server was slow counts that wait: no coordinated omission).
// autocannon has no such mode: its --rate gives each connection its share of every second and
// sends it back to back, which is waves of as many requests as connections, not a steady rate.
import { Pool } from 'undici';

/**
 * Sends `rate * seconds` requests, evenly spread, over a pool of `connections` keep-alive
 * connections (a request waits in the pool while they are all busy; that wait counts).
 * Resolves to { times (ms each, 2xx only), requests, non2xx, errors }.
 */
export async function steadyLoad({ origin, route, headers, rate, seconds, connections }) {
  const pool = new Pool(origin, { connections, pipelining: 1 });
  const total = Math.round(rate * seconds);
  const times = [];
  let non2xx = 0;
  let errors = 0;
  const pending = [];
  const send = (due) =>
    pool
      .request({ path: route.path, method: route.method, headers, body: route.body?.() })
      .then(async ({ statusCode, body }) => {
        await body.dump();
        if (statusCode >= 200 && statusCode < 300) times.push(performance.now() - due);
        else non2xx++;
      })
      .catch(() => errors++);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    // Everything due by now goes out now; a timer tick late by a few ms sends a few at once.
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent++) pending.push(send(start + (sent * 1000) / rate));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  await pool.close();
  return { times, requests: total, non2xx, errors };
}
