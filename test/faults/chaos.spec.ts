import { runChaos } from './chaos/chaos-run';

/**
 * The chaos run, short (CI): 3,000 events sent three times over, workers
 * SIGKILLed every three seconds, a worker frozen past its leases twice, the API
 * killed (once more while PostgreSQL is cut), Redis restarted empty,
 * PostgreSQL away for four seconds. `npm run chaos` runs the long one
 * (CHAOS_EVENTS=50000, PostgreSQL away ten seconds). Needs `npm run build`.
 */
const EVENTS = Number(process.env.CHAOS_EVENTS ?? 3_000);
const LONG = EVENTS >= 20_000;

describe('chaos', () => {
  it(
    `${EVENTS} events through crashes and outages: none lost, none doubled, none stuck, ledger = replay`,
    async () => {
      const outcome = await runChaos({
        events: EVENTS,
        workers: LONG ? 3 : 2,
        killEveryMs: 3_000,
        pgOutageMs: LONG ? 10_000 : 4_000,
        settleMs: LONG ? 2_400_000 : 120_000,
      });
      process.stdout.write(
        `faults:\n  ${outcome.faults.join('\n  ')}\nunplanned exits: ${JSON.stringify(outcome.unplannedExits)}; ${outcome.seconds}s; logs in ${outcome.logDir}\n`,
      );
      const { audit } = outcome;
      expect(audit.eventsStored).toBe(outcome.historyEvents);
      expect(audit.eventsLost).toBe(0);
      expect(audit.rewardsDecidedByReplay).toBeGreaterThan(EVENTS / 20);
      expect(audit.rewardsDecided).toBe(audit.rewardsDecidedByReplay);
      expect(audit.rewardsDecidedTwice).toBe(0);
      expect(audit.rewardsPaidTwice).toBe(0);
      expect(audit.rewardsStuck).toBe(0);
      expect(audit.webhooksDelivered).toBeGreaterThanOrEqual(audit.webhooksOwed);
      for (const [kind, { ledger, replay }] of Object.entries(audit.money))
        expect({ kind, ledger }).toEqual({ kind, ledger: replay });
      // No process ends by itself, whatever PostgreSQL or Redis do: the API restarted
      // while PostgreSQL is cut waits for it as the workers do.
      for (const [name, exits] of Object.entries(outcome.unplannedExits))
        expect({ name, exits }).toEqual({ name, exits: 0 });
    },
    LONG ? 4_200_000 : 300_000,
  );
});
