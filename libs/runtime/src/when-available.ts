/** What whenAvailable() is told and tells while it waits. */
export interface WaitOptions {
  /** One line per failed attempt, naming what failed and when the next one is. */
  readonly say: (line: string) => void;
  /** Told of each failure that passes, before the pause (a stand-in server shows it). */
  readonly onOutage?: (error: unknown, attempt: number) => void;
  /** Stops the waiting: the pause ends at once and no further attempt is made. */
  readonly signal?: AbortSignal;
  /** The pause after a failed attempt (default: 250 ms more each time, at most 5 s). */
  readonly delayMs?: (attempt: number) => number;
}

/** 250 ms, 500 ms, … up to 5 s between attempts: quick after a blip, gentle through an outage. */
export const retryDelayMs = (attempt: number): number => Math.min(5_000, 250 * attempt);

/**
 * Tries `open` until it succeeds while `passing(error)` says the failure is
 * an outage (the store or Redis not answering yet), so a process started
 * during an outage waits for it to end instead of exiting. Any other failure
 * (a wrong password, a missing database) is thrown at once: waiting would
 * not fix it. The worker and the API wait with this same loop.
 */
export async function whenAvailable<T>(
  what: string,
  open: () => Promise<T>,
  passing: (error: unknown) => boolean,
  options: WaitOptions,
): Promise<T> {
  const delayOf = options.delayMs ?? retryDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      if (!passing(error)) throw error;
      const delay = delayOf(attempt);
      options.say(waitingLine(what, attempt, reason(error), delay));
      options.onOutage?.(error, attempt);
      await pause(delay, options.signal);
    }
  }
}

/** The line said for a failed attempt; Redis connecting in the background (openRedis) says the same. */
export function waitingLine(
  what: string,
  attempt: number,
  failure: string,
  delayMs: number,
): string {
  return `waiting for ${what}: attempt ${attempt} failed: ${failure}; next in ${delayMs} ms`;
}

/** An error's own words, whatever kind of error it is (AggregateError's message is often empty). */
export function reason(error: unknown): string {
  if (error instanceof AggregateError && !error.message)
    return error.errors.map(reason).join('; ') || 'AggregateError';
  // Duck-typed too: an error from another realm (a vm context, as under jest) is no `instanceof Error`.
  if (
    error instanceof Error ||
    (typeof error === 'object' && error !== null && 'message' in error)
  ) {
    const { message, code, name } = error as NodeJS.ErrnoException;
    return message || code || name;
  }
  return String(error);
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    signal?.addEventListener('abort', stop, { once: true });
  });
}
