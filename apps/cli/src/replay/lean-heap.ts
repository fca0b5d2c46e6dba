import { setFlagsFromString } from 'node:v8';

/**
 * A replay makes far more garbage than it keeps (every line parsed twice, a
 * referral state per decision), and by default V8 lets the old generation
 * grow to about twice what survived its last full collection before it
 * collects again. Analysts run replays beside other work, so the replay asks
 * for a 20 % margin instead: on the benchmark's 1M-event history the peak
 * RSS falls from ~405 to ~257 MB for up to a tenth more time (README,
 * Benchmarks). V8 reads the factor each time it sizes the heap, so setting
 * it at run time takes effect for the rest of the process.
 */
export function keepHeapNearLiveSize(): void {
  setFlagsFromString('--heap-growing-percent=20');
}
