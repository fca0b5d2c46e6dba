import { startUpCanWait } from './start-up-failures';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('startUpCanWait', () => {
  it('waits through an unreachable store and lost races of the schema steps', () => {
    expect(startUpCanWait(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(
      true,
    );
    expect(startUpCanWait(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(startUpCanWait(pgError('57P03', 'the database system is starting up'))).toBe(true);
    expect(startUpCanWait(pgError('40P01', 'deadlock detected'))).toBe(true);
    expect(startUpCanWait(pgError('40001', 'could not serialize access'))).toBe(true);
    expect(startUpCanWait(pgError('55P03', 'could not obtain lock'))).toBe(true);
  });

  it('does not wait for what waiting cannot fix', () => {
    expect(startUpCanWait(pgError('28000', 'role "nobody" does not exist'))).toBe(false);
    expect(startUpCanWait(pgError('28P01', 'password authentication failed'))).toBe(false);
    expect(startUpCanWait(pgError('3D000', 'database "nope" does not exist'))).toBe(false);
    expect(
      startUpCanWait(new Error('the data folder ./data/pglite is in use by another process')),
    ).toBe(false);
  });
});
