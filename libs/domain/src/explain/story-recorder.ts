import type { BillingEvent } from '@referrals/contracts';
import type { Decision, ReferralEngine } from '../engine/referral-engine';
import type { Program } from '../programs/program.schema';
import type { ReferralEvent } from '../referral/referral.events';
import type { Instant } from '../time/calendar';
import { ReferralStory, tellReferralStory } from './referral-story';

/**
 * Runs an engine as the replay does and keeps what one referral's story
 * needs: the facts of its two accounts and the referral's own decisions.
 * The engine is used as it is; the recorder only watches what goes in and
 * what `apply` and `advanceTo` return.
 */
export class ReferralStoryRecorder {
  /** Facts of the program in engine order. Until the referee signs up its referrer is unknown, so all are kept. */
  private facts: BillingEvent[] = [];
  private readonly decisions: ReferralEvent[] = [];
  private referrerAccountId: string | undefined;
  private settled = false;

  constructor(
    private readonly engine: ReferralEngine,
    private readonly program: Program,
    private readonly refereeAccountId: string,
  ) {}

  apply(event: BillingEvent): void {
    const ours = event.program === this.program.id;
    if (ours && (!this.settled || this.concerns(event))) this.facts.push(event);
    this.note(this.engine.apply(event));
    if (
      ours &&
      !this.settled &&
      event.type === 'account.signed_up' &&
      event.accountId === this.refereeAccountId
    ) {
      // The referee's first signup decided who its referrer is: other accounts no longer matter.
      this.settled = true;
      this.facts = this.facts.filter((e) => this.concerns(e));
    }
  }

  advanceTo(now: Instant): void {
    this.note(this.engine.advanceTo(now));
  }

  story(asOf: Instant): ReferralStory {
    return tellReferralStory({
      program: this.program,
      refereeAccountId: this.refereeAccountId,
      facts: this.facts.filter((e) => this.concerns(e)),
      decisions: this.decisions,
      asOf,
    });
  }

  private concerns(event: BillingEvent) {
    return event.accountId === this.refereeAccountId || event.accountId === this.referrerAccountId;
  }

  private note(decisions: readonly Decision[]) {
    for (const decision of decisions) {
      if (
        decision.program !== this.program.id ||
        decision.refereeAccountId !== this.refereeAccountId
      )
        continue;
      for (const event of decision.events) {
        if (event.type === 'ReferralCreated') this.referrerAccountId = event.data.referrerAccountId;
        this.decisions.push(event);
      }
    }
  }
}
