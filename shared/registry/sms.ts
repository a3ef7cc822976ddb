// The registry's SMS texts, in Bahasa Indonesia, each kept to one GSM-7 message (160 characters).
import { config } from '#shared/platform/config.ts';
import { fitsOneSms } from '#shared/platform/sms-text.ts';
import type { Scheme } from './schemas.ts';

const SCHEME_LABEL: Record<Scheme, string> = {
  PBI_APBN: 'PBI APBN',
  PBI_APBD: 'PBI APBD (Kartu Bahagia)',
  PBPU: 'PBPU Mandiri',
  PPU: 'PPU',
  BP: 'BP',
};

/** "23-11-2026" in WIB */
export function dateWib(iso: string): string {
  const d = new Date(Date.parse(iso) + 7 * 3600_000).toISOString();
  return `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}`;
}

/** Only the first name, cut short: the message must fit one SMS and says no more than it must. */
function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  const ascii = first.normalize('NFKD').replace(/[^A-Za-z'.-]/g, '');
  return ascii.slice(0, 20) || 'Warga';
}

export function coverageActivatedSms(p: { name: string; scheme: Scheme; at: string }): string {
  const city = config().CITY_NAME;
  const text = `${city}: Yth. ${firstName(p.name)}, JKN Anda AKTIF sejak ${dateWib(p.at)} (${SCHEME_LABEL[p.scheme]}). Berobat cukup bawa KTP ke puskesmas. Info: 112`;
  if (fitsOneSms(text)) return text;
  return `${city}: JKN Anda AKTIF sejak ${dateWib(p.at)}. Berobat cukup bawa KTP ke puskesmas. Info: 112`;
}
