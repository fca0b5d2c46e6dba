import { setFlagsFromString } from 'node:v8';

/**
 * A replay makes far more garbage than it keeps (every line parsed twice, a
 * referral state per decision), and by default V8 lets the old generation
 * grow to about twice what survived its last full collection before it
 * collects again. Analysts run replays beside other work, so the replay asks
 * for a 20 % margin instead: on the benchmark's 1M-event history the peak
 * RSS falls by about a third for a few per cent more CPU (see README,
 * "Replay performance"). V8 reads the factor each time it sizes the heap, so
 * setting it at run time takes effect for the rest of the process.
 */
export function keepHeapNearLiveSize(): void {
  setFlagsFromString('--heap-growing-percent=20');
}
