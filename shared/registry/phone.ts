// Indonesian mobile numbers, normalised to E.164: +628…, 10–13 digits after +62 (PRODUCT.md).
// The rule is this narrow on purpose — SMS goes to Indonesian mobiles only — so it is a few lines here
// rather than libphonenumber in every bundle; the tests check it against libphonenumber.

/** The E.164 form of an Indonesian mobile number, or undefined when it is not one. */
export function normalisePhone(input: string): string | undefined {
  const text = input.trim();
  // Digits with the usual separators, an optional leading +, and at most one (area) group.
  if (!/^\+?(\(\d+\)|\d)[\d\s.-]*(\(\d+\))?[\d\s.-]*$/.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  const plus = text.startsWith('+');
  let national: string;
  if (plus || digits.startsWith('62')) {
    if (!digits.startsWith('62')) return undefined;
    national = digits.slice(2);
    // +62 0812… is a common slip; the trunk 0 is not part of the number.
    if (national.startsWith('0')) national = national.slice(1);
  } else if (digits.startsWith('0')) {
    national = digits.slice(1);
  } else {
    national = digits;
  }
  return /^8\d{9,12}$/.test(national) ? `+62${national}` : undefined;
}

/** For messages shown to people other than the owner: +62812****7890. */
export function maskPhone(phone: string): string {
  return phone.length > 8 ? `${phone.slice(0, 6)}****${phone.slice(-4)}` : '****';
}
