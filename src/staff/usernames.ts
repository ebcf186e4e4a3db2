/** Usernames: lower-case letters, digits and `.`, `_`, `-`, 2 to 32 long, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/**
 * What a person typed as their username, as the account's `_id`: trimmed, full-width folded to
 * half-width (NFKC: a Chinese input method left on), lower-cased, cut at 64 characters (it names
 * Redis counters even when no such account exists).
 */
export function normalizeUsername(typed: string): string {
  return typed.normalize('NFKC').trim().toLowerCase().slice(0, 64);
}
