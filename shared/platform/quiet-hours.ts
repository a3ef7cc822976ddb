// Quiet hours: the hours of the WIB night no reminder SMS goes out (config SMS_QUIET_HOURS_WIB, "21-6" = from
// 21:00 until 06:00). Answers when the quiet ends, so a message can wait for it rather than be dropped.
const WIB_MS = 7 * 3600_000;
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** The hours of a setting, or undefined for none ("off", or a start equal to its end: an empty window). */
export function parseQuietHours(setting: string): { from: number; until: number } | undefined {
  if (setting.trim().toLowerCase() === 'off') return undefined;
  const m = /^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$/.exec(setting);
  const from = Number(m?.[1]);
  const until = Number(m?.[2]);
  if (!m || from > 23 || until > 23) throw new Error(`quiet hours must be like 21-6, or off: ${setting}`);
  return from === until ? undefined : { from, until };
}

/**
 * The instant (ISO, UTC) the quiet hours end when `nowIso` falls inside them, else undefined. The start hour is
 * quiet, the end hour is not: with "21-6", 21:00 is quiet and 06:00 is not.
 */
export function quietUntil(nowIso: string, setting: string): string | undefined {
  const hours = parseQuietHours(setting);
  if (!hours) return undefined;
  const wib = Date.parse(nowIso) + WIB_MS;
  if (Number.isNaN(wib)) throw new Error(`not an instant: ${nowIso}`);
  const midnight = wib - (((wib % DAY_MS) + DAY_MS) % DAY_MS);
  const hour = (wib - midnight) / HOUR_MS;
  const { from, until } = hours;
  let end: number | undefined;
  if (from < until) {
    if (hour >= from && hour < until) end = midnight + until * HOUR_MS;
  } else if (hour >= from) {
    // Across midnight: the evening's quiet ends tomorrow morning.
    end = midnight + DAY_MS + until * HOUR_MS;
  } else if (hour < until) {
    end = midnight + until * HOUR_MS;
  }
  return end === undefined ? undefined : new Date(end - WIB_MS).toISOString();
}
