/**
 * A safety net for text that is shown to the public (the results board, 公示) or to whoever holds a
 * ticket's query code: phone numbers, resident ID numbers and email addresses are replaced by
 * {@link REDACTED}, whatever the person who wrote the text remembered to leave out.
 *
 * Deliberately narrow, so dates, amounts, ticket numbers and the 12345 line stay readable: mobiles
 * (`138 0013 8000`, `+86-138…`), landlines with an area code (`0311-86681001`), 18- and 15-character ID
 * numbers, and anything shaped like an address with an `@`. Full-width digits (a Chinese IME) count.
 */
export const REDACTED = '***';

const PATTERNS: readonly RegExp[] = [
  // Email first: its local part may hold digits that look like a phone.
  /[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/g,
  // Resident ID numbers: 18 characters (last may be X) or the legacy 15 digits.
  /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g,
  /(?<!\d)\d{15}(?!\d)/g,
  // Mainland mobiles, with an optional country code and spaces or dashes between the groups.
  /(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)/g,
  // Landlines: an area code starting with 0, then 7 or 8 digits.
  /(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[\s-]?\d{7,8}(?!\d)/g,
];

export function redactPersonalData(text: string): string {
  let result = text;
  for (const pattern of PATTERNS) {
    // Matched on a copy with full-width digits, plus, @ and brackets as their ASCII twins (one code
    // unit each, so positions agree); the text itself keeps its own characters.
    const ascii = result.replace(/[\uFF10-\uFF19\uFF0B\uFF20\uFF08\uFF09\uFF0D]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    );
    let out = '';
    let from = 0;
    for (const match of ascii.matchAll(pattern)) {
      out += result.slice(from, match.index) + REDACTED;
      from = match.index + match[0].length;
    }
    result = out + result.slice(from);
  }
  return result;
}
