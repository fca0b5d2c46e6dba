import { availableParallelism } from 'node:os';

/** Below this, starting threads costs more than they save. */
const PARALLEL_FROM_BYTES = 16 << 20;

/**
 * How many threads a replay of `bytes` uses: 1 (this thread alone) for small
 * histories or a machine of two cores or fewer, else one per program (each
 * program's book replays on its own thread), at least one per core and at
 * most two per core. On the two-core machine this was measured on, threads
 * gained 5 % at 1M events and 26 % at 2M for 180 and 300 MB more (two JSON
 * parsing loops there run at 1.1x one: they share the memory bandwidth), so
 * two cores replay on one thread. `REPLAY_THREADS` overrides it (1: never
 * start a thread).
 */
export function replayThreadCount(
  bytes: number,
  programs: number,
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
): number {
  const forced = Number(env.REPLAY_THREADS);
  if (Number.isInteger(forced) && forced >= 1) return forced;
  if (cores <= 2 || bytes < PARALLEL_FROM_BYTES) return 1;
  return Math.min(Math.max(programs, cores), cores * 2);
}
