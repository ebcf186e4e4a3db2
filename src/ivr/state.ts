import type { CallState } from './script.js';

/**
 * Call state ⇄ URL query. The query is part of what Twilio signs (PUBLIC_URL + path + query), so a
 * state that reaches us is one we wrote; parsing still refuses anything malformed.
 */

const PATTERNS: Record<keyof CallState, RegExp> = {
  v: /^[1-9]\d{0,8}$/,
  n: /^[a-z][a-z0-9_-]{0,31}$/,
  s: /^\d$/,
  num: /^\d{1,24}$/,
  p: /^\d{1,2}$/,
  d: /^[A-Za-z0-9_-]{1,40}$/,
};

/** Fields in a fixed order, so the same state always makes the same URL. */
const ORDER: (keyof CallState)[] = ['v', 'n', 's', 'num', 'p', 'd'];

export function encodeState(state: CallState): string {
  const query = new URLSearchParams();
  for (const key of ORDER) {
    const value = state[key];
    if (value !== undefined) query.set(key, String(value));
  }
  return query.toString();
}

/** The state of a step URL's query, or undefined when it is not one we could have written. */
export function decodeState(query: Record<string, unknown>): CallState | undefined {
  const text = (key: keyof CallState): string | undefined => {
    const value = query[key];
    return typeof value === 'string' && PATTERNS[key].test(value) ? value : undefined;
  };
  for (const key of ORDER) {
    if (query[key] !== undefined && text(key) === undefined) return undefined;
  }
  const v = text('v');
  const n = text('n');
  const s = text('s');
  if (v === undefined || n === undefined || s === undefined) return undefined;
  const p = text('p');
  return {
    v: Number(v),
    n,
    s: Number(s),
    ...(text('num') === undefined ? {} : { num: text('num') }),
    ...(p === undefined ? {} : { p: Number(p) }),
    ...(text('d') === undefined ? {} : { d: text('d') }),
  };
}
