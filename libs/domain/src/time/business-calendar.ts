import type HolidaysClass from 'date-holidays';

/**
 * Business days by a public-holiday calendar. `date-holidays` lists, for the
 * US, exactly the federal holidays as its `public` ones, so the calendar is
 * never written by hand. Where a holiday on a weekend is observed is a rule of
 * each country; for the US it is derived here (see observedByRule).
 */

const holidaysByCalendarYear = new Map<string, ReadonlySet<string>>();

/**
 * `date-holidays` holds every country's rules (~20 MB once loaded): it is
 * loaded the first time a public-holiday calendar is asked about, so a
 * process whose programs count weekdays only never pays for it.
 */
let holidaysClass: typeof HolidaysClass | undefined;
function loadHolidays(): typeof HolidaysClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  const loaded = require('date-holidays') as typeof HolidaysClass & {
    default?: typeof HolidaysClass;
  };
  return (holidaysClass ??= loaded.default ?? loaded);
}

function publicHolidays(calendar: string, year: number): ReadonlySet<string> {
  const key = `${calendar}:${year}`;
  let dates = holidaysByCalendarYear.get(key);
  if (!dates) {
    const observe = observedByRule.get(calendar);
    dates = observe ? observedDates(calendar, year, observe) : listedDates(calendar, year);
    holidaysByCalendarYear.set(key, dates);
  }
  return dates;
}

/** `date`s are local calendar dates ("2026-07-03 00:00:00"), which is what a due date names. */
const holidaysOf = (calendar: string, year: number) =>
  (new (loadHolidays())(calendar).getHolidays(year) || []).filter((h) => h.type === 'public');

/** The public holidays as `date-holidays` lists them, observed days included where it has them. */
const listedDates = (calendar: string, year: number): ReadonlySet<string> =>
  new Set(holidaysOf(calendar, year).map((h) => h.date.slice(0, 10)));

/**
 * Where a holiday that falls on a weekend is observed, for the calendars whose
 * rule is the engine's to state. The US federal rule (5 U.S.C. 6103(b),
 * CONTRACT §3): a Saturday holiday is observed the Friday before, a Sunday one
 * the Monday after. `date-holidays` lists most such days as substitutes of
 * their own, but not Veterans Day's (Nov 11 on a weekend: 2023, 2028, 2029),
 * so for the US each holiday's observed day comes from the rule instead.
 */
const observedByRule: ReadonlyMap<string, (day: Date) => Date> = new Map([
  ['US', (day: Date) => shiftDays(day, day.getUTCDay() === 6 ? -1 : day.getUTCDay() === 0 ? 1 : 0)],
]);

/** The holidays of `year`, each with the day `observe` moves it to (a holiday of the next year can be observed in this one). */
function observedDates(
  calendar: string,
  year: number,
  observe: (day: Date) => Date,
): ReadonlySet<string> {
  const dates = new Set<string>();
  for (const near of [year - 1, year, year + 1]) {
    for (const holiday of holidaysOf(calendar, near)) {
      if (holiday.substitute) continue;
      const day = new Date(`${holiday.date.slice(0, 10)}T00:00:00Z`);
      for (const date of [day, observe(day)]) {
        if (date.getUTCFullYear() === year) dates.add(date.toISOString().slice(0, 10));
      }
    }
  }
  return dates;
}

const shiftDays = (day: Date, days: number) => new Date(day.getTime() + days * 86_400_000);

/** Whether the UTC calendar day of `day` is a business day of `calendar` (`weekdays`: Mon–Fri only). */
export function isBusinessDay(day: number, calendar: string): boolean {
  const date = new Date(day);
  const weekday = date.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (calendar === 'weekdays') return true;
  return !publicHolidays(calendar, date.getUTCFullYear()).has(date.toISOString().slice(0, 10));
}

let countries: Readonly<Record<string, string>> | undefined;

/** Whether `date-holidays` knows the country code, for validating program files. */
export function isKnownCalendar(calendar: string): boolean {
  if (calendar === 'weekdays') return true;
  countries ??= new (loadHolidays())().getCountries();
  // Own keys only: `constructor` is in every object.
  return Object.hasOwn(countries, calendar);
}
