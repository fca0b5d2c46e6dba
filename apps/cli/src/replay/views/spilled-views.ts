import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ReferralView, RewardView } from '@referrals/domain';
import { processFolder, removeProcessFolder } from '@referrals/temp-folders';
import { inReferralOrder, inRewardOrder } from '../replay';
import { readLines } from './read-lines';
import type { ReplayViews } from './replay-views';

/** Where one book's lists were written. */
interface SpilledBook {
  readonly referrals: string;
  readonly rewards: string;
}

/**
 * The views of each book (a program's, or a share of its referral groups),
 * written to a temporary folder as soon as its engine is done, each list
 * sorted, so that a replay holds one book's views at a time instead of all of
 * them. They are read back one at a time as they are printed, the lists
 * merged, whatever order the books came in: referrals in their order (it
 * starts with the program), rewards in theirs (it starts with the time earned).
 */
export class SpilledViews {
  /** Where the lists are written (removed by `remove`, or by closing the views). */
  readonly folder = processFolder('referrals-views-');
  private readonly spilled: SpilledBook[] = [];
  private referralCount = 0;
  private rewardCount = 0;

  /** One book's views, written out and let go. */
  add(referrals: ReferralView[], rewards: RewardView[]): void {
    const at = this.spilled.length;
    const spilled = {
      referrals: join(this.folder, `${at}-referrals.ndjson`),
      rewards: join(this.folder, `${at}-rewards.ndjson`),
    };
    writeLines(spilled.referrals, referrals.sort(inReferralOrder));
    writeLines(spilled.rewards, rewards.sort(inRewardOrder));
    this.spilled.push(spilled);
    this.referralCount += referrals.length;
    this.rewardCount += rewards.length;
  }

  /** Everything added, as the replay prints it; closing it removes the folder. */
  views(asOf: string): ReplayViews {
    return {
      asOf,
      referralCount: this.referralCount,
      rewardCount: this.rewardCount,
      referrals: () =>
        merged(
          this.spilled.map((book) => parsedLines<ReferralView>(book.referrals)),
          inReferralOrder,
        ),
      rewards: () =>
        merged(
          this.spilled.map((book) => parsedLines<RewardView>(book.rewards)),
          inRewardOrder,
        ),
      close: () => this.remove(),
    };
  }

  /** Removes the folder (also when the replay failed before printing). */
  remove(): void {
    removeProcessFolder(this.folder);
  }
}

function writeLines(path: string, views: readonly object[]) {
  const fd = openSync(path, 'w');
  try {
    let chunk = '';
    for (const view of views) {
      chunk += `${JSON.stringify(view)}\n`;
      if (chunk.length >= 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

function* parsedLines<T>(path: string): Generator<T> {
  for (const line of readLines(path)) yield JSON.parse(line) as T;
}

/** Sorted lists merged into one sorted list (a few lists: the smallest head is looked for in turn). */
function* merged<T>(lists: readonly Iterator<T>[], order: (a: T, b: T) => number): Generator<T> {
  const heads = lists.map((list) => list.next());
  for (;;) {
    let smallest = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head.done) continue;
      if (smallest < 0 || order(head.value, heads[smallest].value as T) < 0) smallest = i;
    }
    if (smallest < 0) return;
    yield heads[smallest].value as T;
    heads[smallest] = lists[smallest].next();
  }
}
