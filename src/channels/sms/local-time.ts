import { createHash, timingSafeEqual } from 'node:crypto';

/** A query code compared in constant time (equal-length digests: no length or prefix leaks). */
export function sameCode(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
