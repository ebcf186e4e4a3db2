import type { RatingValue } from '../../tickets/types.js';
import { toHalfWidth } from '../../text/width.js';
import { parseOptKeyword } from './opt-out.js';

/**
 * The SMS keyword parser (DESIGN §6): pure, no I/O. A citizen on a cheap phone types with a Chinese
 * IME (full-width letters, digits and colons), in any case, with or without a space or colon after
 * the keyword, in Chinese or in pinyin initials. What the message asks for comes back as a
 * {@link SmsCommand}; which ticket, application or household it concerns is the use cases' business.
 */

/** The ticket kinds a citizen opens by keyword: 投诉 / 咨询 / 建议 / 求助. */
export type OpenKind = 'complaint' | 'consultation' | 'suggestion' | 'help';
/** Keywords that take arguments, as the usage answer names them. */
export type UsageOf = 'status' | 'subsidy' | 'rate' | OpenKind;

export type SmsCommand =
  /** CX / 查询 <ticket or application number> [query code]. */
  | { type: 'status'; number: string; code?: string }
  /** BT / 补贴 [last 6 characters of the ID number]. */
  | { type: 'subsidy'; idTail?: string }
  /** TS / ZX / JY / QZ <text>: a new ticket of that kind. */
  | { type: 'open'; kind: OpenKind; text: string }
  /** PJ / 评价 <1–3 | 满意 | 基本满意 | 不满意> [comment]. */
  | { type: 'rate'; value: RatingValue; comment?: string }
  | { type: 'opt_out' }
  | { type: 'opt_in' }
  /** BZ / 帮助 / HELP / ?, and an empty message. */
  | { type: 'help' }
  /** Initials with arguments we cannot read, or a keyword alone: answer how the keyword is used. */
  | { type: 'usage'; of: UsageOf }
  /** No keyword: continues the sender's open ticket, or opens a consultation. */
  | { type: 'text'; text: string };

type Handler = (rest: Rest) => SmsCommand | undefined;

/** What follows the keyword: in the original text (kept for tickets) and normalised (parsed). */
interface Rest {
  /** The original characters after the keyword and its separator, trimmed. */
  original: string;
  /** The same, half-width and upper case (same length: width folding is one unit for one unit). */
  folded: string;
  /** The keyword was pinyin initials (CX), not the Chinese word (查询). */
  initials: boolean;
  /** A separator (space, colon, comma, plus …) stood between the keyword and the rest. */
  separated: boolean;
  /** The whole message, trimmed, original characters. */
  message: string;
}

/**
 * One row per keyword: its pinyin initials, its Chinese words, and how its arguments read. A handler
 * answering undefined means "not this keyword after all": the message is plain text (查询一下社保 is
 * a question, not a query for number 一下社保). Initials with unreadable arguments are a usage error
 * instead (CX 社保: the citizen clearly meant the keyword).
 */
const KEYWORDS: readonly Keyword[] = [
  { initials: 'CX', words: ['查询'], usage: 'status', handle: status },
  { initials: 'BT', words: ['补贴'], usage: 'subsidy', handle: subsidy },
  { initials: 'TS', words: ['投诉'], usage: 'complaint', handle: open('complaint') },
  { initials: 'ZX', words: ['咨询'], usage: 'consultation', handle: open('consultation') },
  { initials: 'JY', words: ['建议'], usage: 'suggestion', handle: open('suggestion') },
  { initials: 'QZ', words: ['求助'], usage: 'help', handle: open('help') },
  { initials: 'PJ', words: ['评价'], usage: 'rate', handle: rate },
  // BZ with anything after it still asks for help; 帮助 is only help alone (帮助我们… is a request).
  { initials: 'BZ', words: [], usage: undefined, handle: () => ({ type: 'help' }) },
];

interface Keyword {
  initials: string;
  words: readonly string[];
  usage: UsageOf | undefined;
  handle: Handler;
}

/** The pinyin initials of a keyword (TS for complaint), as the usage answer quotes them. */
export function initialsOf(usage: UsageOf): string {
  return KEYWORDS.find((row) => row.usage === usage)?.initials ?? 'BZ';
}

/** Messages that are nothing but one of these ask for the usage text. */
const HELP_WORDS: ReadonlySet<string> = new Set(['帮助', 'HELP', '?']);

/**
 * Between a keyword and its argument, and between two arguments: spaces, colons, commas, plus
 * ("回复CX+工单号" is taken literally), hyphens, hashes, full stops and the enumeration comma.
 */
const SEPARATOR = /^[\s:,+\-#.、，：]+/;
/** Punctuation a citizen ends a query with; it is not part of a number. */
const TRAILING = /[\s.。!！?？,，;；、~]+$/;
const LATIN = /^[A-Z]/;

export function parseSms(body: string): SmsCommand {
  const message = body.replace(/\0/g, '').trim();
  const folded = fold(message);
  if (folded === '') return { type: 'help' };
  const opt = parseOptKeyword(message);
  if (opt) return { type: opt };
  if (HELP_WORDS.has(folded)) return { type: 'help' };
  for (const row of KEYWORDS) {
    const rest = afterKeyword(message, folded, row);
    if (!rest) continue;
    const command = row.handle(rest);
    if (command) return command;
    // CX 社保, or 查询 alone: the keyword was meant, its argument is missing or unreadable.
    if (row.usage && (rest.initials || rest.original === '')) return { type: 'usage', of: row.usage };
  }
  return { type: 'text', text: message };
}

/** Half-width and upper case; one UTF-16 unit for one, so positions match the original text. */
function fold(text: string): string {
  return toHalfWidth(text).replace(/[a-z]/g, (c) => c.toUpperCase());
}

function afterKeyword(message: string, folded: string, row: Keyword): Rest | undefined {
  let length: number | undefined;
  let initials = false;
  if (folded.startsWith(row.initials) && !LATIN.test(folded.slice(row.initials.length))) {
    // CX2611… and CX:2611… are the keyword; CXK or "BTW" are words.
    length = row.initials.length;
    initials = true;
  } else {
    length = row.words.find((word) => folded.startsWith(word))?.length;
  }
  if (length === undefined) return undefined;
  const separator = SEPARATOR.exec(folded.slice(length))?.[0].length ?? 0;
  const start = length + separator;
  return {
    original: message.slice(start).trim(),
    folded: folded.slice(start).trim(),
    initials,
    separated: separator > 0,
    message,
  };
}

/** `26112100425`, `26112100425 123456`, `26112100425 查询码123456`: ticket and case numbers are digits. */
const STATUS_ARGS = /^(\d{4,20})(?:(?:[\s:,+#、，：]*(?:查询码|CODE)|[\s:,+#、，：]+)[\s:：]*(\d{4,8}))?$/;

function status(rest: Rest): SmsCommand | undefined {
  const match = STATUS_ARGS.exec(rest.folded.replace(TRAILING, ''));
  const number = match?.[1];
  // A Chinese word must be followed by a number to be the keyword (查询一下社保 is a question).
  if (!number) return undefined;
  const code = match[2];
  return code === undefined ? { type: 'status', number } : { type: 'status', number, code };
}

/** Nothing, the last 6 characters of the ID number, or (typed in full anyway) the whole of it. */
const SUBSIDY_ARGS = /^(?:\d{12}|\d{9})?(\d{5}[\dX])$/;

function subsidy(rest: Rest): SmsCommand | undefined {
  const args = rest.folded.replace(TRAILING, '');
  if (args === '') return { type: 'subsidy' };
  const tail = SUBSIDY_ARGS.exec(args)?.[1];
  return tail === undefined ? undefined : { type: 'subsidy', idTail: tail };
}

function open(kind: OpenKind): Handler {
  return (rest) => {
    if (rest.original === '') return undefined;
    // 投诉小区噪音: the word is part of the sentence, so the ticket keeps all of it.
    const text = rest.initials || rest.separated ? rest.original : rest.message;
    return { type: 'open', kind, text };
  };
}

/** Longest first: 不满意 and 基本满意 end in 满意. */
const RATINGS: readonly [string, RatingValue][] = [
  ['基本满意', 'basically_satisfied'],
  ['不满意', 'dissatisfied'],
  ['满意', 'satisfied'],
  ['1', 'satisfied'],
  ['2', 'basically_satisfied'],
  ['3', 'dissatisfied'],
];

function rate(rest: Rest): SmsCommand | undefined {
  const found = RATINGS.find(([word]) => rest.folded.startsWith(word));
  if (!found) return undefined;
  const [word, value] = found;
  const after = rest.folded.slice(word.length);
  // "PJ 12" is no rating; "PJ 3 还是没修好" is one with a comment.
  if (/^\d/.test(after)) return undefined;
  const comment = rest.original
    .slice(word.length)
    .replace(SEPARATOR, '')
    .replace(/^[。！!]+/, '')
    .trim();
  return comment === '' ? { type: 'rate', value } : { type: 'rate', value, comment };
}
