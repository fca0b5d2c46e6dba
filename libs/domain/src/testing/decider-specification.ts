import assert from 'node:assert/strict';

/**
 * Given/when/then over a decider, in the style of Emmett's `DeciderSpecification`:
 *
 *   const given = DeciderSpecification.for(referralDecider(program));
 *   given([created]).when(command).then([expected]);
 *   given([]).when(command).thenNothing();
 *
 * The past events are folded with `evolve` from `initialState()`, the command is decided
 * once, and the decisions are compared as a whole (order included). Assertions use
 * `node:assert`, so the helper runs under any test runner and builds with the library.
 */
export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface ThenClause<State, Event> {
  /** Exactly these decisions, in this order. */
  then(expected: readonly Event[]): void;
  /** The command decides nothing: the state stays as it is. */
  thenNothing(): void;
  /** Deciding throws; `check` may inspect the error further. */
  thenThrows(check?: (error: Error) => boolean): void;
  /** The decisions and the state after them, for assertions the clauses above cannot say. */
  decisions(): { events: Event[]; state: State };
}

export const DeciderSpecification = {
  for<State, Command, Event>(decider: Decider<State, Command, Event>) {
    return (given: readonly Event[]) => ({
      when(command: Command): ThenClause<State, Event> {
        const decide = () => {
          const before = given.reduce(decider.evolve, decider.initialState());
          const events = decider.decide(command, before);
          return { events, state: events.reduce(decider.evolve, before) };
        };
        return {
          then(expected) {
            assert.deepStrictEqual(decide().events, expected);
          },
          thenNothing() {
            assert.deepStrictEqual(decide().events, [], 'expected no decision');
          },
          thenThrows(check) {
            assert.throws(decide, (error: unknown) => {
              assert.ok(error instanceof Error, 'expected an Error to be thrown');
              return check === undefined || check(error);
            });
          },
          decisions: decide,
        };
      },
    });
  },
};
