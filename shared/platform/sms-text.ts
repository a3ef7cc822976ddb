// SMS length rules: GSM-7 (160 characters, 153 per part when split; some characters count twice)
// or UCS-2 (70, 67 per part) as soon as one character is outside GSM-7.
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  parts: number;
}

export function smsLength(text: string): SmsLength {
  let units = 0;
  for (const ch of text) {
    if (GSM7_BASIC.includes(ch)) units += 1;
    else if (GSM7_EXTENDED.includes(ch)) units += 2;
    else return ucs2(text);
  }
  return { encoding: 'GSM-7', units, parts: units <= 160 ? 1 : Math.ceil(units / 153) };
}

function ucs2(text: string): SmsLength {
  const units = text.length;
  return { encoding: 'UCS-2', units, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** True when the text goes as one GSM-7 SMS of at most 160 characters. */
export function fitsOneSms(text: string): boolean {
  const l = smsLength(text);
  return l.encoding === 'GSM-7' && l.units <= 160;
}
