import { shutDown, ShutdownStep } from './shutdown';

const step = (name: string, run: () => Promise<void> | void): ShutdownStep => ({ name, run });
const never = () => new Promise<void>(() => undefined);

describe('shutDown (a process stopping on SIGTERM)', () => {
  it('runs the steps in order and exits 0 once all finished, saying nothing', async () => {
    const ran: string[] = [];
    const lines: string[] = [];
    const code = await shutDown(
      [
        step('a', async () => void ran.push('a')),
        step('b', () => void ran.push('b')),
        step('c', async () => void ran.push('c')),
      ],
      { say: (line) => lines.push(line), deadlineMs: 1_000 },
    );
    expect(code).toBe(0);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(lines).toEqual([]);
  });

  it('says a step that failed, still runs the next ones, and exits 1', async () => {
    const ran: string[] = [];
    const lines: string[] = [];
    const code = await shutDown(
      [
        step('the worker', () => Promise.reject(new Error('boom'))),
        step('Redis', () => void ran.push('Redis')),
      ],
      { say: (line) => lines.push(line), deadlineMs: 1_000 },
    );
    expect(code).toBe(1);
    expect(ran).toEqual(['Redis']);
    expect(lines).toEqual(['stopping: the worker failed: boom']);
  });

  it('exits 1 at the deadline, naming the step still running and those not run', async () => {
    const lines: string[] = [];
    const started = Date.now();
    const code = await shutDown(
      [
        step('Redis, if it does not answer', () => undefined),
        step('the worker', never),
        step('Redis', () => undefined),
        step('the event store', () => undefined),
      ],
      { say: (line) => lines.push(line), deadlineMs: 200 },
    );
    const took = Date.now() - started;
    expect(code).toBe(1);
    expect(took).toBeGreaterThanOrEqual(195);
    expect(took).toBeLessThan(1_000);
    expect(lines).toEqual([
      'stopping: the worker did not finish within 200 ms; not run: Redis, the event store; exiting anyway',
    ]);
  });

  it('names the last step alone when it is the one that does not finish', async () => {
    const lines: string[] = [];
    const code = await shutDown([step('a', () => undefined), step('the event store', never)], {
      say: (line) => lines.push(line),
      deadlineMs: 50,
    });
    expect(code).toBe(1);
    expect(lines).toEqual([
      'stopping: the event store did not finish within 50 ms; exiting anyway',
    ]);
  });
});
