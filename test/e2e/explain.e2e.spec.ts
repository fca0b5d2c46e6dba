import type { ReferralStory } from '@referrals/domain';
import { example, runCli } from '../../apps/cli/src/testing/run-cli';
import {
  api,
  exampleHistory,
  inTimeOrder,
  KALLYAI_KEY,
  readEvents,
  startTestEngine,
  untilIdle,
} from '../support/engine-harness';

/**
 * GET /v1/programs/:program/referrals/:refereeId/explain tells, from the stored
 * decisions, the same story `referrals explain` tells from a replay.
 */
describe('explain: the API from stored decisions = the CLI from a replay', () => {
  let harness: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    harness = await startTestEngine();
    const events = inTimeOrder(readEvents(exampleHistory('all-programs')));
    const posted = await api(harness.engine, 'POST', '/v1/events', events);
    expect(posted.status).toBe(202);
    await untilIdle(harness.engine);
  }, 120_000);
  afterAll(() => harness?.stop());

  const cases: [string, string, string][] = [
    ['smithai', 'r1', 'rewarded'],
    ['smithai', 'r2', 'forfeited'],
    ['kallyai', 'bob', 'rewarded'],
    ['callrail', 'y-corp', 'pending'],
  ];

  it.each(cases)('%s referee %s (%s)', async (program, referee, status) => {
    const live = await api(
      harness.engine,
      'GET',
      `/v1/programs/${program}/referrals/${referee}/explain`,
    );
    expect(live.status).toBe(200);
    const cli = await runCli([
      'explain',
      ...['--input', example('histories', 'all-programs.ndjson')],
      ...['--program', program, '--referee', referee, '--json'],
    ]);
    expect(cli.code).toBe(0);
    const replayed: ReferralStory = JSON.parse(cli.stdout);
    expect(replayed.status).toBe(status);
    expect(replayed.steps.some((s) => s.decisions.length > 0)).toBe(true);
    const { asOf: _live, ...fromStore } = live.body as ReferralStory;
    const { asOf: _cli, ...fromReplay } = replayed;
    expect(fromStore).toEqual(fromReplay);
  });

  it('answers 404 for an account the program never saw, 403 for another program key', async () => {
    const missing = await api(
      harness.engine,
      'GET',
      '/v1/programs/smithai/referrals/nobody/explain',
    );
    expect(missing.status).toBe(404);
    const other = await api(
      harness.engine,
      'GET',
      '/v1/programs/smithai/referrals/r1/explain',
      undefined,
      KALLYAI_KEY,
    );
    expect(other.status).toBe(403);
    const unknown = await api(harness.engine, 'GET', '/v1/programs/nope/referrals/r1/explain');
    expect(unknown.status).toBe(404);
  });
});
