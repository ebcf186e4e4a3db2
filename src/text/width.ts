/** Full-width ASCII (U+FF01–U+FF5E) and the ideographic space to half-width: what a Chinese IME types. */
export function toHalfWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}
