// Indonesian mobile numbers, normalised to E.164 (+628…, 10–13 digits after +62) with libphonenumber.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** The E.164 form of an Indonesian mobile number, or undefined when it is not one. */
export function normalisePhone(input: string): string | undefined {
  const text = input.trim();
  if (!/^[+(\d][\d\s().-]{6,24}$/.test(text)) return undefined;
  const parsed = parsePhoneNumberFromString(text, 'ID');
  if (!parsed || parsed.countryCallingCode !== '62') return undefined;
  const national = parsed.nationalNumber;
  if (!/^8\d{9,12}$/.test(national)) return undefined;
  return `+62${national}`;
}

/** For messages shown to people other than the owner: +62812****7890. */
export function maskPhone(phone: string): string {
  return phone.length > 8 ? `${phone.slice(0, 6)}****${phone.slice(-4)}` : '****';
}
