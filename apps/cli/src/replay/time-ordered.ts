import { writeFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Heap } from 'heap-js';
import { processFolder, removeProcessFolder } from '@referrals/temp-folders';
import type { HistoryEntry } from './read-history';

const byTimeThenArrival = (a: HistoryEntry, b: HistoryEntry) => a.at - b.at || a.seq - b.seq;

export interface TimeOrderOptions {
  /** Entries held in memory before a sorted run is spilled to disk. */
  readonly runSize?: number;
}

/**
 * Yields a history in `occurredAt` order (ties: arrival order) with memory
 * bounded by `runSize`: an external merge sort. A history that fits one run
 * never touches the disk; a longer one is cut into sorted runs in a temporary
 * folder and merged back.
 */
export async function* timeOrdered(
  entries: AsyncIterable<HistoryEntry>,
  { runSize = 200_000 }: TimeOrderOptions = {},
): AsyncGenerator<HistoryEntry> {
  let run: HistoryEntry[] = [];
  const runFiles: string[] = [];
  let folder: string | undefined;
  try {
    for await (const entry of entries) {
      run.push(entry);
      if (run.length >= runSize) {
        folder ??= processFolder('referrals-replay-');
        runFiles.push(await spill(folder, runFiles.length, run.sort(byTimeThenArrival)));
        run = [];
      }
    }
    run.sort(byTimeThenArrival);
    if (runFiles.length === 0) {
      yield* run;
      return;
    }
    if (run.length > 0) runFiles.push(await spill(folder as string, runFiles.length, run));
    run = [];
    yield* mergeRuns(runFiles);
  } finally {
    if (folder) removeProcessFolder(folder);
  }
}

async function spill(folder: string, index: number, run: HistoryEntry[]): Promise<string> {
  const file = join(folder, `run-${index}.ndjson`);
  await writeFile(file, run.map((e) => JSON.stringify([e.seq, e.at, e.event])).join('\n') + '\n');
  return file;
}

async function* mergeRuns(files: string[]): AsyncGenerator<HistoryEntry> {
  const readers = files.map((file) =>
    createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator](),
  );
  const next = async (source: number) => {
    const line = await readers[source].next();
    if (line.done) return undefined;
    const [seq, at, event] = JSON.parse(line.value) as [number, number, HistoryEntry['event']];
    return { entry: { seq, at, event }, source };
  };
  type Head = { entry: HistoryEntry; source: number };
  const heads = new Heap<Head>((a, b) => byTimeThenArrival(a.entry, b.entry));
  for (let i = 0; i < readers.length; i++) {
    const head = await next(i);
    if (head) heads.push(head);
  }
  for (let head = heads.pop(); head; head = heads.pop()) {
    yield head.entry;
    const following = await next(head.source);
    if (following) heads.push(following);
  }
}
