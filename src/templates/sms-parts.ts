/**
 * How many SMS parts a text takes, as carriers and Twilio count them (3GPP TS 23.038):
 *
 * - GSM-7 when every character is in the basic set or its extension table (extension characters
 *   `^{}\[~]|€` and form feed cost two septets, an escape and the character): 160 in one part, 153
 *   per part when split (the rest holds the concatenation header);
 * - UCS-2 otherwise (any Chinese character): 70 UTF-16 code units in one part, 67 per part when
 *   split. An emoji outside the BMP is a surrogate pair and counts 2.
 *
 * Counted by formula: real encoders also avoid splitting an escape sequence or a surrogate pair over
 * a part boundary, which can cost one more part in rare cases at the very edge.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsInfo {
  encoding: SmsEncoding;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  characters: number;
  /** Parts the text is sent in; an empty text still takes one. */
  parts: number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

const LIMITS: Record<SmsEncoding, { single: number; perPart: number }> = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
};

/** The encoding, length and part count of one SMS text (signature included, if it is sent). */
export function smsInfo(text: string): SmsInfo {
  const septets = gsmSeptets(text);
  const encoding: SmsEncoding = septets === undefined ? 'UCS-2' : 'GSM-7';
  // String length is UTF-16 code units, exactly what UCS-2 (really UTF-16 on handsets) counts.
  const characters = septets ?? text.length;
  const { single, perPart } = LIMITS[encoding];
  const parts = characters <= single ? 1 : Math.ceil(characters / perPart);
  return { encoding, characters, parts };
}

/** Septets in GSM-7, or undefined when a character is not in the GSM-7 alphabet. */
function gsmSeptets(text: string): number | undefined {
  let septets = 0;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENSION.has(ch)) septets += 2;
    else return undefined;
  }
  return septets;
}
