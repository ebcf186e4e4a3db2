import { toHalfWidth } from '../text/width.js';

/**
 * Which of many keywords occur in a text, in one pass over the text whatever the number of
 * keywords (Aho–Corasick). Built once when the rules change; 10,000 rules' keywords make one
 * automaton, not 10,000 `includes` calls. Chinese needs no word segmentation: keywords are matched
 * as substrings, after both sides are normalised (full-width → half-width, lower case).
 *
 * Hand-written on purpose: the need is narrow (the set of keyword ids present), the algorithm is
 * short, and the test checks it against a naive `includes` on thousands of random cases.
 */
export class KeywordMatcher {
  /** Per state: next state by UTF-16 code unit. State 0 is the root. */
  private readonly next: Map<number, number>[] = [new Map<number, number>()];
  private readonly fail: number[] = [0];
  /** Keyword ids that end exactly at a state. */
  private readonly ends: number[][] = [[]];
  /** Nearest state along the fail links that ends a keyword (0: none), to collect overlaps. */
  private readonly outputLink: number[] = [0];

  /** `keywords[i]` gets id `i`; empty keywords are ignored. */
  constructor(keywords: readonly string[]) {
    keywords.forEach((keyword, id) => {
      this.insert(normaliseForMatching(keyword), id);
    });
    this.link();
  }

  /** Ids of the keywords that occur in `text`. */
  match(text: string): Set<number> {
    const found = new Set<number>();
    const normalised = normaliseForMatching(text);
    let state = 0;
    for (let i = 0; i < normalised.length; i++) {
      state = this.step(state, normalised.charCodeAt(i));
      for (
        let s = this.ends[state]?.length ? state : (this.outputLink[state] ?? 0);
        s !== 0;
        s = this.outputLink[s] ?? 0
      ) {
        for (const id of this.ends[s] ?? []) found.add(id);
      }
    }
    return found;
  }

  get states(): number {
    return this.next.length;
  }

  private insert(keyword: string, id: number): void {
    if (keyword.length === 0) return;
    let state = 0;
    for (let i = 0; i < keyword.length; i++) {
      const unit = keyword.charCodeAt(i);
      let target = this.next[state]?.get(unit);
      if (target === undefined) {
        target = this.next.length;
        this.next.push(new Map<number, number>());
        this.fail.push(0);
        this.ends.push([]);
        this.outputLink.push(0);
        this.next[state]?.set(unit, target);
      }
      state = target;
    }
    this.ends[state]?.push(id);
  }

  /** Breadth-first: each state's fail link is the longest proper suffix that is also a prefix. */
  private link(): void {
    const queue: number[] = [...(this.next[0]?.values() ?? [])];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0;
      for (const [unit, child] of this.next[state] ?? []) {
        const fallback = this.step(this.fail[state] ?? 0, unit);
        this.fail[child] = fallback;
        this.outputLink[child] = this.ends[fallback]?.length ? fallback : (this.outputLink[fallback] ?? 0);
        queue.push(child);
      }
    }
  }

  private step(from: number, unit: number): number {
    let state = from;
    for (;;) {
      const target = this.next[state]?.get(unit);
      if (target !== undefined) return target;
      if (state === 0) return 0;
      state = this.fail[state] ?? 0;
    }
  }
}

/** Full-width to half-width and lower case, so ＰＭ２.５ matches pm2.5 and 噪音 matches 噪音. */
export function normaliseForMatching(text: string): string {
  return toHalfWidth(text).toLowerCase();
}
