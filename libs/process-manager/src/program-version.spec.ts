import { ProgramRegistry } from '@referrals/domain';
import { programVersion } from './program-version';

describe('programVersion', () => {
  const callrail = ProgramRegistry.withBuiltins().require('callrail');

  it('is the same for the same rules, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(callrail).reverse()) as typeof callrail;
    expect(programVersion(reordered)).toBe(programVersion(callrail));
    expect(programVersion(callrail)).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('changes when a rule changes', () => {
    const changed = { ...callrail, name: `${callrail.name} v2` };
    expect(programVersion(changed)).not.toBe(programVersion(callrail));
  });
});
