/**
 * Masking of what a subsidy register holds besides ID numbers and phones (those are in src/privacy).
 */

/** A bank account keeps its last four digits only: `6217 0000 1234 5678` → `****5678`. */
export function maskAccount(account: string): string | undefined {
  const digits = account.replace(/[\s-]/g, '');
  if (!/^\d{8,30}$/.test(digits)) return undefined;
  return `****${digits.slice(-4)}`;
}

/** `王小明` → `王*明`, `张三` → `张*`: enough for the household to recognise itself, no more. */
export function maskName(name: string): string {
  // Code points are enough: Chinese names (rare characters of plane 2 included) have no combining marks.
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0] ?? ''}*`;
  return `${chars[0] ?? ''}${'*'.repeat(chars.length - 2)}${chars.at(-1) ?? ''}`;
}
