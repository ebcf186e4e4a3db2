import type { RatingValue, TicketKind } from '../../tickets/types.js';
import { toHalfWidth } from '../../text/width.js';
import { OPT_IN_WORDS, OPT_OUT_WORDS, parseOptKeyword } from './opt-out.js';

/**
 * The SMS keyword parser (DESIGN §6): pure, no I/O. A citizen on a cheap phone types with a Chinese
 * IME (full-width letters, digits and colons), in any case, with or without a space or colon after
 * the keyword, in Chinese or in pinyin initials. What the message asks for comes back as a
 * {@link SmsCommand}; which ticket, application or household it concerns is the use cases' business.
 * Besides the built-in keywords, the hotline's own (campaigns, topics: `GN` / 供暖) come in as a
 * table ({@link CustomKeyword}, kept in the store); the built-ins are tried first and win.
 */

/** The ticket kinds a citizen opens by keyword: 投诉 / 咨询 / 建议 / 求助. */
export type OpenKind = 'complaint' | 'consultation' | 'suggestion' | 'help';
/** Keywords that take arguments, as the usage answer names them (a custom keyword: its ticket kind). */
export type UsageOf = 'status' | 'subsidy' | 'rate' | TicketKind;

/**
 * A keyword the hotline added (src/store/sms-keywords.ts; checked by custom-keyword-rules.ts): its
 * initials and/or Chinese words open a ticket of `kind` in `category` (routing rules read it).
 */
export interface CustomKeyword {
  id: string;
  /** A–Z, upper case, as the parser folds what citizens type. */
  initials?: string;
  /** Chinese words. */
  words: readonly string[];
  kind: TicketKind;
  category: string;
  /** Sent at once, besides the ticket's usual received notice. */
  reply?: string;
  /** In force from this instant (inclusive); none: since ever. */
  validFrom?: Date;
  /** In force until this instant (exclusive); none: for ever. */
  validTo?: Date;
}

/** The custom keywords to read a message with, and when it came (validity dates). */
export interface CustomKeywords {
  keywords: readonly CustomKeyword[];
  at: Date;
}

/** Which custom keyword opened the ticket, as it was typed (folded: `GN`, `供暖`). */
export interface CustomMatch {
  id: string;
  keyword: string;
  category: string;
  reply?: string;
}

export type SmsCommand =
  /** CX / 查询 <ticket or application number> [query code]. */
  | { type: 'status'; number: string; code?: string }
  /** BT / 补贴 [last 6 characters of the ID number]. */
  | { type: 'subsidy'; idTail?: string }
  /** TS / ZX / JY / QZ <text>, or a custom keyword and text: a new ticket of that kind. */
  | { type: 'open'; kind: TicketKind; text: string; custom?: CustomMatch }
  /** PJ / 评价 <1–3 | 满意 | 基本满意 | 不满意> [comment]. */
  | { type: 'rate'; value: RatingValue; comment?: string }
  | { type: 'opt_out' }
  | { type: 'opt_in' }
  /** BZ / 帮助 / HELP / ?, and an empty message. */
  /** `others`: the hotline's own keywords in force, as the answer lists them (`GN 供暖`). */
  | { type: 'help'; others?: string[] }
  /**
   * Initials with arguments we cannot read, or a keyword alone: answer how the keyword is used
   * (`keyword`: the custom keyword's initials or word, to quote instead of the built-in's).
   */
  | { type: 'usage'; of: UsageOf; keyword?: string }
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
  /** The keyword as it matched, folded (`CX`, `查询`). */
  keyword: string;
}

/**
 * One row per keyword: its pinyin initials, its Chinese words, and how its arguments read. A handler
 * answering undefined means "not this keyword after all": the message is plain text (查询一下社保 is
 * a question, not a query for number 一下社保). Initials with unreadable arguments are a usage error
 * instead (CX 社保: the citizen clearly meant the keyword).
 */
const KEYWORDS: readonly Keyword[] = [
  { initials: 'CX', words: ['查询'], usage: 'status', handle: status, example: 'CX 26112100425' },
  { initials: 'BT', words: ['补贴'], usage: 'subsidy', handle: subsidy, example: 'BT 12345X' },
  {
    initials: 'TS',
    words: ['投诉'],
    usage: 'complaint',
    handle: open('complaint'),
    example: 'TS 小区路灯不亮',
  },
  {
    initials: 'ZX',
    words: ['咨询'],
    usage: 'consultation',
    handle: open('consultation'),
    example: 'ZX 社保卡怎么补办',
  },
  {
    initials: 'JY',
    words: ['建议'],
    usage: 'suggestion',
    handle: open('suggestion'),
    example: 'JY 增加公交线路',
  },
  { initials: 'QZ', words: ['求助'], usage: 'help', handle: open('help'), example: 'QZ 老人走失' },
  { initials: 'PJ', words: ['评价'], usage: 'rate', handle: rate, example: 'PJ 1' },
  // BZ with anything after it still asks for help; 帮助 is only help alone (帮助我们… is a request).
  { initials: 'BZ', words: [], usage: undefined, handle: () => ({ type: 'help' }), example: 'BZ' },
];

/** How a keyword is spelt: pinyin initials (read only when no letter follows) and Chinese words. */
interface Spelling {
  initials?: string;
  words: readonly string[];
}

interface Keyword extends Spelling {
  initials: string;
  usage: UsageOf | undefined;
  handle: Handler;
  /** How a citizen types it (the admin page shows it). */
  example: string;
}

/** The pinyin initials of a keyword (TS for complaint), as the usage answer quotes them. */
export function initialsOf(usage: UsageOf): string {
  return KEYWORDS.find((row) => row.usage === usage)?.initials ?? 'BZ';
}

/** Messages that are nothing but one of these ask for the usage text. */
const HELP_WORDS: ReadonlySet<string> = new Set(['帮助', 'HELP', '?']);

/** What a built-in keyword does, as the admin page lists it: the command it reads as. */
export type BuiltInAction = Exclude<SmsCommand['type'], 'usage' | 'text'>;

/** A built-in keyword: its Latin spellings, its Chinese ones, what it does and how it is typed. */
export interface BuiltInKeyword {
  does: BuiltInAction;
  /** The kind of ticket an `open` keyword opens. */
  kind?: OpenKind;
  initials: readonly string[];
  words: readonly string[];
  example: string;
  /** Only a message that is nothing but the keyword counts (TD, 帮助 …); else a prefix. */
  wholeMessage: boolean;
}

const isLatin = (word: string) => /^[A-Z]+$/.test(word);
const wholeMessageRow = (
  does: BuiltInAction,
  spellings: Iterable<string>,
  example: string,
): BuiltInKeyword => {
  const all = [...spellings];
  return {
    does,
    initials: all.filter(isLatin),
    words: all.filter((w) => !isLatin(w)),
    example,
    wholeMessage: true,
  };
};

function prefixRow(row: Keyword): BuiltInKeyword {
  const spelt = { initials: [row.initials], words: row.words, example: row.example, wholeMessage: false };
  const usage = row.usage;
  if (usage === undefined) return { does: 'help', ...spelt };
  if (usage === 'status' || usage === 'subsidy' || usage === 'rate') return { does: usage, ...spelt };
  return { does: 'open', kind: usage as OpenKind, ...spelt };
}

/**
 * Every built-in keyword, read from the tables the parser uses (so the list cannot drift from
 * them): the admin page shows it, and custom keywords are checked against it.
 */
export const BUILT_IN_KEYWORDS: readonly BuiltInKeyword[] = [
  ...KEYWORDS.map(prefixRow),
  wholeMessageRow('help', HELP_WORDS, '帮助'),
  wholeMessageRow('opt_out', OPT_OUT_WORDS, 'TD'),
  wholeMessageRow('opt_in', OPT_IN_WORDS, 'KT'),
];

/**
 * Between a keyword and its argument, and between two arguments: spaces, colons, commas, plus
 * ("回复CX+工单号" is taken literally), hyphens, hashes, full stops and the enumeration comma.
 */
const SEPARATOR = /^[\s:,+\-#.、，：]+/;
/** Punctuation a citizen ends a query with; it is not part of a number. */
const TRAILING = /[\s.。!！?？,，;；、~]+$/;
const LATIN = /^[A-Z]/;

/**
 * What an SMS asks for. `custom`: the hotline's own keywords and when the message came; those not
 * in force then are passed over, and a built-in keyword always wins.
 */
export function parseSms(body: string, custom?: CustomKeywords): SmsCommand {
  const message = body.replace(/\0/g, '').trim();
  const folded = fold(message);
  if (folded === '') return help(custom);
  const opt = parseOptKeyword(message);
  if (opt) return { type: opt };
  if (HELP_WORDS.has(folded)) return help(custom);
  for (const row of KEYWORDS) {
    const rest = afterKeyword(message, folded, row);
    if (!rest) continue;
    const command = row.handle(rest);
    if (command?.type === 'help') return help(custom);
    if (command) return command;
    // CX 社保, or 查询 alone: the keyword was meant, its argument is missing or unreadable.
    if (row.usage && (rest.initials || rest.original === '')) return { type: 'usage', of: row.usage };
  }
  for (const row of inForce(custom)) {
    const rest = afterKeyword(message, folded, row);
    if (!rest) continue;
    const match: CustomMatch = { id: row.id, keyword: rest.keyword, category: row.category };
    if (row.reply !== undefined) match.reply = row.reply;
    const command = open(row.kind, match)(rest);
    // The keyword alone: how it is used, quoting the keyword as the citizen would type it.
    return command ?? { type: 'usage', of: row.kind, keyword: row.initials ?? rest.keyword };
  }
  return { type: 'text', text: message };
}

/** How many of the hotline's own keywords the help answer lists (it must stay a short SMS). */
const HELP_LISTS_AT_MOST = 4;

function help(custom: CustomKeywords | undefined): SmsCommand {
  const others = inForce(custom)
    .slice(0, HELP_LISTS_AT_MOST)
    .map((k) => `${k.initials ?? k.words[0] ?? ''} ${k.category}`);
  return others.length > 0 ? { type: 'help', others } : { type: 'help' };
}

function inForce(custom: CustomKeywords | undefined): readonly CustomKeyword[] {
  if (!custom) return [];
  const at = custom.at.getTime();
  return custom.keywords.filter(
    (k) => (!k.validFrom || at >= k.validFrom.getTime()) && (!k.validTo || at < k.validTo.getTime()),
  );
}

/** Half-width and upper case; one UTF-16 unit for one, so positions match the original text. */
function fold(text: string): string {
  return toHalfWidth(text).replace(/[a-z]/g, (c) => c.toUpperCase());
}

/** Folded as the parser reads a message: half-width, upper case (custom keywords are stored so). */
export function foldKeyword(text: string): string {
  return fold(text);
}

function afterKeyword(message: string, folded: string, row: Spelling): Rest | undefined {
  let keyword: string | undefined;
  let initials = false;
  if (
    row.initials !== undefined &&
    folded.startsWith(row.initials) &&
    !LATIN.test(folded.slice(row.initials.length))
  ) {
    // CX2611… and CX:2611… are the keyword; CXK or "BTW" are words.
    keyword = row.initials;
    initials = true;
  } else {
    keyword = row.words.find((word) => folded.startsWith(word));
  }
  if (keyword === undefined) return undefined;
  const length = keyword.length;
  const separator = SEPARATOR.exec(folded.slice(length))?.[0].length ?? 0;
  const start = length + separator;
  return {
    original: message.slice(start).trim(),
    folded: folded.slice(start).trim(),
    initials,
    separated: separator > 0,
    message,
    keyword,
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

function open(kind: TicketKind, custom?: CustomMatch): Handler {
  return (rest) => {
    if (rest.original === '') return undefined;
    // 投诉小区噪音: the word is part of the sentence, so the ticket keeps all of it.
    const text = rest.initials || rest.separated ? rest.original : rest.message;
    return custom ? { type: 'open', kind, text, custom } : { type: 'open', kind, text };
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
