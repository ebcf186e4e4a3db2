/**
 * Resident identity numbers (居民身份证号码, GB 11643-1999).
 *
 * 18 characters: 6-digit region, 8-digit birth date, 3-digit sequence, one check character computed
 * mod 11 (ISO 7064 MOD 11-2) that may be `X`. Legacy 15-digit numbers (before 1999) have a 6-digit
 * birth date in the 1900s and no check character; they are upgraded to 18 characters.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type ResidentIdProblem = 'format' | 'region' | 'birth-date' | 'check-digit';

export type ResidentIdResult =
  { ok: true; id: string; birthDate: string; legacy: boolean } | { ok: false; problem: ResidentIdProblem };

/** The check character of the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/** Validates an 18- or 15-character number (spaces ignored, `x` accepted) and returns it as 18. */
export function parseResidentId(input: string): ResidentIdResult {
  const raw = input.replace(/\s+/g, '').toUpperCase();
  if (/^\d{15}$/.test(raw)) return parseLegacy(raw);
  if (!/^\d{17}[\dX]$/.test(raw)) return { ok: false, problem: 'format' };
  if (!validRegion(raw)) return { ok: false, problem: 'region' };
  const birthDate = isoDate(raw.slice(6, 14));
  if (!birthDate) return { ok: false, problem: 'birth-date' };
  if (residentIdCheckChar(raw.slice(0, 17)) !== raw[17]) return { ok: false, problem: 'check-digit' };
  return { ok: true, id: raw, birthDate, legacy: false };
}

function parseLegacy(raw: string): ResidentIdResult {
  if (!validRegion(raw)) return { ok: false, problem: 'region' };
  const birthDate = isoDate(`19${raw.slice(6, 12)}`);
  if (!birthDate) return { ok: false, problem: 'birth-date' };
  const first17 = `${raw.slice(0, 6)}19${raw.slice(6)}`;
  return { ok: true, id: first17 + residentIdCheckChar(first17), birthDate, legacy: true };
}

/** Province codes start with 1–8 (9 is not used for residents). */
function validRegion(raw: string): boolean {
  return /^[1-8]/.test(raw);
}

function isoDate(yyyymmdd: string): string | undefined {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real || y < 1880 || date.getTime() > Date.now()) return undefined;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/** `110105194912310021` → `110105********0021`: region kept, birth date and sequence hidden. */
export function maskResidentId(id: string): string {
  const raw = id.replace(/\s+/g, '').toUpperCase();
  if (raw.length < 10) return '*'.repeat(raw.length);
  return raw.slice(0, 6) + '*'.repeat(raw.length - 10) + raw.slice(-4);
}
