import type { AppendResult, StreamWrite } from './event-store.port';

interface Waiting {
  readonly writes: readonly StreamWrite[];
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit: appends that arrive while a transaction is committing wait
 * and then go together in the next one, so one fsync serves many requests.
 * Each caller keeps all-or-nothing: if a combined transaction fails, every
 * caller in it is retried alone and gets its own outcome.
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly commit: (writes: readonly StreamWrite[]) => Promise<AppendResult[]>,
    private readonly maxEvents = 5_000,
  ) {}

  append(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const group = this.take();
      if (group.length === 1) {
        await this.commitAlone(group[0]);
        continue;
      }
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
    this.flushing = false;
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
