import { createHash } from 'node:crypto';
import { billingEventId, codeClaimEventId } from './streams';

// Event ids are stored: the same (program, id) must map to the same id in every release.
const reference = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

describe('event ids', () => {
  it('are the first 32 hex digits of the SHA-256 of the parts, NUL-separated', () => {
    for (const [program, id] of [
      ['callrail', 'evt_1'],
      ['kallyai', 'ünïcödé ✓'],
      ['p', ''],
    ]) {
      expect(billingEventId(program, id)).toBe(`billing-${reference(program, id)}`);
    }
    expect(codeClaimEventId('callrail', 'CODE1', 'acct-1')).toBe(
      `claim-${reference('callrail', 'CODE1', 'acct-1')}`,
    );
  });

  it('keeps the id an event was stored under', () => {
    expect(billingEventId('callrail', 'evt_1')).toBe('billing-aac74be47d2767217f6f213ee153ca9a');
    expect(billingEventId('callrail', 'evt_1')).not.toBe(billingEventId('callrail', 'evt_2'));
  });
});
