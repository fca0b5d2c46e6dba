import type { BillingEvent, BillingEventOf } from '@referrals/contracts';
import { Heap } from 'heap-js';
import { AccountState, applyBillingFact } from '../account/account';
import type { ProgramRegistry } from '../programs/program-registry';
import { referralIdOf } from '../referral/ids';
import type { ReferralCommand } from '../referral/referral.commands';
import type { EarnedReward, ReferralEvent } from '../referral/referral.events';
import type { ExistingReferral } from '../referral/referral.state';
import { formatInstant, Instant, parseInstant } from '../time/calendar';
import { ReferralView, RewardView, toEarnedRewardView, toReferralView } from '../views/views';
import { ProgramBook } from './program-book';

/** The decisions taken for one referral by one step of the engine. */
export interface Decision {
  readonly program: string;
  readonly referralId: string;
  readonly refereeAccountId: string;
  readonly events: readonly ReferralEvent[];
}

interface DueCheck {
  readonly dueAt: Instant;
  readonly program: string;
  readonly refereeAccountId: string;
  readonly timerId: string;
}

/**
 * Codes are upper case (CONTRACT §1) and matched case-insensitively: only ASCII
 * letters fold, so no Unicode case mapping (ß → SS) can turn one code into another.
 */
const asciiUpperCase = (code: string) =>
  code.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) - 32));

/**
 * The referral process manager's core, in memory: it folds billing facts into
 * accounts, routes them to the referral deciders, and fires due checks. Feed
 * it events in `occurredAt` order; it fires a check due at T once it is given
 * an event after T (`apply`) or told the clock passed T (`advanceTo`). The
 * analyst replay and the live worker both run it, so they decide alike.
 */
export class ReferralEngine {
  private readonly books = new Map<string, ProgramBook>();
  private readonly checks = new Heap<DueCheck>((a, b) => a.dueAt - b.dueAt);
  private readonly earned = new Map<string, EarnedReward>();

  constructor(private readonly programs: ProgramRegistry) {}

  /** Applies one billing fact at its own time, after the checks due before it. */
  apply(event: BillingEvent): Decision[] {
    const now = parseInstant(event.occurredAt);
    const decisions = this.fireChecks(now, false);
    const book = this.book(event.program);
    const account = book.account(event.accountId);
    const firstSignup = event.type === 'account.signed_up' && account.signedUpAt === undefined;
    if (event.type === 'referral_code.assigned') this.assignCode(book, account, event.data.code);
    // What a self-referral check reads of the account (CONTRACT §2), to tell whether the fact changed it.
    const { email, organizationId } = account;
    const cards = account.paymentFingerprints.size;
    applyBillingFact(account, event, now);
    if (event.type !== 'account.signed_up') {
      decisions.push(...this.observe(book, account, event, now));
      // A later fact of a referrer can reveal a self-referral of its referees only
      // if it changed what the check reads (its email, organization or cards).
      if (
        account.email !== email ||
        account.organizationId !== organizationId ||
        account.paymentFingerprints.size !== cards
      ) {
        decisions.push(...this.observeAsReferrer(book, account, event, now));
      }
    } else if (firstSignup) {
      // The account's own referral first; then, as a referrer that signed up after
      // its referees, its details may reveal a self-referral of theirs.
      decisions.push(...this.openReferral(book, account, event, now));
      decisions.push(...this.observeAsReferrer(book, account, event, now));
    } // a later signup is ignored whole (CONTRACT §2)
    return decisions;
  }

  /** The clock reached `now`: fires every check due at or before it. */
  advanceTo(now: Instant): Decision[] {
    return this.fireChecks(now, true);
  }

  /** The earliest check not yet fired. */
  nextCheckDue(): Instant | undefined {
    return this.checks.peek()?.dueAt;
  }

  /** Checks scheduled and not yet fired, soonest first: what a timer queue should hold. */
  pendingChecks(): { timerId: string; dueAt: string }[] {
    return this.checks
      .toArray()
      .sort((a, b) => a.dueAt - b.dueAt)
      .map((check) => ({ timerId: check.timerId, dueAt: formatInstant(check.dueAt) }));
  }

  referralViews(): ReferralView[] {
    const views: ReferralView[] = [];
    for (const book of this.books.values()) {
      for (const [refereeId, referral] of book.referrals) {
        if (referral.exists) {
          const frozen = book.paymentsAtDecision.get(refereeId);
          views.push(toReferralView(book.program, referral, book.account(refereeId), frozen));
        }
      }
    }
    return views;
  }

  rewardViews(): RewardView[] {
    return [...this.earned.values()].map(toEarnedRewardView);
  }

  /** The referral an account is the referee of, as the referrer's view shows it. */
  referralView(programId: string, refereeAccountId: string): ReferralView | undefined {
    const book = this.books.get(programId);
    const referral = book?.referrals.get(refereeAccountId);
    if (!book || !referral?.exists) return undefined;
    const frozen = book.paymentsAtDecision.get(refereeAccountId);
    return toReferralView(book.program, referral, book.account(refereeAccountId), frozen);
  }

  /** The rewards earned so far through the referral of this referee. */
  rewardViewsOf(programId: string, refereeAccountId: string): RewardView[] {
    const referral = this.books.get(programId)?.referrals.get(refereeAccountId);
    if (!referral?.exists) return [];
    return referral.rewardIds.map((id) => toEarnedRewardView(this.earned.get(id) as EarnedReward));
  }

  private book(programId: string): ProgramBook {
    let book = this.books.get(programId);
    if (!book) {
      book = new ProgramBook(this.programs.require(programId));
      this.books.set(programId, book);
    }
    return book;
  }

  /** A code once held stays its holder's (ingestion rejects another claim); the old code stops attributing. */
  private assignCode(book: ProgramBook, account: AccountState, code: string) {
    const holder = book.liveCodes.get(code);
    if (holder !== undefined && holder !== account.accountId) return;
    if (account.code !== undefined && book.liveCodes.get(account.code) === account.accountId) {
      book.liveCodes.delete(account.code);
    }
    book.liveCodes.set(code, account.accountId);
  }

  private openReferral(
    book: ProgramBook,
    referee: AccountState,
    event: BillingEventOf<'account.signed_up'>,
    now: Instant,
  ): Decision[] {
    const referrerId = this.referrerOf(book, referee, event);
    if (referrerId === undefined) return [];
    const referrer = book.account(referrerId);
    const decision = this.decide(book, referee.accountId, {
      type: 'OpenReferral',
      data: {
        referralId: referralIdOf(book.program.id, referee.accountId),
        referrer,
        referee,
        eligibleReferralsOfReferrer: book.eligibleReferralsOf.get(referrerId) ?? 0,
      },
      metadata: { now },
    });
    if (!decision) return [];
    const referees = book.refereesOf.get(referrerId);
    if (referees) referees.push(referee.accountId);
    else book.refereesOf.set(referrerId, [referee.accountId]);
    if (!decision.events.some((e) => e.type === 'ReferralMarkedIneligible')) {
      book.eligibleReferralsOf.set(referrerId, (book.eligibleReferralsOf.get(referrerId) ?? 0) + 1);
    }
    return [decision];
  }

  /** Attribution resolved upstream wins; else a code another account holds right now. */
  private referrerOf(
    book: ProgramBook,
    referee: AccountState,
    event: BillingEventOf<'account.signed_up'>,
  ) {
    const { referrerAccountId, referralCode } = event.data;
    if (referrerAccountId !== undefined) return referrerAccountId;
    if (referralCode === undefined) return undefined;
    const holder = book.liveCodes.get(asciiUpperCase(referralCode));
    return holder !== undefined && holder !== referee.accountId ? holder : undefined;
  }

  private observe(
    book: ProgramBook,
    account: AccountState,
    fact: BillingEvent,
    now: Instant,
  ): Decision[] {
    const decisions: Decision[] = [];
    const ownReferral = book.referrals.get(account.accountId);
    if (ownReferral?.exists) {
      const referrer = book.account(ownReferral.referrerAccountId);
      const decision = this.decide(book, account.accountId, {
        type: 'ObserveBillingFact',
        data: { fact, referrer, referee: account },
        metadata: { now },
      });
      if (decision) decisions.push(decision);
    }
    return decisions;
  }

  /** A fact of a referrer, shown to its pending referrals: it can reveal a self-referral. */
  private observeAsReferrer(
    book: ProgramBook,
    account: AccountState,
    fact: BillingEvent,
    now: Instant,
  ): Decision[] {
    const decisions: Decision[] = [];
    for (const refereeId of book.refereesOf.get(account.accountId) ?? []) {
      if (refereeId === account.accountId) continue;
      const referral = book.referrals.get(refereeId) as ExistingReferral;
      if (referral.status !== 'pending') continue;
      const decision = this.decide(book, refereeId, {
        type: 'ObserveBillingFact',
        data: { fact, referrer: account, referee: book.account(refereeId) },
        metadata: { now },
      });
      if (decision) decisions.push(decision);
    }
    return decisions;
  }

  private fireChecks(now: Instant, inclusive: boolean): Decision[] {
    const decisions: Decision[] = [];
    for (let due = this.checks.peek(); due; due = this.checks.peek()) {
      if (inclusive ? due.dueAt > now : due.dueAt >= now) break;
      this.checks.pop();
      const book = this.book(due.program);
      const referral = book.referrals.get(due.refereeAccountId);
      if (!referral?.exists) continue;
      const decision = this.decide(book, due.refereeAccountId, {
        type: 'RunCheck',
        data: {
          timerId: due.timerId,
          referrer: book.account(referral.referrerAccountId),
          referee: book.account(due.refereeAccountId),
        },
        metadata: { now: due.dueAt },
      });
      if (decision) decisions.push(decision);
    }
    return decisions;
  }

  /** Runs the decider, folds its events into the referral, and remembers what they schedule and earn. */
  private decide(
    book: ProgramBook,
    refereeId: string,
    command: ReferralCommand,
  ): Decision | undefined {
    const state = book.referralOf(refereeId);
    const events = book.decider.decide(command, state);
    if (events.length === 0) return undefined;
    const next = events.reduce(book.decider.evolve, state);
    book.referrals.set(refereeId, next);
    if (next.exists && next.status !== 'pending' && !book.paymentsAtDecision.has(refereeId)) {
      book.paymentsAtDecision.set(refereeId, book.account(refereeId).successfulPayments);
    }
    for (const event of events) {
      if (event.type === 'CheckScheduled') {
        this.checks.push({
          dueAt: parseInstant(event.data.dueAt),
          program: book.program.id,
          refereeAccountId: refereeId,
          timerId: event.data.timerId,
        });
      } else if (event.type === 'RewardEarned') {
        this.earned.set(event.data.rewardId, event.data);
      }
    }
    return {
      program: book.program.id,
      referralId: referralIdOf(book.program.id, refereeId),
      refereeAccountId: refereeId,
      events,
    };
  }
}
