import { Heap } from 'heap-js';

interface Held<T> {
  readonly item: T;
  readonly at: number;
  readonly seq: number;
  readonly receivedAt: number;
}

/**
 * The reordering window of CONTRACT §1 ("Live ordering") for one program: it
 * holds events and lets them out in `occurredAt` order (ties: arrival order)
 * once the newest `occurredAt` received is a window past them, or once they
 * have waited a window of wall-clock time. An event older than what already
 * went out goes out at once.
 */
export class ReorderWindow<T> {
  private readonly held = new Heap<Held<T>>((a, b) => a.at - b.at || a.seq - b.seq);
  /** Arrival order, to find what has waited a window of wall-clock time. */
  private readonly arrivals: Held<T>[] = [];
  private newestAt = -Infinity;
  private releasedUpTo = -Infinity;
  private lastReceivedAt = -Infinity;
  private seq = 0;

  constructor(private readonly windowMs: number) {}

  push(item: T, at: number, receivedAt: number): void {
    const held = { item, at, seq: this.seq++, receivedAt };
    this.held.push(held);
    this.arrivals.push(held);
    this.newestAt = Math.max(this.newestAt, at);
    this.lastReceivedAt = receivedAt;
  }

  /** What may be applied now, in order. */
  release(wallNow: number): T[] {
    let threshold = Math.max(this.newestAt - this.windowMs, this.releasedUpTo);
    while (this.arrivals.length > 0 && wallNow - this.arrivals[0].receivedAt >= this.windowMs) {
      threshold = Math.max(threshold, (this.arrivals.shift() as Held<T>).at);
    }
    const out: T[] = [];
    for (let top = this.held.peek(); top && top.at <= threshold; top = this.held.peek()) {
      out.push((this.held.pop() as Held<T>).item);
    }
    this.releasedUpTo = threshold;
    if (this.held.length === 0) this.arrivals.length = 0;
    return out;
  }

  /** When the event that arrived first among those held will have waited a window, if any is held. */
  nextReleaseAt(): number | undefined {
    return this.held.length > 0 && this.arrivals.length > 0
      ? this.arrivals[0].receivedAt + this.windowMs
      : undefined;
  }

  get size(): number {
    return this.held.length;
  }

  /** Nothing held, and nothing received for a window of wall-clock time. */
  isQuiet(wallNow: number): boolean {
    return this.held.length === 0 && wallNow - this.lastReceivedAt >= this.windowMs;
  }

  /** The items still held, for the checkpoint: nothing at or after the first of them is applied yet. */
  heldItems(): T[] {
    return this.held.toArray().map((h) => h.item);
  }
}
