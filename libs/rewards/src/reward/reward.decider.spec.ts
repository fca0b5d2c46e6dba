import { DeciderSpecification } from '../../../domain/src/testing/decider-specification';
import type { RewardCommand } from './reward.commands';
import { RewardCommandRejected, rewardDecider } from './reward.decider';
import type { RewardEvent, RewardFacts } from './reward.events';

/** The reward decider on its own: its stream so far, one command, the new events. */

const given = DeciderSpecification.for(rewardDecider);
const AT = '2026-05-01T10:00:00.000Z';
const LATER = '2026-05-02T10:00:00.000Z';

const cash: RewardFacts = {
  rewardId: 'rw_cash',
  program: 'smithai',
  referrerAccountId: 'firm',
  refereeAccountId: 'client',
  beneficiaryAccountId: 'firm',
  role: 'referrer',
  kind: 'cash',
  amount: 100000,
  unit: 'USD',
  earnedAt: '2026-04-01T00:00:00.000Z',
  dueBy: '2026-04-21',
};
const minutes: RewardFacts = {
  ...cash,
  rewardId: 'rw_min',
  program: 'kallyai',
  kind: 'bonus_minutes',
  amount: 90,
  unit: 'minutes',
  expiresAt: '2026-06-01T00:00:00.000Z',
};

const pay = (reward: RewardFacts, at = AT): RewardCommand => ({
  type: 'Pay',
  data: { reward, at },
});
const owed: RewardEvent = {
  type: 'RewardAwaitingApproval',
  data: { rewardId: cash.rewardId, reward: cash, at: AT },
};
const approved: RewardEvent = {
  type: 'RewardApproved',
  data: { rewardId: cash.rewardId, by: 'admin', at: AT },
};
const exported = (batchId: string): RewardEvent => ({
  type: 'RewardExported',
  data: { rewardId: cash.rewardId, batchId, by: 'admin', at: AT },
});
const paidMinutes: RewardEvent = {
  type: 'RewardPaid',
  data: { rewardId: minutes.rewardId, reward: minutes, at: AT },
};
const rejectedFor =
  (reason: string) =>
  (error: Error): boolean =>
    error instanceof RewardCommandRejected && error.reason === reason;

describe('the reward decider', () => {
  describe('when the payout worker pays a reward', () => {
    it('pays bonus minutes and account credit at once', () => {
      given([]).when(pay(minutes)).then([paidMinutes]);
    });

    it('puts cash in front of an admin instead', () => {
      given([]).when(pay(cash)).then([owed]);
    });

    it('pays nothing the second time (a job run twice, two workers)', () => {
      given([paidMinutes]).when(pay(minutes, LATER)).thenNothing();
      given([owed, approved]).when(pay(cash, LATER)).thenNothing();
    });

    it('lets minutes paid after their expiry lapse in the same step', () => {
      const late = '2026-07-01T00:00:00.000Z';
      given([])
        .when(pay(minutes, late))
        .then([
          { type: 'RewardPaid', data: { rewardId: minutes.rewardId, reward: minutes, at: late } },
          {
            type: 'RewardExpired',
            data: {
              rewardId: minutes.rewardId,
              reward: minutes,
              paidAt: late,
              amount: 90,
              at: late,
            },
          },
        ]);
    });

    it('pays the adjusted amount when the rules changed before it was paid', () => {
      const adjusted: RewardEvent = {
        type: 'RewardAdjusted',
        data: {
          rewardId: minutes.rewardId,
          reward: { ...minutes, amount: 120 },
          previousAmount: 90,
          reason: 'rule_change',
          programVersion: 'v2',
          by: 'migrate-rules',
          at: AT,
        },
      };
      given([adjusted])
        .when(pay(minutes, LATER))
        .then([
          {
            type: 'RewardPaid',
            data: { rewardId: minutes.rewardId, reward: { ...minutes, amount: 120 }, at: LATER },
          },
        ]);
    });
  });

  describe('when an admin approves or voids cash', () => {
    const approve: RewardCommand = {
      type: 'Approve',
      data: { rewardId: cash.rewardId, by: 'ops-key', at: AT },
    };
    const voidIt: RewardCommand = {
      type: 'Void',
      data: { rewardId: cash.rewardId, by: 'ops-key', reason: 'admin', at: AT },
    };

    it('records who approved it', () => {
      given([owed])
        .when(approve)
        .then([
          { type: 'RewardApproved', data: { rewardId: cash.rewardId, by: 'ops-key', at: AT } },
        ]);
    });

    it('takes an approval said twice as done', () => {
      given([owed, approved]).when(approve).thenNothing();
    });

    it('voids owed cash and takes back what the ledger owes, naming who and why', () => {
      given([owed])
        .when(voidIt)
        .then([
          {
            type: 'RewardVoided',
            data: {
              rewardId: cash.rewardId,
              by: 'ops-key',
              reason: 'admin',
              amount: 100000,
              at: AT,
            },
          },
        ]);
    });

    it('refuses to void approved cash, or to approve what is not owed yet', () => {
      given([owed, approved]).when(voidIt).thenThrows(rejectedFor('wrong_status'));
      given([]).when(approve).thenThrows(rejectedFor('wrong_status'));
    });

    it('refuses to approve bonus minutes', () => {
      given([paidMinutes])
        .when({ type: 'Approve', data: { rewardId: minutes.rewardId, by: 'a', at: AT } })
        .thenThrows(rejectedFor('not_cash'));
    });
  });

  describe('when approved cash goes out in a payout batch', () => {
    const exportTo = (batchId: string): RewardCommand => ({
      type: 'ExportForPayout',
      data: { rewardId: cash.rewardId, batchId, by: 'admin', at: AT },
    });
    const confirm = (batchId: string): RewardCommand => ({
      type: 'ConfirmPayout',
      data: { rewardId: cash.rewardId, batchId, by: 'admin', at: LATER },
    });

    it('exports it into the batch', () => {
      given([owed, approved])
        .when(exportTo('pb_1'))
        .then([exported('pb_1')]);
    });

    it('never exports it into a second batch while the first is open', () => {
      given([owed, approved, exported('pb_1')])
        .when(exportTo('pb_2'))
        .thenThrows(rejectedFor('in_another_batch'));
      given([owed, approved, exported('pb_1')])
        .when(exportTo('pb_1'))
        .thenNothing();
    });

    it('frees it for another batch when its batch is cancelled', () => {
      const cancelled: RewardEvent = {
        type: 'RewardExportCancelled',
        data: { rewardId: cash.rewardId, batchId: 'pb_1', by: 'admin', at: AT },
      };
      given([owed, approved, exported('pb_1')])
        .when({
          type: 'CancelExport',
          data: { rewardId: cash.rewardId, batchId: 'pb_1', by: 'admin', at: AT },
        })
        .then([cancelled]);
      given([owed, approved, exported('pb_1'), cancelled])
        .when(exportTo('pb_2'))
        .then([exported('pb_2')]);
    });

    it('pays it out when its batch is confirmed, once', () => {
      const paidOut: RewardEvent = {
        type: 'CashPaidOut',
        data: { rewardId: cash.rewardId, batchId: 'pb_1', by: 'admin', reward: cash, at: LATER },
      };
      given([owed, approved, exported('pb_1')])
        .when(confirm('pb_1'))
        .then([paidOut]);
      given([owed, approved, exported('pb_1'), paidOut])
        .when(confirm('pb_1'))
        .thenNothing();
      given([owed, approved, exported('pb_1')])
        .when(confirm('pb_2'))
        .thenThrows(rejectedFor('in_another_batch'));
      given([owed, approved]).when(confirm('pb_1')).thenThrows(rejectedFor('wrong_status'));
    });
  });

  describe('when bonus minutes reach their expiry', () => {
    const expire = (at: string): RewardCommand => ({
      type: 'Expire',
      data: { rewardId: minutes.rewardId, at },
    });

    it('takes back what is left, once', () => {
      const expired: RewardEvent = {
        type: 'RewardExpired',
        data: {
          rewardId: minutes.rewardId,
          reward: minutes,
          paidAt: AT,
          amount: 90,
          at: '2026-06-01T00:00:00.000Z',
        },
      };
      given([paidMinutes]).when(expire('2026-06-01T00:00:00.000Z')).then([expired]);
      given([paidMinutes, expired]).when(expire('2026-06-02T00:00:00.000Z')).thenNothing();
    });

    it('does nothing before expiresAt, or to minutes never paid', () => {
      given([paidMinutes]).when(expire('2026-05-31T23:59:59.999Z')).thenNothing();
      given([]).when(expire('2026-07-01T00:00:00.000Z')).thenNothing();
    });
  });

  describe('when changed rules correct a reward (migrate-rules --apply)', () => {
    const adjust = (amount: number): RewardCommand => ({
      type: 'Adjust',
      data: { earned: minutes, amount, programVersion: 'v2', by: 'migrate-rules', at: LATER },
    });

    it('records the new amount beside the old one and the rules that asked', () => {
      given([paidMinutes])
        .when(adjust(60))
        .then([
          {
            type: 'RewardAdjusted',
            data: {
              rewardId: minutes.rewardId,
              reward: { ...minutes, amount: 60 },
              previousAmount: 90,
              reason: 'rule_change',
              programVersion: 'v2',
              by: 'migrate-rules',
              at: LATER,
            },
          },
        ]);
    });

    it('changes nothing when the amount is the same', () => {
      given([paidMinutes]).when(adjust(90)).thenNothing();
    });

    it('voids a reward the new rules do not earn, taking back what was credited', () => {
      given([paidMinutes])
        .when({
          type: 'Void',
          data: {
            rewardId: minutes.rewardId,
            by: 'migrate-rules',
            reason: 'rule_change',
            at: LATER,
          },
        })
        .then([
          {
            type: 'RewardVoided',
            data: {
              rewardId: minutes.rewardId,
              by: 'migrate-rules',
              reason: 'rule_change',
              amount: 90,
              at: LATER,
            },
          },
        ]);
    });

    it('never takes back cash already paid out', () => {
      const paidOut: RewardEvent = {
        type: 'CashPaidOut',
        data: { rewardId: cash.rewardId, batchId: 'pb_1', by: 'admin', reward: cash, at: LATER },
      };
      given([owed, approved, exported('pb_1'), paidOut])
        .when({
          type: 'Void',
          data: { rewardId: cash.rewardId, by: 'migrate-rules', reason: 'rule_change', at: LATER },
        })
        .thenThrows(rejectedFor('already_paid_out'));
    });
  });
});
