import { DeciderSpecification } from '../../../domain/src/testing/decider-specification';
import { PayoutBatchEvent, PayoutBatchRejected, payoutBatchDecider } from './payout-batch.decider';

const given = DeciderSpecification.for(payoutBatchDecider);
const AT = '2026-05-01T10:00:00.000Z';
const opened: PayoutBatchEvent = {
  type: 'BatchOpened',
  data: { batchId: 'pb_1', rewardIds: ['rw_1', 'rw_2'], by: 'admin', at: AT },
};
const confirm = { type: 'ConfirmBatch' as const, data: { batchId: 'pb_1', by: 'admin', at: AT } };
const cancel = { type: 'CancelBatch' as const, data: { batchId: 'pb_1', by: 'admin', at: AT } };
const rejected = (error: Error) => error instanceof PayoutBatchRejected;

describe('the payout batch decider', () => {
  it('opens a batch once', () => {
    given([]).when({ type: 'OpenBatch', data: opened.data }).then([opened]);
    given([opened]).when({ type: 'OpenBatch', data: opened.data }).thenThrows(rejected);
  });

  it('confirms an open batch, and takes a second confirmation as done', () => {
    given([opened])
      .when(confirm)
      .then([{ type: 'BatchConfirmed', data: confirm.data }]);
    given([opened, { type: 'BatchConfirmed', data: confirm.data }])
      .when(confirm)
      .thenNothing();
  });

  it('never confirms a cancelled batch, nor cancels a confirmed one', () => {
    given([opened, { type: 'BatchCancelled', data: cancel.data }])
      .when(confirm)
      .thenThrows(rejected);
    given([opened, { type: 'BatchConfirmed', data: confirm.data }])
      .when(cancel)
      .thenThrows(rejected);
    given([]).when(confirm).thenThrows(rejected);
  });
});
