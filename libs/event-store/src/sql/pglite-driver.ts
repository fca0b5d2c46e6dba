import { mkdirSync, statSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lock } from 'proper-lockfile';
import type { SqlClient, SqlDatabase } from './sql-driver';

/** Another process holds the data folder: PGlite has one writer, or its files are corrupted. */
export class DataFolderInUseError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `the data folder ${dataDir} is in use by another process (an engine or a CLI command); stop it first, or point DATA_DIR elsewhere`,
    );
  }
}

/**
 * PGlite, the embedded PostgreSQL: one connection in this process, file-backed
 * or in memory. A file-backed one holds a lock on its folder while open (a
 * `<folder>.lock` directory, refreshed every 10 s, stale after 30 s so a
 * killed process does not keep it): two processes on one folder would each
 * take the same event as new.
 */
export class PgliteDatabase implements SqlDatabase {
  private constructor(
    private readonly db: PGlite,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** `memory://` keeps it in memory; any other value is a folder for its files. */
  static async open(dataDir: string): Promise<PgliteDatabase> {
    if (dataDir === 'memory://') return new PgliteDatabase(await PGlite.create(), async () => {});
    mkdirSync(dataDir, { recursive: true });
    const unlock = await lockDataFolder(dataDir);
    try {
      return new PgliteDatabase(await PGlite.create(dataDir), unlock);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  async query<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(text, params as unknown[])).rows;
  }

  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <R>(text: string, params: readonly unknown[] = []) =>
          (await tx.query<R>(text, params as unknown[])).rows,
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
    await this.unlock().catch(() => undefined);
  }
}

const STALE_MS = 30_000;
const UPDATE_MS = 10_000;

/**
 * Takes the folder's lock. A lock held by a process that was killed (no
 * `close`, so never released) is only stale 30 s after its last refresh, and
 * a restart under a supervisor comes sooner: so a held lock is watched, not
 * refused at once. Its holder refreshes it every 10 s while it lives: a
 * refresh seen means another engine runs (DataFolderInUseError); no refresh
 * means a dead holder, whose lock goes stale and is taken.
 */
async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  const options = {
    stale: STALE_MS,
    update: UPDATE_MS,
    // Lost the lock (the event loop stood still past `stale` and another process took it): stop.
    onCompromised: (error: Error) => {
      process.stderr.write(`the lock on ${dataDir} was lost (${error.message}); stopping\n`);
      process.exit(1);
    },
  };
  const deadline = Date.now() + STALE_MS + UPDATE_MS;
  let firstSeen: number | undefined;
  for (;;) {
    try {
      return await lock(dataDir, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const refreshedAt = lockRefreshedAt(dataDir);
      if (firstSeen === undefined && refreshedAt !== undefined) {
        firstSeen = refreshedAt;
        process.stderr.write(
          `the data folder ${dataDir} is locked: waiting for its holder to show it is alive, or for the lock of a killed one to go stale (at most ${(STALE_MS + UPDATE_MS) / 1000} s)\n`,
        );
      } else if (refreshedAt !== undefined && refreshedAt !== firstSeen) {
        throw new DataFolderInUseError(dataDir);
      }
      if (Date.now() > deadline) throw new DataFolderInUseError(dataDir);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** When the lock's holder last refreshed it (proper-lockfile's `<folder>.lock` mtime), if it is there. */
function lockRefreshedAt(dataDir: string): number | undefined {
  try {
    return statSync(`${dataDir}.lock`).mtimeMs;
  } catch {
    return undefined;
  }
}
