// The public fund pages are read by anyone: a NIK, KK or phone number a chair wrote into a description or a vendor
// is shown there masked (the stored entry keeps what was written, for the audit). Each rule takes a whole run of
// digits (single spaces, dots or hyphens between them), so an amount beside a number is not half-masked.

/** Sixteen digits: a NIK or a KK number. */
const ID_NUMBER = /(?<!\d[ .-]?)(?:\d[ .-]?){15}\d(?![ .-]?\d)/g;
/** An Indonesian mobile number: 08…, 628… or +62 8…, 10 to 14 digits in all. */
const MOBILE = /(?<![\d+][ .-]?)(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?![ .-]?\d)/g;
/** Any other run of ten or more digits written together: an account or card number, a landline. */
const LONG_NUMBER = /(?<!\d)\d{10,}(?!\d)/g;

export const MASKED_ID = '[NIK/KK disamarkan]';
export const MASKED_PHONE = '[nomor HP disamarkan]';
export const MASKED_NUMBER = '[nomor disamarkan]';

export function maskPersonalNumbers(text: string): string {
  return text.replace(ID_NUMBER, MASKED_ID).replace(MOBILE, MASKED_PHONE).replace(LONG_NUMBER, MASKED_NUMBER);
}
