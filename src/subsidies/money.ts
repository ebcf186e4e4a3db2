import { toHalfWidth } from '../text/width.js';

/**
 * Amounts are integer fen (分) everywhere past the import: no floating point ever touches money.
 */

/** `1,234.5` / `1234.50` / `¥800` / `８００` (yuan, at most 2 decimals) → fen; undefined otherwise. */
export function parseYuan(text: string): number | undefined {
  const clean = toHalfWidth(text)
    .trim()
    .replace(/^[¥￥]|元$/g, '')
    .replace(/,/g, '')
    .trim();
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return undefined;
  const [, whole = '', fraction = ''] = match;
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Integer fen as written in a register (digits only, at most 11) → fen; undefined otherwise. */
export function parseFen(text: string): number | undefined {
  const clean = toHalfWidth(text).replace(/,/g, '').trim();
  return /^\d{1,11}$/.test(clean) ? Number(clean) : undefined;
}

/** 123450 → `1234.50` (for SMS and speech: `元` is added by the template). */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
