import type { Redis } from 'ioredis';
import type { ManagerStatus } from './referral-process-manager';

/** A program's manager as readiness reports it, wherever it runs. */
export type ProgramManagerReport =
  | (ManagerStatus & { readonly worker: string })
  | { readonly program: string; readonly state: 'unled' };

/**
 * Where each worker posts the state of the managers it leads, every lease
 * round, with the lease's life: any process (the API's readiness) can say
 * which worker leads each program and whether its manager runs, recovers or
 * stopped, and a program nobody posts for shows as unled.
 */
export class ManagerStatusBoard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async post(worker: string, statuses: readonly ManagerStatus[], ttlMs: number): Promise<void> {
    if (statuses.length === 0) return;
    const batch = this.redis.multi();
    for (const status of statuses)
      batch.set(this.key(status.program), JSON.stringify({ ...status, worker }), 'PX', ttlMs);
    await batch.exec();
  }

  async read(programs: readonly string[]): Promise<ProgramManagerReport[]> {
    if (programs.length === 0) return [];
    const posted = await this.redis.mget(...programs.map((p) => this.key(p)));
    return programs.map((program, i) =>
      posted[i] ? (JSON.parse(posted[i]) as ProgramManagerReport) : { program, state: 'unled' },
    );
  }

  private key(program: string): string {
    return `${this.prefix}:manager-status:${program}`;
  }
}
