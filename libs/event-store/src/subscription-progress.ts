/**
 * What a subscription's loop shares with callers of caughtUp() and stop():
 * the position handled so far, and a pause that stop() can cut short.
 */
export class SubscriptionProgress {
  /** The last position whose batch was handled and checkpointed; undefined until the checkpoint loads. */
  position: bigint | undefined;
  running = true;
  private readonly waiting = new Set<() => void>();
  private wakeUp: (() => void) | undefined;

  moveTo(position: bigint): void {
    this.position = position;
    this.notify();
  }

  /** Resolves once the position reaches `head`, or the subscription stops. */
  async reached(head: bigint): Promise<void> {
    while (this.running && (this.position === undefined || this.position < head)) {
      await new Promise<void>((resolve) => this.waiting.add(resolve));
    }
  }

  /** Marks the subscription stopped and ends any pause at once. */
  stop(): void {
    this.running = false;
    this.wake();
  }

  /** Lets waiters re-check (after the loop has ended, they see `running` is false). */
  notify(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    waiting.forEach((resolve) => resolve());
  }

  /** Ends the current pause early (stop(), or a caughtUp() caller who wants a read now). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Sleeps for `ms`, or until wake(); returns at once when stopped. */
  pause(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
