// Reminder texts: Bahasa Indonesia with {name}, {date} and {puskesmas}. Each placeholder renders to at most a
// known length, so a template's worst case is known when it is saved: one that could render over one GSM-7 SMS
// (160 characters) is refused with that length, and no resident ever gets a two-part or UCS-2 reminder.
import { smsLength } from '#shared/platform/sms-text.ts';
import { BULAN_SINGKAT as BULAN } from '#shared/platform/wib.ts';

/** The most each placeholder renders to: a first name cut at 20, "23 Des 2026", "Puskesmas <kecamatan>" cut at 40. */
export const PLACEHOLDERS = { name: 20, date: 11, puskesmas: 40 } as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
const TOKEN = /\{([a-z]+)\}/g;

export type TemplateCheck =
  | { ok: true; worstCaseLength: number }
  | { ok: false; message: string; worstCaseLength?: number };

export function checkTemplate(template: string): TemplateCheck {
  const unknown = [...template.matchAll(TOKEN)].map((m) => m[1]!).filter((p) => !(p in PLACEHOLDERS));
  if (unknown.length) {
    return {
      ok: false,
      message: `uses unknown placeholder(s) ${unknown.map((p) => `{${p}}`).join(', ')}; known: {name}, {date}, {puskesmas}`,
    };
  }
  const bare = template.replace(TOKEN, '');
  const outside = [...bare].filter((ch) => smsLength(ch).encoding !== 'GSM-7');
  if (outside.length) {
    return {
      ok: false,
      message: `has characters outside GSM-7 (${[...new Set(outside)].join(' ')}), which would make every SMS UCS-2 (70 characters)`,
    };
  }
  // Placeholders render GSM-7 letters only (see render), one unit each.
  const worst = template.replace(TOKEN, (_, p: Placeholder) => 'x'.repeat(PLACEHOLDERS[p]));
  const worstCaseLength = smsLength(worst).units;
  if (worstCaseLength > 160) {
    return {
      ok: false,
      worstCaseLength,
      message: `can render ${worstCaseLength} characters in the worst case; one SMS holds 160`,
    };
  }
  return { ok: true, worstCaseLength };
}

/** 2026-12-03 → "3 Des 2026" */
export function tanggal(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return `${d} ${BULAN[m - 1]} ${y}`;
}

/** Letters GSM-7 can carry, accents dropped, cut to `max`. */
function plain(text: string, max: number): string {
  const out = [...text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')]
    .map((ch) => (smsLength(ch).encoding === 'GSM-7' ? ch : ' '))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return out.slice(0, max).trimEnd();
}

export function render(template: string, values: { name: string; date: string; puskesmas: string }): string {
  const shown: Record<Placeholder, string> = {
    name: plain(values.name.split(/\s+/)[0] ?? '', PLACEHOLDERS.name),
    date: tanggal(values.date),
    puskesmas: plain(values.puskesmas, PLACEHOLDERS.puskesmas),
  };
  return template.replace(TOKEN, (_, p: Placeholder) => shown[p]);
}
