import type { ReferralStory } from '@referrals/domain';
import { wrapText } from '../output/table';

/** The story as text: a heading, then each step with what it changed and what was decided. */
export function renderStory(story: ReferralStory, width: number): string {
  const lines: string[] = [];
  const add = (indent: string, text: string) => {
    for (const line of wrapText(text, width - indent.length).split('\n')) lines.push(indent + line);
  };
  const who = story.referrerAccountId
    ? `${story.refereeAccountId}, referred by ${story.referrerAccountId}`
    : story.refereeAccountId;
  add('', `${story.program}: ${who}: ${story.status}${story.reason ? ` (${story.reason})` : ''}`);
  add('', `as of ${story.asOf}`);
  if (story.decidedBy) {
    add('', `decided ${minute(story.decidedBy.at)}: ${story.decidedBy.decision}`);
    add('  ', `rule: ${story.decidedBy.rule}`);
  }
  for (const step of story.steps) {
    lines.push('');
    const what =
      step.kind === 'check'
        ? 'check fires'
        : `${step.account ?? ''} ${step.event?.accountId ?? ''}: ${step.event?.type ?? ''}`.trim();
    add('', `${minute(step.at)}  ${what}`);
    if (step.event && Object.keys(step.event.data as object).length > 0)
      add('    ', `data ${JSON.stringify(step.event.data)}`);
    for (const change of step.changes) add('    ', change);
    for (const decision of step.decisions) {
      add('    ', `=> ${decision.says}`);
      add('       ', `rule: ${decision.rule}`);
    }
  }
  return lines.join('\n');
}

const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
