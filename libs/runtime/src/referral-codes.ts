import { createHash, randomInt } from 'node:crypto';
import type { BillingEvent } from '@referrals/contracts';
import type { EventStore } from '@referrals/event-store';
import { accountStream, EventIngestor } from '@referrals/ingestion';

// No 0/O, 1/I/L or U: a code read aloud or copied by hand stays unambiguous.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const randomCode = () =>
  Array.from(
    { length: 8 },
    (_, i) => (i === 4 ? '-' : '') + ALPHABET[randomInt(ALPHABET.length)],
  ).join('');

/**
 * The id of the event that issues an account's code: the account's id in it,
 * unless that would pass §1's 200 characters (an account id may have 200 of
 * its own); then a digest of it, so every account can be issued a code.
 */
export function issuedCodeEventId(accountId: string): string {
  const id = `engine-issued-code:${accountId}`;
  if ([...id].length <= 200) return id;
  return `engine-issued-code:sha256:${createHash('sha256').update(accountId).digest('hex')}`;
}

export interface IssuedCode {
  program: string;
  accountId: string;
  code: string;
  shareLink: string;
}

/** Issues an account's referral code once; asking again returns the same code. */
export class ReferralCodes {
  constructor(
    private readonly store: EventStore,
    private readonly ingestor: EventIngestor,
    /** Read at each issue: the listening address is known only once the server listens. */
    private readonly shareLinkBase: () => string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async current(program: string, accountId: string): Promise<IssuedCode | undefined> {
    const events = await this.store.readStream(accountStream(program, accountId));
    let latest: BillingEvent | undefined;
    for (const { data } of events) {
      const event = data as BillingEvent;
      if (event.type !== 'referral_code.assigned') continue;
      if (!latest || Date.parse(event.occurredAt) >= Date.parse(latest.occurredAt)) latest = event;
    }
    if (latest?.type !== 'referral_code.assigned') return undefined;
    return this.issued(program, accountId, latest.data.code);
  }

  async issue(program: string, accountId: string): Promise<IssuedCode> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.current(program, accountId);
      if (existing) return existing;
      const outcome = await this.ingestor.ingest({
        // One engine-issued code per account: a concurrent second request is a duplicate.
        id: issuedCodeEventId(accountId),
        type: 'referral_code.assigned',
        program,
        accountId,
        occurredAt: this.clock().toISOString(),
        data: { code: randomCode() },
      });
      if (outcome.status === 'invalid')
        throw new Error(outcome.problems.map((p) => `${p.path}: ${p.rule}`).join('; '));
      // 'conflict': the random code is taken; draw another.
    }
    throw new Error('could not find a free referral code');
  }

  private issued(program: string, accountId: string, code: string): IssuedCode {
    return {
      program,
      accountId,
      code,
      shareLink: `${this.shareLinkBase()}/${program}/${encodeURIComponent(code)}`,
    };
  }
}
