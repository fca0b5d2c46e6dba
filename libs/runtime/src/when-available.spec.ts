import { reason, retryDelayMs, whenAvailable } from './when-available';

const outage = (message: string) => Object.assign(new Error(message), { outage: true });
const isOutage = (error: unknown) => (error as { outage?: boolean }).outage === true;

describe('whenAvailable', () => {
  it('tries again through an outage, one line per failed attempt, until it opens', async () => {
    const lines: string[] = [];
    const seen: number[] = [];
    let calls = 0;
    const value = await whenAvailable(
      'PostgreSQL',
      async () => {
        calls++;
        if (calls < 3) throw outage(`refused ${calls}`);
        return 'open';
      },
      isOutage,
      {
        say: (line) => lines.push(line),
        onOutage: (_, attempt) => seen.push(attempt),
        delayMs: () => 1,
      },
    );
    expect(value).toBe('open');
    expect(calls).toBe(3);
    expect(seen).toEqual([1, 2]);
    expect(lines).toEqual([
      'waiting for PostgreSQL: attempt 1 failed: refused 1; next in 1 ms',
      'waiting for PostgreSQL: attempt 2 failed: refused 2; next in 1 ms',
    ]);
  });

  it('throws at once a failure that is no outage: waiting would not fix it', async () => {
    const lines: string[] = [];
    let calls = 0;
    const opening = whenAvailable(
      'PostgreSQL',
      async () => {
        calls++;
        throw new Error('role "nobody" does not exist');
      },
      isOutage,
      { say: (line) => lines.push(line), delayMs: () => 1 },
    );
    await expect(opening).rejects.toThrow('role "nobody" does not exist');
    expect(calls).toBe(1);
    expect(lines).toEqual([]);
  });

  it('stops waiting when aborted, without a further attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const opening = whenAvailable(
      'PostgreSQL',
      async () => {
        calls++;
        throw outage('refused');
      },
      isOutage,
      { say: () => undefined, signal: controller.signal, delayMs: () => 60_000 },
    );
    setTimeout(() => controller.abort(new Error('closing')), 20);
    await expect(opening).rejects.toThrow('closing');
    expect(calls).toBe(1);
  });

  it('backs off by 250 ms an attempt, up to 5 s', () => {
    expect([1, 2, 4, 20, 100].map(retryDelayMs)).toEqual([250, 500, 1_000, 5_000, 5_000]);
  });

  it('names an AggregateError by its inner errors (pg reports a refused ::1 and 127.0.0.1 so)', () => {
    const both = new AggregateError([
      new Error('connect ECONNREFUSED ::1:5432'),
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
    ]);
    expect(reason(both)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });
});
