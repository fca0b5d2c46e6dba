import { wholeNumberFromEnv } from '../../options/whole-number-env';

/**
 * How many threads a replay uses: one (this thread alone) unless
 * `REPLAY_THREADS` asks for more (a whole number from 1 to
 * MAX_REPLAY_THREADS; anything else is a usage error).
 *
 * Threads trade memory for time. Each has a heap of its own, and several
 * books' engines live at once. On the 2-core machine this was measured on,
 * two threads replayed 1M events in 6.3 s at 323 MB peak against 7.9 s at
 * 174 MB on one (README, Benchmarks). So the bound on memory is the default, and
 * threads, up to one per core, are for a machine with memory to spare.
 */
export const replayThreadCount = (env: NodeJS.ProcessEnv = process.env): number =>
  wholeNumberFromEnv(env, 'REPLAY_THREADS', 1, MAX_REPLAY_THREADS);

/**
 * The most threads a replay takes: more than a machine's cores only costs
 * memory (a heap each), and a thousand would start a thousand heaps before
 * the first line is read.
 */
export const MAX_REPLAY_THREADS = 64;
