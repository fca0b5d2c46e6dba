import { ProgramRegistry } from '@referrals/domain';
import { InMemoryEventStore, StreamWrite } from '@referrals/event-store';
import { EventIngestor } from './event-ingestor';
import { accountStream, CODE_STREAM_PREFIX } from './streams';

/**
 * All or nothing on a store without multi-stream transactions (EventStoreDB),
 * played on the in-memory store made to append stream by stream and to fail
 * the way EventStoreDB can: after some streams of a batch went in.
 */

const NOW = new Date('2026-03-01T12:00:00Z');
const at = '2026-03-01T11:00:00Z';
const fact = (id: string, type: string, accountId: string, data: object = {}) => ({
  id,
  type,
  program: 'callrail',
  accountId,
  occurredAt: at,
  data,
});
const assign = (id: string, accountId: string, code: string) =>
  fact(id, 'referral_code.assigned', accountId, { code });

// Writes, in order: the claim of CODE-A1, then the streams of acct-a, acct-b, acct-c.
const batch = [
  assign('e1', 'acct-a', 'CODE-A1'),
  fact('e2', 'account.signed_up', 'acct-b', { referralCode: 'CODE-A1' }),
  fact('e3', 'account.signed_up', 'acct-c'),
];

/** A store on which a rival request gets in just before the next batch is appended. */
class RivalFirstStore extends InMemoryEventStore {
  rival: (() => Promise<unknown>) | undefined;
  override async appendBatch(writes: readonly StreamWrite[]) {
    const rival = this.rival;
    this.rival = undefined;
    await rival?.();
    return super.appendBatch(writes);
  }
}

const setup = () => {
  const store = new RivalFirstStore({ atomicBatches: false });
  const ingestor = new EventIngestor(store, ProgramRegistry.withBuiltins(), () => NOW, 300_000);
  return { store, ingestor };
};
const billingIds = async (store: InMemoryEventStore) =>
  (await store.readAll({ streamPrefixes: ['account:'] })).map((e) => (e.data as { id: string }).id);
const holderOf = async (store: InMemoryEventStore, code: string) => {
  const claims = await store.readAll({ streamPrefixes: [`${CODE_STREAM_PREFIX}callrail:${code}`] });
  return claims.map((e) => (e.data as { accountId: string }).accountId);
};

describe('a batch on a store that appends stream by stream', () => {
  it('given the store stops after the claim and one account, when tried again at once, then it completes and is answered as stored whole', async () => {
    const { store, ingestor } = setup();
    store.failAppendAfter(2, { error: new Error('connection reset') });
    const outcome = await ingestor.ingest(batch);
    expect(outcome).toEqual({ status: 'accepted', stored: 3, duplicates: 0 });
    expect(await billingIds(store)).toEqual(['e1', 'e2', 'e3']);
    expect(await holderOf(store, 'CODE-A1')).toEqual(['acct-a']);
  });

  it("given the store keeps failing, then the request fails with the store's own error, and upstream's retry completes the batch", async () => {
    const { store, ingestor } = setup();
    store.failAppendAfter(2, { error: new Error('connection reset'), times: 3 });
    await expect(ingestor.ingest(batch)).rejects.toEqual(new Error('connection reset'));
    // Each try went further (its claim was its own the second time): all but acct-c's fact is in.
    expect(await billingIds(store)).toEqual(['e1', 'e2']);
    expect(await holderOf(store, 'CODE-A1')).toEqual(['acct-a']);

    const retried = await ingestor.ingest(batch);
    // Stored by the failed request, so duplicates now (as when a response is lost after a commit).
    expect(retried).toEqual({ status: 'accepted', stored: 1, duplicates: 2 });
    expect(await billingIds(store)).toEqual(['e1', 'e2', 'e3']);
    expect(await holderOf(store, 'CODE-A1')).toEqual(['acct-a']);

    // The same stored history as an all-or-nothing store ends with.
    const atomic = new InMemoryEventStore();
    await new EventIngestor(atomic, ProgramRegistry.withBuiltins(), () => NOW, 300_000).ingest(
      batch,
    );
    const streamsOf = async (s: InMemoryEventStore) =>
      (await s.readAll()).map((e) => [e.streamId, e.eventId, e.streamPosition]);
    expect(await streamsOf(store)).toEqual(await streamsOf(atomic));
  });

  it('given a rival claims the code first, then 409 and no fact of the batch is stored', async () => {
    const { store, ingestor } = setup();
    store.rival = () => ingestor.ingest(assign('z1', 'acct-z', 'CODE-A1'));
    const outcome = await ingestor.ingest(batch);
    expect(outcome).toMatchObject({ status: 'conflict', problems: [{ path: '[0].data.code' }] });
    expect(await billingIds(store)).toEqual(['z1']);
    expect(await holderOf(store, 'CODE-A1')).toEqual(['acct-z']);
  });

  it('given a rival claims the code first on an all-or-nothing store too, then 409: claims of one code by two accounts are two events', async () => {
    const store = new RivalFirstStore();
    const ingestor = new EventIngestor(store, ProgramRegistry.withBuiltins(), () => NOW, 300_000);
    store.rival = () => ingestor.ingest(assign('z1', 'acct-z', 'CODE-A1'));
    await expect(ingestor.ingest(batch)).resolves.toMatchObject({ status: 'conflict' });
    expect(await billingIds(store)).toEqual(['z1']);
    expect(await holderOf(store, 'CODE-A1')).toEqual(['acct-z']);
  });

  it('given a rival takes the second of two codes after the first was claimed, then 409, no fact stored, and the first code stays with the account that claimed it', async () => {
    const { store, ingestor } = setup();
    store.rival = () => ingestor.ingest(assign('z1', 'acct-z', 'CODE-Y1'));
    const outcome = await ingestor.ingest([
      assign('a1', 'acct-a', 'CODE-X1'),
      assign('a2', 'acct-a', 'CODE-Y1'),
    ]);
    expect(outcome).toMatchObject({ status: 'conflict', problems: [{ path: '[1].data.code' }] });
    expect(await billingIds(store)).toEqual(['z1']);
    // What a transaction would have rolled back: the claim of CODE-X1, a reservation of acct-a's.
    expect(await holderOf(store, 'CODE-X1')).toEqual(['acct-a']);
    await expect(ingestor.ingest(assign('q1', 'acct-q', 'CODE-X1'))).resolves.toMatchObject({
      status: 'conflict',
    });
    await expect(ingestor.ingest(assign('a3', 'acct-a', 'CODE-X1'))).resolves.toEqual({
      status: 'accepted',
      stored: 1,
      duplicates: 0,
    });
    expect((await store.readStream(accountStream('callrail', 'acct-a'))).length).toBe(1);
  });
});
