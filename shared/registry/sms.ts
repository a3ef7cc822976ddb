// The registry's SMS texts, in Bahasa Indonesia, each kept to one GSM-7 message (160 characters).
import { city } from '#shared/city/regions.ts';
import { pbiApbdCardName } from '#shared/platform/config.ts';
import { fitsOneSms } from '#shared/platform/sms-text.ts';
import type { Scheme } from './schemas.ts';

const SCHEME_LABEL: Record<Scheme, string> = {
  PBI_APBN: 'PBI APBN',
  PBI_APBD: 'PBI APBD',
  PBPU: 'PBPU Mandiri',
  PPU: 'PPU',
  BP: 'BP',
};

/** PBI APBD with the city's name for its card where it has one: "PBI APBD (Kartu Bahagia)". */
export function schemeLabel(scheme: Scheme): string {
  const card = scheme === 'PBI_APBD' ? pbiApbdCardName() : undefined;
  return card ? `${SCHEME_LABEL[scheme]} (${card})` : SCHEME_LABEL[scheme];
}

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
  const cityName = city().name;
  const text = `${cityName}: Yth. ${firstName(p.name)}, JKN Anda AKTIF sejak ${dateWib(p.at)} (${schemeLabel(p.scheme)}). Berobat cukup bawa KTP ke puskesmas. Info: 112`;
  if (fitsOneSms(text)) return text;
  return `${cityName}: JKN Anda AKTIF sejak ${dateWib(p.at)}. Berobat cukup bawa KTP ke puskesmas. Info: 112`;
}
