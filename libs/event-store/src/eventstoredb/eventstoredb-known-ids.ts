/** What this process knows of one stream: its version when last looked at, and the ids up to it. */
export interface KnownStream {
  version: bigint;
  readonly ids: Set<string>;
}

/**
 * The event ids of streams this process appended to lately, so an append
 * that expects nothing of its stream (`any`) can skip ids already there
 * without reading the whole stream again: only what others appended since
 * (the append itself then expects the version seen, so nothing slips in
 * between). EventStoreDB's own idempotence for `any` covers only repeats
 * still in its in-memory cache. Least recently used streams go first once
 * more than `limit` ids are held; a stream read again starts from scratch.
 */
export class KnownIds {
  private readonly streams = new Map<string, KnownStream>();
  private held = 0;

  constructor(private readonly limit = 100_000) {}

  /** The stream as known (version -1n and no ids for one not known); most recently used from now. */
  get(streamId: string): KnownStream {
    const known = this.streams.get(streamId) ?? { version: -1n, ids: new Set<string>() };
    this.streams.delete(streamId);
    this.streams.set(streamId, known);
    return known;
  }

  /** The stream as known, if it is, without counting as a use. */
  peek(streamId: string): KnownStream | undefined {
    return this.streams.get(streamId);
  }

  /** Events read or written in order after `known.version`: their ids, and the version they reach. */
  extend(streamId: string, known: KnownStream, ids: readonly string[], version: bigint): void {
    if (this.streams.get(streamId) !== known) {
      // Evicted meanwhile: held again, counted again.
      this.forget(streamId);
      this.streams.set(streamId, known);
      this.held += known.ids.size;
    }
    for (const id of ids) {
      if (known.ids.has(id)) continue;
      known.ids.add(id);
      this.held++;
    }
    known.version = version;
    this.evict();
  }

  /** Forget a stream (its version moved in a way this process cannot follow). */
  forget(streamId: string): void {
    const known = this.streams.get(streamId);
    if (!known) return;
    this.held -= known.ids.size;
    this.streams.delete(streamId);
  }

  private evict(): void {
    for (const [streamId] of this.streams) {
      if (this.held <= this.limit || this.streams.size <= 1) return;
      this.forget(streamId);
    }
  }
}
