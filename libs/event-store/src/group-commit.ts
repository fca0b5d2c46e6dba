import type { AppendResult, StreamWrite } from './event-store.port';

interface Waiting {
  readonly writes: readonly StreamWrite[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Events after which a transaction takes no more callers (a caller's writes are never split). Default 5,000. */
  readonly maxEvents?: number;
  /**
   * Transactions committing at once. Default 2: an append that arrives while
   * one commits starts at once instead of waiting for that commit's round trip;
   * the database flushes both commit records with the next WAL write, and
   * more waiting appends group into the next free transaction.
   */
  readonly maxInFlight?: number;
}

/**
 * Group commit: appends that arrive while transactions are committing wait
 * and then go together in the next one, so one fsync serves many requests.
 * Up to `maxInFlight` transactions commit at once, so an append waits for a
 * free transaction, not for every commit before it. Each caller keeps
 * all-or-nothing: if a combined transaction fails, every caller in it is
 * retried alone and gets its own outcome. Callers are answered only when
 * their transaction has committed.
 */
export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  private readonly maxEvents: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly commit: (writes: readonly StreamWrite[]) => Promise<AppendResult[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? 5_000;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  append(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, resolve, reject });
      this.startGroups();
    });
  }

  /** Starts a transaction for what is waiting while there is room for one. */
  private startGroups(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.take();
      this.inFlight++;
      void this.commitGroup(group).finally(() => {
        this.inFlight--;
        this.startGroups();
      });
    }
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    if (group.length === 1) return this.commitAlone(group[0]);
    try {
      const results = await this.commit(group.flatMap((w) => w.writes));
      let offset = 0;
      for (const waiting of group) {
        waiting.resolve(results.slice(offset, offset + waiting.writes.length));
        offset += waiting.writes.length;
      }
    } catch {
      for (const waiting of group) await this.commitAlone(waiting);
    }
  }

  private take(): Waiting[] {
    const group: Waiting[] = [];
    let events = 0;
    while (this.queue.length > 0 && (group.length === 0 || events < this.maxEvents)) {
      const next = this.queue.shift() as Waiting;
      group.push(next);
      events += next.writes.reduce((n, w) => n + w.events.length, 0);
    }
    return group;
  }

  private async commitAlone(waiting: Waiting): Promise<void> {
    try {
      waiting.resolve(await this.commit(waiting.writes));
    } catch (error) {
      waiting.reject(error);
    }
  }
}
