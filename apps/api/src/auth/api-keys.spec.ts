import { ApiKeys, mayReach } from './api-keys';

describe('API keys', () => {
  const keys = new ApiKeys('kallyai:k-key, callrail:c-key', 'admin-key');

  it('names the program a program key reaches', () => {
    expect(keys.identify('k-key')).toEqual({
      admin: false,
      program: 'kallyai',
      name: 'program:kallyai',
    });
    expect(keys.identify('c-key')).toEqual({
      admin: false,
      program: 'callrail',
      name: 'program:callrail',
    });
  });

  it('knows the admin key, which reaches every program', () => {
    const admin = keys.identify('admin-key');
    expect(admin).toEqual({ admin: true, name: 'admin' });
    expect(new ApiKeys('', 'admin-key', 'ops-team').identify('admin-key')).toEqual({
      admin: true,
      name: 'ops-team',
    });
    expect(mayReach(admin!, 'smithai')).toBe(true);
  });

  it('knows no other key, and no key a prefix or suffix of a real one', () => {
    expect(keys.identify('nope')).toBeUndefined();
    expect(keys.identify('k-ke')).toBeUndefined();
    expect(keys.identify('k-key ')).toBeUndefined();
  });

  it("keeps a program key out of another program's data", () => {
    expect(mayReach(keys.identify('k-key')!, 'callrail')).toBe(false);
  });

  it('rejects a malformed API_KEYS entry', () => {
    expect(() => new ApiKeys('kallyai')).toThrow('program:key');
    expect(() => new ApiKeys('kallyai:')).toThrow('program:key');
  });
});
