import { availableParallelism } from 'node:os';

/** Below this, starting threads costs more than they save. */
const PARALLEL_FROM_BYTES = 16 << 20;

/**
 * How many threads a replay of `bytes` uses: 1 (this thread alone) for small
 * histories or a one-core machine, else one per program (each program's book
 * replays on its own thread), at least one per core and at most two per core.
 * `REPLAY_THREADS` overrides it (1: never start a thread).
 */
export function replayThreadCount(
  bytes: number,
  programs: number,
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
): number {
  const forced = Number(env.REPLAY_THREADS);
  if (Number.isInteger(forced) && forced >= 1) return forced;
  if (cores < 2 || bytes < PARALLEL_FROM_BYTES) return 1;
  return Math.min(Math.max(programs, cores), cores * 2);
}
