import type {
  EventStore,
  RecordedEvent,
  Subscription,
  SubscriptionOptions,
} from './event-store.port';

/** What a store offers a polling subscriber beyond the port. */
export interface PollableStore extends Pick<EventStore, 'readAll' | 'checkpoints'> {
  headPosition(): Promise<bigint>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A catch-up subscription by polling: it reads past its checkpoint in global
 * order (the store's read never skips a late commit), hands each batch to the
 * handler, and stores the checkpoint only after the handler resolves. It
 * reads every stream and filters here, so its position passes events of
 * other streams too and `caughtUp` can compare with the store's head.
 */
export class PollingSubscription implements Subscription {
  private position = -1n;
  private running = true;
  private readonly loop: Promise<void>;
  private readonly started: Promise<void>;

  constructor(
    private readonly store: PollableStore,
    private readonly options: SubscriptionOptions & { pollMs?: number; retryMs?: number },
  ) {
    const checkpoints = options.checkpoints ?? store.checkpoints;
    this.started = checkpoints.load(options.subscriptionId).then((p) => {
      this.position = p ?? -1n;
    });
    this.loop = this.started.then(() => this.run());
  }

  private async run(): Promise<void> {
    const { batchSize = 500, pollMs = 20, retryMs = 500, streamPrefixes, handle } = this.options;
    const checkpoints = this.options.checkpoints ?? this.store.checkpoints;
    while (this.running) {
      let batch: RecordedEvent[];
      try {
        batch = await this.store.readAll({ after: this.position, maxCount: batchSize });
      } catch (error) {
        this.options.onError?.(error);
        await sleep(retryMs);
        continue;
      }
      if (batch.length === 0) {
        await sleep(pollMs);
        continue;
      }
      const wanted = streamPrefixes
        ? batch.filter((e) => streamPrefixes.some((prefix) => e.streamId.startsWith(prefix)))
        : batch;
      try {
        if (wanted.length > 0) await handle(wanted);
        const last = batch[batch.length - 1].globalPosition;
        await checkpoints.store(this.options.subscriptionId, last);
        this.position = last;
      } catch (error) {
        // The same batch comes again: delivery is at least once.
        this.options.onError?.(error);
        await sleep(retryMs);
      }
    }
  }

  async caughtUp(): Promise<void> {
    await this.started;
    const head = await this.store.headPosition();
    while (this.running && this.position < head) await sleep(5);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
