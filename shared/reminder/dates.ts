// Calendar arithmetic on YYYY-MM-DD days (no time of day, no zone): the reminders' event days and birthdays.
const DAY_MS = 86_400_000;

export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

export const parts = (day: string): [number, number, number] =>
  day.split('-').map(Number) as [number, number, number];

export const ymd = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The same day `years` earlier or later; 29 February becomes 28 February in a year without it. */
export function addYears(day: string, years: number): string {
  const [y, m, d] = parts(day);
  return ymd(y + years, m, Math.min(d, daysInMonth(y + years, m)));
}

/**
 * The birthdays (MM-DD) celebrated on a day: its own, and on 28 February of a year without a 29th, also
 * 29 February's (those residents are reminded a day early rather than never).
 */
export function birthdaysOn(day: string): string[] {
  const [y, m, d] = parts(day);
  const own = day.slice(5);
  return m === 2 && d === 28 && !isLeapYear(y) ? [own, '02-29'] : [own];
}

/** Whether `day` is an occurrence of a broadcast on `first`, repeated monthly or not (a 31st falls on a month's last day). */
export function isOccurrence(day: string, first: string, monthly: boolean): boolean {
  if (day === first) return true;
  if (!monthly || day < first) return false;
  const [y, m, d] = parts(day);
  const wanted = Math.min(parts(first)[2], daysInMonth(y, m));
  return d === wanted;
}

/** Every MM-DD of a leap year, the partitions of the birthday index. */
export const ALL_BIRTHDAYS: readonly string[] = Array.from({ length: 366 }, (_, i) =>
  addDays('2024-01-01', i).slice(5),
);
