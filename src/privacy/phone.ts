import { toHalfWidth } from '../text/width.js';

/**
 * Phone numbers as citizens type them: `138 0013 8000`, `+86-138-0013-8000`, `0086 13800138000`,
 * full-width digits from a Chinese IME, or a landline such as `010-12345678`.
 */

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/**
 * E.164-style normal form: mainland mobiles become `+86…`; other numbers keep their digits (with a
 * leading `+` when given one). Returns undefined for text that is not a phone number.
 */
export function normalisePhone(input: string): string | undefined {
  const text = toHalfWidth(input).trim();
  const plus = text.startsWith('+');
  const digits = text.replace(/[\s\-().]/g, '').replace(/^\+/, '');
  if (!/^\d{5,15}$/.test(digits)) return undefined;
  if (plus || digits.startsWith('00')) {
    // The country code is given (+8613800138000 stays as it is; +1 415… is not a mainland mobile).
    return `+${digits.replace(/^00/, '')}`;
  }
  const national = digits.replace(/^86(?=1[3-9]\d{9}$)/, '');
  return MAINLAND_MOBILE.test(national) ? `+86${national}` : digits;
}

export function isMainlandMobile(normalised: string): boolean {
  return /^\+861[3-9]\d{9}$/.test(normalised);
}

/** `+8613800138000` → `138****8000`; other numbers keep only their last four digits. */
export function maskPhone(phone: string): string {
  const national = phone.replace(/^\+86(?=1[3-9]\d{9}$)/, '');
  if (MAINLAND_MOBILE.test(national)) return `${national.slice(0, 3)}****${national.slice(7)}`;
  if (national.length <= 4) return '*'.repeat(national.length);
  return '*'.repeat(national.length - 4) + national.slice(-4);
}
