import addressparser from 'nodemailer/lib/addressparser/index.js';

/**
 * One mailbox out of what a person pastes or a mail header carries: `张三 <Zhang@Example.com>`,
 * `"Zhang, San" <z@example.com>`, or a bare address. Returns undefined when there is not exactly
 * one address. Uses nodemailer's RFC 5322 parser rather than a home-made regex.
 */
export function parseMailbox(text: string): { address: string; name?: string } | undefined {
  const found = addressparser(text, { flatten: true }).filter((a) => a.address.includes('@'));
  if (found.length !== 1 || !found[0]) return undefined;
  const { address, name } = found[0];
  return name ? { address, name } : { address };
}
