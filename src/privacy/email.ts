/** Email addresses are kept lower-cased (DESIGN: one contact per mailbox, whatever the case typed). */
export function normaliseEmail(input: string): string | undefined {
  const email = input.trim().toLowerCase();
  // Deliberately loose: the mail server is the judge; we only refuse what cannot be an address.
  return /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(email) ? email : undefined;
}

/** `zhangsan@example.com` → `z*******@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '*'.repeat(email.length);
  return email.charAt(0) + '*'.repeat(Math.max(at - 1, 1)) + email.slice(at);
}
