import { ConfigError, loadConfig } from './config';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a configuration error');
};

describe('configuration errors', () => {
  it('names each variable and its rule, one line per problem', () => {
    const problems = problemsOf({ PORT: 'eighty', PAYOUT_CONCURRENCY: '0', LEASE_TTL: 'soon' });
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: must be a whole number from 0 to 65535',
        'PAYOUT_CONCURRENCY: must be a whole number from 1 to 10000',
        'LEASE_TTL: must be a duration like 5m, 5s or 5000ms',
      ]),
    );
    for (const line of problems) expect(line).not.toContain('\n');
  });

  it('says which webhook secret is too short, in words rather than zod issues', () => {
    const problems = problemsOf({
      WEBHOOKS: JSON.stringify({ callrail: { url: 'https://x.example/h', secret: 'short' } }),
    });
    expect(problems).toEqual([
      'WEBHOOKS: must be JSON {program: {url, secret}}: callrail.secret: must be at least 16 characters',
    ]);
  });

  it('refuses a webhook URL that is not http(s): no delivery could ever reach it', () => {
    const problems = problemsOf({
      WEBHOOKS: JSON.stringify({ callrail: { url: 'ftp://x.example/h', secret: 'a'.repeat(16) } }),
    });
    expect(problems).toEqual([
      'WEBHOOKS: must be JSON {program: {url, secret}}: callrail.url: must be an http(s) URL',
    ]);
  });

  it('refuses a short portal secret and a signup URL that is not http(s)', () => {
    const problems = problemsOf({
      PORTAL_SECRET: 'too-short',
      SIGNUP_URLS: JSON.stringify({ callrail: 'ftp://x.example' }),
    });
    expect(problems).toEqual([
      'PORTAL_SECRET: must be at least 32 characters',
      expect.stringMatching(/^SIGNUP_URLS: must be JSON \{program: url\}: callrail: /),
    ]);
  });

  it('holds durations to limits a timer can keep, naming them', () => {
    expect(problemsOf({ SWEEP_INTERVAL: '50000m', LEASE_TTL: '0', WEBHOOK_BACKOFF: '0' })).toEqual([
      'LEASE_TTL: must be a duration from 100ms to 35791m',
      'SWEEP_INTERVAL: must be a duration from 100ms to 35791m',
      'WEBHOOK_BACKOFF: must be a duration from 1ms to 35791m',
    ]);
    expect(problemsOf({ REORDER_WINDOW: '99999999999999999999m' })).toEqual([
      'REORDER_WINDOW: must be a duration from 0ms to 35791m',
    ]);
    expect(loadConfig({ SWEEP_INTERVAL: '35791m', REQUEST_TIMEOUT: '0' })).toMatchObject({
      SWEEP_INTERVAL: 2_147_460_000,
      REQUEST_TIMEOUT: 0,
    });
  });

  it('refuses an API_KEYS entry without a key or program, and a key given twice', () => {
    expect(problemsOf({ API_KEYS: 'kallyai:, callrail:k1,smithai:k1, Bad:k2,:k3' })).toEqual([
      'API_KEYS: entry 1 must be program:key',
      "API_KEYS: entry 3: its key is already callrail's",
      'API_KEYS: entry 4: the program must match ^[a-z0-9][a-z0-9_-]{0,63}$',
      'API_KEYS: entry 5 must be program:key',
    ]);
  });

  it('refuses an admin key that is also a program key: it would reach that program only', () => {
    expect(problemsOf({ API_KEYS: 'kallyai:k1,callrail:k2', ADMIN_API_KEY: 'k2' })).toEqual([
      "ADMIN_API_KEY: must differ from every key of API_KEYS (it is also callrail's)",
    ]);
  });

  it('names a program the process does not run, in every setting that names programs', () => {
    const programs = { programs: ['kallyai', 'callrail', 'smithai'] };
    const env = {
      API_KEYS: 'kallyai:k1,callrial:k2',
      WEBHOOKS: JSON.stringify({ smithia: { url: 'https://x.example/h', secret: 'a'.repeat(16) } }),
      SIGNUP_URLS: JSON.stringify({ kallyai: 'https://kally.example/signup' }),
    };
    let problems: readonly string[] = [];
    try {
      loadConfig(env, programs);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      'API_KEYS: "callrial" is not a program (kallyai, callrail, smithai)',
      'WEBHOOKS: "smithia" is not a program (kallyai, callrail, smithai)',
    ]);
    // Without the programs (the CLI's store commands, which may load others), not checked.
    expect(loadConfig(env).API_KEYS).toBe(env.API_KEYS);
  });

  it('reads durations in minutes, seconds or milliseconds', () => {
    expect(loadConfig({ PORTAL_LINK_TTL: '15m' }).PORTAL_LINK_TTL).toBe(900_000);
    expect(loadConfig({}).PORTAL_LINK_TTL).toBe(3_600_000);
  });
});
