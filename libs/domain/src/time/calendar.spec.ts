import fc from 'fast-check';
import {
  addCalendarMonths,
  businessDayOfMonth,
  formatDate,
  formatInstant,
  parseInstant,
  startOfMonthAfter,
} from './calendar';
import { isBusinessDay, isKnownCalendar } from './business-calendar';

/** The calendar arithmetic of CONTRACT §3, all in UTC, against naive day-by-day counting. */

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The nth Mon–Fri of a month, found by walking its days. */
function nthWeekday(y: number, m: number, n: number): string {
  for (let d = 1, seen = 0; d <= daysIn(y, m); d++) {
    const day = new Date(utc(y, m, d)).getUTCDay();
    if (day !== 0 && day !== 6 && ++seen === n) return formatDate(utc(y, m, d));
  }
  throw new Error('no such business day');
}

const month = fc.record({
  y: fc.integer({ min: 2000, max: 2100 }),
  m: fc.integer({ min: 1, max: 12 }),
});

describe('the nth business day of a month', () => {
  it('April 2026 (starting on a Wednesday): the 15th is the 21st', () => {
    expect(formatDate(businessDayOfMonth(utc(2026, 4, 1), 15))).toBe('2026-04-21');
  });

  it.each([
    ['August 2026, starting on a Saturday', 2026, 8, '2026-08-21'],
    ['November 2026, starting on a Sunday', 2026, 11, '2026-11-20'],
    ['June 2026, starting on a Monday', 2026, 6, '2026-06-19'],
  ])('%s (%i-%i): the 15th is %s', (_, y, m, expected) => {
    expect(formatDate(businessDayOfMonth(utc(y, m, 1), 15))).toBe(expected);
  });

  it('is the nth weekday counted day by day, for any month, any day of it, any n', () => {
    fc.assert(
      fc.property(
        month,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 28 }),
        ({ y, m }, n, d) => {
          expect(formatDate(businessDayOfMonth(utc(y, m, d, 13), n))).toBe(nthWeekday(y, m, n));
        },
      ),
    );
  });
});

describe('one calendar month later', () => {
  it.each([
    [utc(2026, 1, 31, 8), '2026-02-28T08:00:00.000Z'],
    [utc(2028, 1, 31, 8), '2028-02-29T08:00:00.000Z'],
    [utc(2026, 1, 10, 12, 30), '2026-02-10T12:30:00.000Z'],
    [utc(2026, 12, 31, 23, 59), '2027-01-31T23:59:00.000Z'],
  ])('after %p is %s', (at, expected) => {
    expect(formatInstant(addCalendarMonths(at, 1))).toBe(expected);
  });

  it('keeps the day and time, clamped to the last day of the next month', () => {
    fc.assert(
      fc.property(
        month,
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        ({ y, m }, d, h) => {
          fc.pre(d <= daysIn(y, m));
          const [ny, nm] = m === 12 ? [y + 1, 1] : [y, m + 1];
          expect(addCalendarMonths(utc(y, m, d, h), 1)).toBe(
            utc(ny, nm, Math.min(d, daysIn(ny, nm)), h),
          );
        },
      ),
    );
  });
});

describe('the first day of the third month after', () => {
  it('any day of January gives April 1, 00:00 UTC', () => {
    for (let d = 1; d <= 31; d++) {
      expect(formatInstant(startOfMonthAfter(utc(2026, 1, d, 23, 59), 3))).toBe(
        '2026-04-01T00:00:00.000Z',
      );
    }
  });

  it('November gives February 1 of the next year', () => {
    expect(formatInstant(startOfMonthAfter(utc(2026, 11, 30), 3))).toBe('2027-02-01T00:00:00.000Z');
  });
});

describe('the nth business day on the US federal calendar (CONTRACT §3, Smith.ai)', () => {
  it.each([
    ['April 2026 (no holiday)', 2026, 4, '2026-04-21'],
    ["January 2026 (New Year's Day, Martin Luther King Jr. Day)", 2026, 1, '2026-01-23'],
    ['November 2026 (Veterans Day on a Wednesday)', 2026, 11, '2026-11-23'],
    ['July 2026 (Independence Day on a Saturday, observed Friday the 3rd)', 2026, 7, '2026-07-22'],
    ['May 2026 (Memorial Day, the 25th, comes after the 15th business day)', 2026, 5, '2026-05-21'],
    ['June 2026 (Juneteenth on Friday the 19th)', 2026, 6, '2026-06-22'],
    // date-holidays lists no observed day for Veterans Day on a weekend; the federal rule does.
    [
      'November 2028 (Veterans Day on a Saturday, observed Friday the 10th)',
      2028,
      11,
      '2028-11-22',
    ],
    ['November 2029 (Veterans Day on a Sunday, observed Monday the 12th)', 2029, 11, '2029-11-23'],
    [
      'November 2023 (Veterans Day on a Saturday, observed Friday the 10th)',
      2023,
      11,
      '2023-11-22',
    ],
  ])('%s (%i-%i): the 15th is %s', (_, y, m, expected) => {
    expect(formatDate(businessDayOfMonth(utc(y, m, 1), 15, 'US'))).toBe(expected);
  });

  it("skips New Year's Day 2028 (a Saturday), observed on Friday 2027-12-31", () => {
    // December 2027: Christmas (Sat) observed Fri 24th, New Year's Day 2028 observed Fri 31st.
    expect(formatDate(businessDayOfMonth(utc(2027, 12, 1), 21, 'US'))).toBe('2027-12-30');
    expect(formatDate(businessDayOfMonth(utc(2027, 12, 1), 22, 'US'))).toBe('2028-01-03');
  });

  it('skips every fixed-date federal holiday that falls on a weekend on its observed weekday', () => {
    const fixed: [month: number, day: number, since: number][] = [
      [1, 1, 2000],
      [6, 19, 2021], // Juneteenth, a federal holiday since 2021
      [7, 4, 2000],
      [11, 11, 2000],
      [12, 25, 2000],
    ];
    let weekendHolidays = 0;
    for (let y = 2000; y < 2100; y++) {
      for (const [m, d, since] of fixed) {
        const weekday = new Date(utc(y, m, d)).getUTCDay();
        if (y < since || (weekday !== 0 && weekday !== 6)) continue;
        weekendHolidays++;
        const observed = utc(y, m, d + (weekday === 6 ? -1 : 1));
        expect([formatDate(observed), isBusinessDay(observed, 'US')]).toEqual([
          formatDate(observed),
          false,
        ]);
      }
    }
    expect(weekendHolidays).toBeGreaterThan(100);
  });

  it('never lands on a weekend or a weekday the plain calendar would count less often', () => {
    fc.assert(
      fc.property(month, fc.integer({ min: 1, max: 15 }), ({ y, m }, n) => {
        const us = businessDayOfMonth(utc(y, m, 1), n, 'US');
        const plain = Date.parse(nthWeekday(y, m, n));
        const weekday = new Date(us).getUTCDay();
        return weekday !== 0 && weekday !== 6 && us >= plain;
      }),
    );
  });
});

describe('the calendars a program can name', () => {
  it.each(['weekdays', 'US', 'GB'])('knows %s', (calendar) => {
    expect(isKnownCalendar(calendar)).toBe(true);
  });

  it.each(['constructor', 'toString', '__proto__', 'XX', 'us'])('refuses %s', (calendar) => {
    expect(isKnownCalendar(calendar)).toBe(false);
  });
});

describe('parseInstant', () => {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  it('agrees with Date.parse on instants in every form, well made or not', () => {
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 0, max: 9999 }),
          m: fc.integer({ min: 0, max: 13 }),
          d: fc.integer({ min: 0, max: 32 }),
          h: fc.integer({ min: 0, max: 25 }),
          min: fc.integer({ min: 0, max: 61 }),
          s: fc.integer({ min: 0, max: 61 }),
          ms: fc.integer({ min: 0, max: 999 }),
          tail: fc.constantFrom('Z', '.000Z', '.5Z', '+02:00', 'z', ''),
          millis: fc.boolean(),
        }),
        ({ y, m, d, h, min, s, ms, tail, millis }) => {
          const base = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(min, 2)}:${pad(s, 2)}`;
          const iso = millis ? `${base}.${pad(ms, 3)}Z` : `${base}${tail}`;
          expect(Object.is(parseInstant(iso), Date.parse(iso))).toBe(true);
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('reads back what formatInstant writes, and refuses near misses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 946684800000, max: 4102444799999 }), (ms) => {
        expect(parseInstant(formatInstant(ms))).toBe(ms);
      }),
    );
    for (const odd of [
      '2026-04-02T10:00:00.000X',
      '2026-04-02 10:00:00.000Z',
      '2026-4-02T10:00:00.000Z',
      '20x6-04-02T10:00:00Z',
    ]) {
      expect(Object.is(parseInstant(odd), Date.parse(odd))).toBe(true);
    }
  });
});
