/**
 * PostgreSQL's timestamptz holds years 1 to 294276; JavaScript dates reach
 * year 0 and ±275760, and ISO strings past 9999 (`+010000-…`) do not parse
 * there at all. One view with such a date would fail every write it is part
 * of, for good. The contract keeps event times in 2000–2099 at the door; this
 * guard keeps a bad date already stored from stopping a program: the view
 * that carries one is left out and reported, and the others are written.
 */
const MIN = Date.parse('0001-01-01T00:00:00Z');
const MAX = Date.parse('9999-12-31T23:59:59.999Z');

/** The first date field (`…At`) of a view that PostgreSQL cannot store, if any. */
export function unstorableDate(view: object): string | undefined {
  for (const [key, value] of Object.entries(view)) {
    if (!key.endsWith('At') || value === undefined) continue;
    const time = typeof value === 'string' ? Date.parse(value) : NaN;
    if (!(time >= MIN && time <= MAX)) return `${key} ${String(value)}`;
  }
  return undefined;
}

/** Splits views into those that can be stored and those that cannot (with why). */
export function storableViews<V extends object>(
  views: readonly V[],
): { storable: V[]; refused: { view: V; why: string }[] } {
  const storable: V[] = [];
  const refused: { view: V; why: string }[] = [];
  for (const view of views) {
    const why = unstorableDate(view);
    if (why === undefined) storable.push(view);
    else refused.push({ view, why });
  }
  return { storable, refused };
}
