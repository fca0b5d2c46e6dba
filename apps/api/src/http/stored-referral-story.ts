import type { BillingEvent } from '@referrals/contracts';
import {
  Program,
  ReferralEvent,
  ReferralStory,
  referralIdOf,
  tellReferralStory,
} from '@referrals/domain';
import type { EventStore, RecordedEvent } from '@referrals/event-store';
import { accountStream, referralStream } from '@referrals/ingestion';

/**
 * A referral's story from what the live system stored: its decisions (the
 * referral's stream) and the billing facts of the referee and its referrer
 * (their account streams), told as the analyst CLI tells it after a replay.
 * Undefined when the store knows nothing of the account.
 */
export async function storedReferralStory(
  store: EventStore,
  program: Program,
  refereeAccountId: string,
  asOf: number,
): Promise<ReferralStory | undefined> {
  const decisions = (
    await store.readStream(referralStream(referralIdOf(program.id, refereeAccountId)))
  ).map((recorded) => ({ type: recorded.type, data: recorded.data }) as ReferralEvent);
  const referee = await store.readStream(accountStream(program.id, refereeAccountId));
  if (referee.length === 0 && decisions.length === 0) return undefined;
  const created = decisions.find((d) => d.type === 'ReferralCreated');
  const referrerAccountId = created?.data.referrerAccountId;
  const referrer =
    referrerAccountId === undefined || referrerAccountId === refereeAccountId
      ? []
      : await store.readStream(accountStream(program.id, referrerAccountId));
  return tellReferralStory({
    program,
    refereeAccountId,
    facts: inEngineOrder([...referee, ...referrer]),
    decisions,
    asOf,
  });
}

/** occurredAt, ties in arrival (global) order: the order the engine applied them. */
function inEngineOrder(recorded: RecordedEvent[]): BillingEvent[] {
  return recorded
    .map((r) => ({
      event: r.data as BillingEvent,
      at: Date.parse((r.data as BillingEvent).occurredAt),
      position: r.globalPosition,
    }))
    .sort((a, b) => a.at - b.at || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
    .map((e) => e.event);
}
