import { smsInfo } from '../sms-parts.js';

/**
 * Keeps an SMS within `maxParts`. The message is rendered again with the variable text (a reply, a
 * question) cut shorter, with an ellipsis, until it fits; if even an empty text does not fit (a long
 * department name, an override), the message itself is cut. `render` gets the text to use.
 */
export function fitSms(
  render: (text: string | undefined) => string,
  text: string | undefined,
  maxParts: number,
): string {
  const fits = (message: string) => smsInfo(message).parts <= maxParts;
  const full = render(text);
  if (fits(full)) return full;
  // '…' is not GSM-7: it would turn an English text into UCS-2, less than half the room.
  const ellipsis = smsInfo(full).encoding === 'GSM-7' ? '...' : '…';

  if (text !== undefined) {
    const chars = Array.from(text);
    const withPrefix = (length: number) => render(chars.slice(0, length).join('') + ellipsis);
    const length = longest(chars.length - 1, (n) => fits(withPrefix(n)));
    if (length !== undefined) return withPrefix(length);
  }
  const chars = Array.from(full);
  const cut = (length: number) => chars.slice(0, length).join('') + ellipsis;
  return cut(longest(chars.length - 1, (n) => fits(cut(n))) ?? 0);
}

/** The largest n in [0, max] with ok(n), for ok true up to some n and false after; undefined if none. */
function longest(max: number, ok: (n: number) => boolean): number | undefined {
  if (max < 0 || !ok(0)) return undefined;
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (ok(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}
