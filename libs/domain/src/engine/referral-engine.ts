import type { BillingEvent, BillingEventOf } from '@referrals/contracts';
import { Heap } from 'heap-js';
import { foldedCode } from '../codes/code-case';
import { AccountState, applyBillingFact } from '../account/account';
import type { ProgramRegistry } from '../programs/program-registry';
import { referralIdOf } from '../referral/ids';
import type { ReferralCommand } from '../referral/referral.commands';
import type { EarnedReward, ReferralEvent } from '../referral/referral.events';
import { ExistingReferral, isDecided, ReferralState } from '../referral/referral.state';
import { formatInstant, Instant, parseInstant } from '../time/calendar';
import { ReferralView, RewardView, toEarnedRewardView, toReferralView } from '../views/views';
import { AccountEntry, ProgramBook } from './program-book';

/** The decisions taken for one referral by one step of the engine. */
export interface Decision {
  readonly program: string;
  readonly referralId: string;
  readonly refereeAccountId: string;
  readonly events: readonly ReferralEvent[];
}

interface DueCheck {
  readonly dueAt: Instant;
  readonly book: ProgramBook;
  readonly referee: AccountEntry;
  readonly timerId: string;
}

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
    const decisions: Decision[] = [];
    this.fireChecks(now, false, decisions);
    const book = this.book(event.program);
    const entry = book.entry(event.accountId);
    const { account } = entry;
    const firstSignup = event.type === 'account.signed_up' && account.signedUpAt === undefined;
    if (event.type === 'referral_code.assigned') this.assignCode(book, account, event.data.code);
    // What a self-referral check reads of the account (CONTRACT §2), to tell whether the fact changed it.
    const { email, organizationId } = account;
    const cards = account.paymentFingerprints.length;
    applyBillingFact(account, event, now);
    if (event.type !== 'account.signed_up') {
      const observed = this.observe(book, entry, event, now);
      if (observed) decisions.push(observed);
      // A later fact of a referrer can reveal a self-referral of its referees only
      // if it changed what the check reads (its email, organization or cards).
      if (
        account.email !== email ||
        account.organizationId !== organizationId ||
        account.paymentFingerprints.length !== cards
      ) {
        this.observeAsReferrer(book, entry, event, now, decisions);
      }
    } else if (firstSignup) {
      // The account's own referral first; then, as a referrer that signed up after
      // its referees, its details may reveal a self-referral of theirs.
      const opened = this.openReferral(book, entry, event, now);
      if (opened) decisions.push(opened);
      this.observeAsReferrer(book, entry, event, now, decisions);
    } // a later signup is ignored whole (CONTRACT §2)
    return decisions;
  }

  /** The clock reached `now`: fires every check due at or before it. */
  advanceTo(now: Instant): Decision[] {
    const decisions: Decision[] = [];
    this.fireChecks(now, true, decisions);
    return decisions;
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
      for (const { referral, account } of book.entries.values()) {
        if (referral.exists) {
          views.push(toReferralView(book.program, referral, account, referral.paymentsAtDecision));
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
    const entry = book?.entries.get(refereeAccountId);
    if (!book || !entry?.referral.exists) return undefined;
    const { referral, account } = entry;
    return toReferralView(book.program, referral, account, referral.paymentsAtDecision);
  }

  /** The rewards earned so far through the referral of this referee. */
  rewardViewsOf(programId: string, refereeAccountId: string): RewardView[] {
    const referral = this.books.get(programId)?.entries.get(refereeAccountId)?.referral;
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
    referee: AccountEntry,
    event: BillingEventOf<'account.signed_up'>,
    now: Instant,
  ): Decision | undefined {
    const referrerId = this.referrerOf(book, referee.account, event);
    if (referrerId === undefined) return undefined;
    const referrer = book.entry(referrerId);
    const decision = this.decide(book, referee, {
      type: 'OpenReferral',
      data: {
        referralId: referralIdOf(book.program.id, referee.account.accountId),
        referrer: referrer.account,
        referee: referee.account,
        eligibleReferralsOfReferrer: referrer.eligibleReferrals,
      },
      metadata: { now },
    });
    if (!decision) return undefined;
    referee.referrer = referrer;
    (referrer.referees ??= []).push(referee);
    if (!decision.events.some((e) => e.type === 'ReferralMarkedIneligible')) {
      referrer.eligibleReferrals += 1;
    }
    return decision;
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
    const holder = book.liveCodes.get(foldedCode(referralCode));
    return holder !== undefined && holder !== referee.accountId ? holder : undefined;
  }

  /** A fact of a referee, shown to its own referral. */
  private observe(
    book: ProgramBook,
    entry: AccountEntry,
    fact: BillingEvent,
    now: Instant,
  ): Decision | undefined {
    if (!entry.referral.exists) return undefined;
    return this.decide(book, entry, {
      type: 'ObserveBillingFact',
      data: { fact, referrer: (entry.referrer as AccountEntry).account, referee: entry.account },
      metadata: { now },
    });
  }

  /** A fact of a referrer, shown to its pending referrals: it can reveal a self-referral. */
  private observeAsReferrer(
    book: ProgramBook,
    entry: AccountEntry,
    fact: BillingEvent,
    now: Instant,
    decisions: Decision[],
  ): void {
    for (const referee of entry.referees ?? []) {
      if (referee === entry) continue;
      const referral = referee.referral as ExistingReferral;
      if (referral.status !== 'pending') continue;
      const decision = this.decide(book, referee, {
        type: 'ObserveBillingFact',
        data: { fact, referrer: entry.account, referee: referee.account },
        metadata: { now },
      });
      if (decision) decisions.push(decision);
    }
  }

  /** Fires the checks due before `now` (at or before, if `inclusive`), in due order, into `decisions`. */
  private fireChecks(now: Instant, inclusive: boolean, decisions: Decision[]): void {
    for (let due = this.checks.peek(); due; due = this.checks.peek()) {
      if (inclusive ? due.dueAt > now : due.dueAt >= now) break;
      this.checks.pop();
      const { book, referee } = due;
      if (!referee.referral.exists) continue;
      const decision = this.decide(book, referee, {
        type: 'RunCheck',
        data: {
          timerId: due.timerId,
          referrer: (referee.referrer as AccountEntry).account,
          referee: referee.account,
        },
        metadata: { now: due.dueAt },
      });
      if (decision) decisions.push(decision);
    }
  }

  /** Runs the decider, folds its events into the referral, and remembers what they schedule and earn. */
  private decide(
    book: ProgramBook,
    referee: AccountEntry,
    command: ReferralCommand,
  ): Decision | undefined {
    const state = referee.referral;
    const decided = book.decider.decide(command, state);
    if (decided.length === 0) return undefined;
    const payments = referee.account.successfulPayments;
    const { events, next } = foldWithPaymentsAtDecision(book, state, decided, payments);
    referee.referral = next;
    const refereeId = referee.account.accountId;
    for (const event of events) {
      if (event.type === 'CheckScheduled') {
        this.checks.push({
          dueAt: parseInstant(event.data.dueAt),
          book,
          referee,
          timerId: event.data.timerId,
        });
      } else if (event.type === 'RewardEarned') {
        this.earned.set(event.data.rewardId, event.data);
      }
    }
    return {
      program: book.program.id,
      referralId: next.exists ? next.referralId : referralIdOf(book.program.id, refereeId),
      refereeAccountId: refereeId,
      events,
    };
  }
}

/**
 * Folds the decided events into the referral. The event that takes it out of
 * `pending` carries the referee's successful payments at that moment: what
 * its view shows from then on, and what a rebuild of the views reads back
 * instead of working it out again. Each event is folded once; the deciding
 * one again with the count, once in the referral's life.
 */
function foldWithPaymentsAtDecision(
  book: ProgramBook,
  state: ReferralState,
  decided: readonly ReferralEvent[],
  payments: number,
): { events: ReferralEvent[]; next: ReferralState } {
  const events: ReferralEvent[] = [];
  let current = state;
  for (const event of decided) {
    const before = current;
    current = book.decider.evolve(before, event);
    if (isDecided(before) || !isDecided(current)) {
      events.push(event);
      continue;
    }
    // Only an event that can decide gets here (never CheckScheduled nor TriggerEnded), and each takes the field.
    const counted = {
      ...event,
      data: { ...event.data, refereePaymentsAtDecision: payments },
    } as ReferralEvent;
    events.push(counted);
    current = book.decider.evolve(before, counted);
  }
  return { events, next: current };
}
