import type HolidaysClass from 'date-holidays';

/**
 * Business days by a public-holiday calendar. `date-holidays` lists, for the
 * US, exactly the federal holidays as its `public` ones, with each observed
 * weekday (a Saturday holiday on the Friday before, a Sunday one on the Monday
 * after) as an entry of its own, so the calendar is never written by hand.
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
    const holidays = new (loadHolidays())(calendar).getHolidays(year) || [];
    // `date` is the local calendar date ("2026-07-03 00:00:00"), which is what a due date names.
    dates = new Set(holidays.filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    holidaysByCalendarYear.set(key, dates);
  }
  return dates;
}

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
  return calendar in countries;
}
