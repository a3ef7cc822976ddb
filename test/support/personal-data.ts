// What counts as a citizen's raw NIK or phone in a log line, by the domain's own rules (shared/registry/nik.ts,
// phone.ts) rather than the logger's masking patterns, so the check does not merely agree with the masking.
import { parseNik } from '../../shared/registry/nik.ts';
import { normalisePhone } from '../../shared/registry/phone.ts';

export interface Found {
  kind: 'NIK' | 'phone';
  value: string;
}

// Ids that are hex with hyphens (request ids, SNS message ids) may hold digit runs that look like a number.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
// 16 digits standing alone: not a piece of a longer number, a hash or a token.
const SIXTEEN_DIGITS = /(?<![\w])\d{16}(?![\w])/g;
// +62 8…, 62 8… or 08…, digits in groups split by spaces or hyphens; not inside a word, a longer number or a
// hyphenated id. normalisePhone then decides whether it is an Indonesian mobile number.
const PHONE_LIKE = /(?<![\w+-])(?:\+62|62|0)[\s-]?8(?:[\s-]?\d){7,12}(?![\w-])/g;

/** The raw NIKs (16 digits that pass the NIK rule; KK numbers pass it too) and Indonesian mobile numbers in a line. */
export function findPersonalData(line: string): Found[] {
  const text = line.replace(UUID, '<uuid>');
  const found: Found[] = [];
  for (const m of text.matchAll(SIXTEEN_DIGITS)) {
    if (parseNik(m[0]).ok) found.push({ kind: 'NIK', value: m[0] });
  }
  for (const m of text.matchAll(PHONE_LIKE)) {
    if (normalisePhone(m[0])) found.push({ kind: 'phone', value: m[0] });
  }
  return found;
}
