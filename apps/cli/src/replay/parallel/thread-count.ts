import { wholeNumberFromEnv } from '../../options/whole-number-env';

/**
 * How many threads a replay uses: one (this thread alone) unless
 * `REPLAY_THREADS` asks for more (a whole number of at least 1; anything
 * else is a usage error).
 *
 * Threads trade memory for time. Each has a heap of its own (40–55 MB), and
 * the views of every program are held until they are printed, where one
 * thread writes each program's out as it finishes. On the 2-core machine this
 * was measured on, three threads replayed 1M events in 18.8 s at 482 MB peak
 * against 22.7 s at 212 MB on one (two JSON-parsing loops there run at 1.1x
 * one: they share the memory bandwidth). So the bound on memory is the
 * default, and threads, one per program (`REPLAY_THREADS=3` for the three
 * built-in programs), are for a machine with cores and memory to spare.
 */
export const replayThreadCount = (env: NodeJS.ProcessEnv = process.env): number =>
  wholeNumberFromEnv(env, 'REPLAY_THREADS', 1);
