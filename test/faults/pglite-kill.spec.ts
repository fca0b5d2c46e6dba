import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgliteDatabase } from '@referrals/event-store';
import {
  BUILT_API,
  recentSignup,
  startBuilt,
  stopBuilt,
  until,
  type BuiltProcess,
} from '../support/built-process';
import { freePort, PrivateRedis } from '../support/private-redis';

const ADMIN_KEY = 'pglite-kill-admin-key';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm start`'s engine (API and worker in one process, on PGlite) SIGKILLed
 * while an upstream posts single events, and started again at once, as a
 * supervisor does: it must come back by itself (the killed process's lock on
 * the data folder is never released, only goes stale) and have kept every
 * event it acknowledged.
 */
describe('the embedded engine killed while it takes events', () => {
  it('comes back by itself after each SIGKILL and has kept every event it acknowledged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'referrals-pglite-kill-'));
    const redis = await PrivateRedis.start();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      EVENT_STORE: 'pglite',
      DATA_DIR: dataDir,
      RUN_WORKER: 'true',
      REDIS_URL: redis.url,
      PORT: String(port),
      ADMIN_API_KEY: ADMIN_KEY,
    };
    const acknowledged: string[] = [];
    let posting = true;
    // An upstream that retries each event until it is acknowledged, through every kill.
    const upstream = (async () => {
      for (let i = 0; posting; i++) {
        const event = recentSignup(`evt-${i}`, `acct-${i}`);
        while (posting) {
          const answer = await fetch(`${base}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
            body: JSON.stringify(event),
          }).catch(() => undefined);
          if (answer?.status === 202) {
            acknowledged.push(event.id);
            break;
          }
          await sleep(50);
        }
      }
    })();
    const ready = () =>
      until('the engine ready', 90_000, async () =>
        (await fetch(`${base}/health/ready`)).status === 200 ? true : undefined,
      );
    let engine: BuiltProcess | undefined;
    try {
      for (let kill = 1; kill <= 2; kill++) {
        engine = startBuilt(BUILT_API, env);
        await ready();
        const before = acknowledged.length;
        await until('events acknowledged', 30_000, async () =>
          acknowledged.length >= before + 50 ? true : undefined,
        );
        engine.child.kill('SIGKILL');
        await engine.exited;
      }
      engine = startBuilt(BUILT_API, env);
      await ready();
      // It said why it waited: a lock nobody refreshed, not another engine.
      expect(engine.output.stderr).toContain(
        'is locked: waiting for its holder to show it is alive',
      );
      expect(engine.output.stderr).not.toContain('is in use by another process');
      const before = acknowledged.length;
      await until('events acknowledged after the last restart', 30_000, async () =>
        acknowledged.length >= before + 10 ? true : undefined,
      );
    } finally {
      posting = false;
      await upstream;
      if (engine) await stopBuilt(engine);
      await redis.down();
    }
    const db = await PgliteDatabase.open(join(dataDir, 'pglite'));
    try {
      const rows = await db.query<{ id: string }>(
        `SELECT data->>'id' AS id FROM referrals.events WHERE stream_id LIKE 'account:%'`,
      );
      const stored = new Set(rows.map((row) => row.id));
      expect(acknowledged.length).toBeGreaterThan(100);
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
