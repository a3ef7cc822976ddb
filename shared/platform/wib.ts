// The city's calendar: WIB (Asia/Jakarta, UTC+7, no daylight saving). Times are stored in UTC; days and months
// are counted in WIB, so a payment at 23:30 UTC on the 31st belongs to the 1st in Jambi.
const WIB_MS = 7 * 3600_000;

/** The WIB calendar day of an instant, YYYY-MM-DD. */
export const dayWib = (iso: string): string => new Date(Date.parse(iso) + WIB_MS).toISOString().slice(0, 10);

/** The WIB calendar month of an instant, YYYY-MM. */
export const monthWib = (iso: string): string => new Date(Date.parse(iso) + WIB_MS).toISOString().slice(0, 7);

/** The instant a WIB calendar day (YYYY-MM-DD) begins, 00:00 WIB, as an ISO instant in UTC. */
export const startOfDayWib = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString();

/** Today in WIB, YYYY-MM-DD. */
export const todayWib = (): string => new Date(Date.now() + WIB_MS).toISOString().slice(0, 10);

/** The months in Indonesian, written out: Januari … Desember. */
export const BULAN = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
] as const;

/** The months as Indonesian SMS and letters abbreviate them: Jan … Des. */
export const BULAN_SINGKAT = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'Mei',
  'Jun',
  'Jul',
  'Agu',
  'Sep',
  'Okt',
  'Nov',
  'Des',
] as const;
