import { describeProgram } from '../programs/describe-program';
import type { Program } from '../programs/program.schema';
import type { ReferralEvent } from '../referral/referral.events';

/**
 * The rule of a program behind a decision, in the words `referrals programs`
 * prints: a trigger's line with its rewards, or the eligibility rule an
 * ineligible referral broke.
 */
export function ruleBehind(program: Program, decision: ReferralEvent): string {
  const lines = describeProgram(program);
  switch (decision.type) {
    case 'ReferralCreated':
      return "attribution: the referee's first signup names the referrer (referrerAccountId) or a code it holds";
    case 'ReferralMarkedIneligible':
      return eligibilityRule(program, decision.data.reason, lines);
    default: {
      const triggerId = (decision.data as { triggerId?: string }).triggerId;
      return triggerId === undefined ? decision.type : triggerRule(triggerId, lines);
    }
  }
}

function eligibilityRule(program: Program, reason: string, lines: readonly string[]): string {
  const line = (words: string) => lines.find((l) => l.includes(words))?.trim();
  switch (reason) {
    case 'self_referral':
      return line('no self-referral') ?? 'eligibility: no self-referral';
    case 'referrer_not_subscribed':
      return line('active subscriber') ?? 'eligibility: the referrer must be an active subscriber';
    case 'referrer_is_partner':
      return line('partners cannot refer') ?? 'eligibility: partners cannot refer';
    case 'referrer_cap_reached':
      return `at most ${program.eligibility.maxReferralsPerReferrer} eligible referrals per referrer`;
    default:
      return `eligibility: ${reason}`;
  }
}

/** `four_invoices: on the referee's 4th successful payment ... (referrer: ..., referee: ...)`. */
function triggerRule(triggerId: string, lines: readonly string[]): string {
  const at = lines.findIndex((l) => l.startsWith(`  ${triggerId}: `));
  if (at < 0) return `trigger ${triggerId}`;
  const rewards: string[] = [];
  for (let i = at + 1; i < lines.length && lines[i].startsWith('    '); i++)
    rewards.push(lines[i].trim());
  return [lines[at].trim(), ...rewards].join('; ');
}
