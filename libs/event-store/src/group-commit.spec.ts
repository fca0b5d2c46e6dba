import type { AppendResult, StreamWrite } from './event-store.port';
import { GroupCommit } from './group-commit';

/** A commit function whose transactions finish when the test says so. */
function controlledCommits() {
  const calls: { streams: string[]; finish(error?: Error): void }[] = [];
  const commit = (writes: readonly StreamWrite[]) =>
    new Promise<AppendResult[]>((resolve, reject) => {
      calls.push({
        streams: writes.map((w) => w.streamId),
        finish: (error) =>
          error
            ? reject(error)
            : resolve(
                writes.map((w) => ({
                  appended: w.events.length,
                  duplicates: 0,
                  duplicateIds: [],
                  streamVersion: BigInt(w.events.length - 1),
                })),
              ),
      });
    });
  return { calls, commit };
}

const write = (streamId: string): StreamWrite[] => [
  { streamId, events: [{ eventId: `${streamId}-1`, type: 'T', data: {} }] },
];
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Which of the promises have settled so far. */
function tracked(promises: Record<string, Promise<unknown>>) {
  const done = new Set<string>();
  for (const [name, promise] of Object.entries(promises))
    promise.then(
      () => done.add(name),
      () => done.add(`${name}:failed`),
    );
  return done;
}

describe('GroupCommit', () => {
  it('starts a second transaction while one commits, and groups what waits for a free one', async () => {
    const { calls, commit } = controlledCommits();
    const group = new GroupCommit(commit, { maxInFlight: 2 });
    const a = group.append(write('a'));
    const b = group.append(write('b'));
    const c = group.append(write('c'));
    const d = group.append(write('d'));
    const done = tracked({ a, b, c, d });
    await settled();
    expect(calls.map((call) => call.streams)).toEqual([['a'], ['b']]);

    calls[1].finish();
    await settled();
    expect([...done]).toEqual(['b']);
    expect(calls.map((call) => call.streams)).toEqual([['a'], ['b'], ['c', 'd']]);

    calls[2].finish();
    calls[0].finish();
    await settled();
    expect(done).toEqual(new Set(['a', 'b', 'c', 'd']));
    expect((await c)[0].appended).toBe(1);
  });

  it('commits one transaction at a time with maxInFlight 1', async () => {
    const { calls, commit } = controlledCommits();
    const group = new GroupCommit(commit, { maxInFlight: 1 });
    const appends = ['a', 'b', 'c'].map((s) => group.append(write(s)));
    await settled();
    expect(calls.map((call) => call.streams)).toEqual([['a']]);
    calls[0].finish();
    await settled();
    expect(calls.map((call) => call.streams)).toEqual([['a'], ['b', 'c']]);
    calls[1].finish();
    await Promise.all(appends);
  });

  it('answers no caller before its transaction commits, and each alone when a combined one fails', async () => {
    const { calls, commit } = controlledCommits();
    const group = new GroupCommit(commit, { maxInFlight: 1 });
    const first = group.append(write('first'));
    const good = group.append(write('good'));
    const bad = group.append(write('bad'));
    const done = tracked({ first, good, bad });
    await settled();
    calls[0].finish();
    await settled();
    expect(calls[1].streams).toEqual(['good', 'bad']);
    expect([...done]).toEqual(['first']);

    calls[1].finish(new Error('one of them conflicts'));
    await settled();
    expect(calls[2].streams).toEqual(['good']);
    calls[2].finish();
    await settled();
    expect(calls[3].streams).toEqual(['bad']);
    expect(done.has('good')).toBe(true);
    calls[3].finish(new Error('conflict'));
    await expect(bad).rejects.toThrow('conflict');
  });
});
