import { mkdirSync } from 'node:fs';
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
    const unlock = await lock(dataDir, {
      stale: 30_000,
      update: 10_000,
      // Lost the lock (the event loop stood still past `stale` and another process took it): stop.
      onCompromised: (error) => {
        process.stderr.write(`the lock on ${dataDir} was lost (${error.message}); stopping\n`);
        process.exit(1);
      },
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ELOCKED') throw new DataFolderInUseError(dataDir);
      throw error;
    });
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
