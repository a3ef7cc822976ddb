// Homecare's SMS texts, in Bahasa Indonesia, each one GSM-7 message (160 characters): the household (a visit, the
// day-before reminder, a trip), an ambulance's crew (a trip), and the puskesmas (a trip moved, requests waiting).
// Never a NIK, never a clinical note: a first name, a day, a place.
import { gsm7 } from '#shared/incident/alerts.ts';
import { fitsOneSms } from '#shared/platform/sms-text.ts';
import { BULAN_SINGKAT as BULAN } from '#shared/platform/wib.ts';

const HARI = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];

/** "Senin 7 Des 2026" for a day written YYYY-MM-DD. */
export function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return `${HARI[d.getUTCDay()]} ${d.getUTCDate()} ${BULAN[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "Senin 7 Des 2026 pukul 08.30" in WIB for an instant. */
export function timeLabel(iso: string): string {
  const wib = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${dayLabel(wib.slice(0, 10))} pukul ${wib.slice(11, 13)}.${wib.slice(14, 16)}`;
}

/** The first name only, in GSM-7, at most 15 characters. */
export function firstName(name: string): string {
  return gsm7(name.trim().split(/\s+/)[0] ?? '').slice(0, 15) || 'Warga';
}

/** The longest of the texts that fits one SMS: each `parts` list is tried with its optional pieces dropped in turn. */
function oneSms(variants: string[]): string {
  for (const v of variants.map((t) => gsm7(t))) if (fitsOneSms(v)) return v;
  return gsm7(variants.at(-1)!).slice(0, 160);
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 2).trimEnd()}..` : s);
const info = (phone?: string) => (phone ? ` Info: ${phone.replace(/^\+62/, '0')}` : '');

export function visitScheduledSms(p: {
  name: string;
  day: string;
  puskesmas: string;
  phone?: string;
}): string {
  const who = firstName(p.name);
  return oneSms([
    `Yth. ${who}, petugas ${p.puskesmas} akan berkunjung ke rumah pada ${dayLabel(p.day)} (layanan homecare).${info(p.phone)}`,
    `Yth. ${who}, petugas ${cut(p.puskesmas, 30)} berkunjung ke rumah ${dayLabel(p.day)}.${info(p.phone)}`,
    `Petugas ${cut(p.puskesmas, 30)} berkunjung ke rumah ${dayLabel(p.day)}.`,
  ]);
}

export function visitReminderSms(p: {
  name: string;
  day: string;
  puskesmas: string;
  phone?: string;
}): string {
  const who = firstName(p.name);
  return oneSms([
    `Yth. ${who}, besok ${dayLabel(p.day)} petugas ${p.puskesmas} berkunjung ke rumah. Mohon ada di rumah.${info(p.phone)}`,
    `Besok ${dayLabel(p.day)} petugas ${cut(p.puskesmas, 30)} berkunjung ke rumah ${who}.${info(p.phone)}`,
    `Besok ${dayLabel(p.day)} petugas ${cut(p.puskesmas, 30)} berkunjung ke rumah.`,
  ]);
}

export function tripHouseholdSms(p: {
  name: string;
  pickupAt: string;
  destination: string;
  puskesmas: string;
  phone?: string;
}): string {
  const who = firstName(p.name);
  const when = timeLabel(p.pickupAt);
  return oneSms([
    `Jemput Sakit Antar Sehat: ambulans menjemput ${who} ${when} ke ${p.destination}.${info(p.phone)}`,
    `Jemput Sakit: ambulans menjemput ${who} ${when} ke ${cut(p.destination, 40)}.${info(p.phone)}`,
    `Jemput Sakit: ambulans menjemput ${who} ${when}.`,
  ]);
}

export function tripCrewSms(p: {
  pickupAt: string;
  place: string;
  destination: string;
  puskesmas: string;
  leg: 'OUTBOUND' | 'RETURN';
}): string {
  const head = `P3 ANTAR PASIEN ${p.leg === 'RETURN' ? '(PULANG) ' : ''}${timeLabel(p.pickupAt)}`;
  const from = p.leg === 'RETURN' ? p.destination : p.place;
  const to = p.leg === 'RETURN' ? p.place : p.destination;
  return oneSms([
    `${head}. Jemput: ${from}. Ke: ${to}. ${p.puskesmas}`,
    `${head}. Jemput: ${cut(from, 50)}. Ke: ${cut(to, 40)}.`,
    `${head}. Jemput: ${cut(from, 60)}.`,
  ]);
}

export function tripCancelledSms(p: {
  pickupAt: string;
  leg: 'OUTBOUND' | 'RETURN';
  puskesmas: string;
}): string {
  const what = `BATAL: perjalanan homecare ${p.leg === 'RETURN' ? '(pulang) ' : ''}${timeLabel(p.pickupAt)}`;
  return oneSms([`${what} dibatalkan ${p.puskesmas}. Unit bebas untuk jam itu.`, `${what} dibatalkan.`]);
}

export function tripMovedSms(p: { pickupAt: string; from: string; to: string | null }): string {
  const when = timeLabel(p.pickupAt);
  return oneSms(
    p.to
      ? [`Ambulans ${p.from} dipakai insiden 112. Perjalanan homecare ${when} dipindah ke ambulans ${p.to}.`]
      : [
          `Ambulans ${p.from} dipakai insiden 112 dan tidak ada ambulans lain yang kosong untuk perjalanan homecare ${when}. Mohon atur ulang.`,
        ],
  );
}

export function waitingSms(p: {
  puskesmas: string;
  waiting: number;
  oldestDays: number;
  maxDays: number;
}): string {
  return oneSms([
    `SehatKota: ${p.waiting} permintaan homecare ${p.puskesmas} menunggu kunjungan pertama lebih dari ${p.maxDays} hari (terlama ${p.oldestDays} hari).`,
    `SehatKota: ${p.waiting} permintaan homecare menunggu > ${p.maxDays} hari (terlama ${p.oldestDays} hari).`,
  ]);
}
