import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

/**
 * The one-time code of the web subsidy look-up, as kept: random six digits, stored as an HMAC keyed
 * with the hub secret and bound to its challenge id (the same code in two challenges hashes
 * differently). Until the SMS worker has sent it, a sealed copy (AES-256-GCM under a key derived from
 * the same secret) travels in the challenge document, so the job in Redis carries only the id.
 * Whoever holds the secret and the database could as well try all 10⁶ codes against the HMAC, so the
 * sealed copy gives away nothing the hash does not; it is removed once the SMS is handed over.
 */

export const CODE_DIGITS = 6;

export function newChallengeId(): string {
  return randomBytes(16).toString('base64url');
}

export function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

export function codeHash(secret: string, challengeId: string, code: string): string {
  return createHmac('sha256', secret).update(`web-subsidy-code:${challengeId}:${code}`).digest('hex');
}

/** Compares in constant time (equal-length hex digests). */
export function codeMatches(secret: string, challengeId: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(codeHash(secret, challengeId, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function sealKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('web-subsidy-code-seal').digest();
}

/** `iv.tag.ciphertext` (base64url), authenticated with the challenge id. */
export function sealCode(secret: string, challengeId: string, code: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  cipher.setAAD(Buffer.from(challengeId));
  const sealed = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

/** The code, or undefined when the sealed text was not made by {@link sealCode} for this challenge. */
export function unsealCode(secret: string, challengeId: string, sealed: string): string | undefined {
  const [iv, tag, text] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !text) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), iv);
    decipher.setAAD(Buffer.from(challengeId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(text), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
