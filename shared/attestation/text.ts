// Texts about an RT chair's letter (surat keterangan): the masked name shown to anyone who scans its QR code,
// and the SMS the resident gets when the letter is issued or rejected. Bahasa Indonesia, one GSM-7 SMS each.
import { city } from '#shared/city/regions.ts';
import { pbiApbdCardName } from '#shared/platform/config.ts';
import { fitsOneSms } from '#shared/platform/sms-text.ts';
import { dateWib } from '#shared/registry/sms.ts';

/**
 * "Siti Wulandari" → "S*** W***": each word's first character and three stars, whatever its length, so
 * the mask reveals neither the rest of a word nor how long it is. Empty → "***".
 */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '***';
  return words.map((w) => `${Array.from(w)[0]}***`).join(' ');
}

export interface AttestationSmsInput {
  /** The resident's full name; only the first name goes out, ASCII-folded and cut to 20 characters. */
  name: string;
  /** When coverage started (issued) or ended (rejected), ISO; shown as a WIB date. */
  at: string;
  /** Defaults to the configured city's name. */
  city?: string;
}

/** The resident's coverage is active at once, thanks to the RT letter, paid by the city. */
export function attestationIssuedSms(p: AttestationSmsInput): string {
  const card = pbiApbdCardName();
  // A kota's government is the Pemkot, a kabupaten's the Pemkab.
  const government = /^kabupaten\b/i.test(p.city ?? city().name) ? 'Pemkab' : 'Pemkot';
  const head = `JKN Anda AKTIF sejak ${dateWib(p.at)} berkat surat RT, dibayar ${government} (PBI APBD${card ? `/${card}` : ''}).`;
  return firstFitting(p, [
    `${head} Cek/berobat: bawa KTP ke puskesmas/RS.`,
    `${head} Bawa KTP ke puskesmas/RS.`,
  ]);
}

/** Dinas Sosial did not approve the letter: the coverage it opened ends. */
export function attestationRejectedSms(p: AttestationSmsInput): string {
  const tail = `JKN PBI APBD tidak aktif sejak ${dateWib(p.at)}. Hubungi Ketua RT/Dinas Sosial.`;
  return firstFitting(p, [
    `surat RT Anda tidak disetujui Dinas Sosial setelah dicek. ${tail}`,
    `surat RT Anda tidak disetujui Dinas Sosial. ${tail}`,
  ]);
}

/**
 * The first text that fits one GSM-7 SMS: each body with the greeting, then each without it. The last
 * candidate (city cut to 24 characters, shortest body, no name) always fits; the tests hold it to that.
 */
function firstFitting(p: AttestationSmsInput, bodies: readonly string[]): string {
  const label = cityLabel(p.city ?? city().name);
  const name = firstName(p.name);
  const candidates = [
    ...bodies.map((b) => `${label}: Yth. ${name}, ${b}`),
    ...bodies.map((b) => `${label}: ${b.charAt(0).toUpperCase()}${b.slice(1)}`),
  ];
  return candidates.find(fitsOneSms) ?? candidates[candidates.length - 1]!;
}

/** Only the first name, ASCII letters, cut short (as the registry's coverage SMS does). */
function firstName(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  const ascii = first.normalize('NFKD').replace(/[^A-Za-z'.-]/g, '');
  return ascii.slice(0, 20) || 'Warga';
}

/** The city as the SMS opens with it: GSM-7 letters only, at most 24 characters. */
function cityLabel(city: string): string {
  const ascii = city
    .normalize('NFKD')
    .replace(/\s+/g, ' ')
    .replace(/[^A-Za-z0-9 .'-]/g, '')
    .replace(/ +/g, ' ')
    .trim();
  // A long name loses whole words from the end ("Kabupaten Tanjung Jabung Barat" → "Kabupaten Tanjung Jabung").
  const cut = ascii.length <= 24 ? ascii : ascii.slice(0, 25).replace(/\s*\S*$/, '') || ascii.slice(0, 24);
  return cut || 'SehatKota';
}
