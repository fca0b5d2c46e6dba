import { ProgramRegistry } from '@referrals/domain';
import { InMemoryEventStore } from '@referrals/event-store';
import { EventIngestor } from './event-ingestor';

/** CONTRACT §1 on the live edge: the future is not history yet (MAX_CLOCK_SKEW). */

const NOW = new Date('2026-03-01T12:00:00Z');
const signup = (id: string, occurredAt: string) => ({
  id,
  type: 'account.signed_up',
  program: 'callrail',
  accountId: `acct-${id}`,
  occurredAt,
  data: {},
});

describe('when an event is ahead of the engine’s clock', () => {
  const setup = () => {
    const store = new InMemoryEventStore();
    const ingestor = new EventIngestor(store, ProgramRegistry.withBuiltins(), () => NOW, 300_000);
    return { store, ingestor };
  };

  it('up to MAX_CLOCK_SKEW ahead is accepted', async () => {
    const { ingestor } = setup();
    await expect(ingestor.ingest(signup('e1', '2026-03-01T12:05:00Z'))).resolves.toMatchObject({
      status: 'accepted',
      stored: 1,
    });
  });

  it('further ahead is refused, naming occurredAt, and nothing of the batch is stored', async () => {
    const { store, ingestor } = setup();
    const outcome = await ingestor.ingest([
      signup('e1', '2026-03-01T11:00:00Z'),
      signup('e2', '2026-04-01T00:00:00Z'),
    ]);
    expect(outcome).toEqual({
      status: 'invalid',
      problems: [{ path: '[1].occurredAt', rule: expect.stringContaining('MAX_CLOCK_SKEW') }],
    });
    expect(await store.readAll()).toEqual([]);
  });
});
