/**
 * A small reader for the TwiML the hub answers (our own `VoiceResponse` / `MessagingResponse`
 * output): elements, attributes, text with XML's entities, self-closing tags, the declaration and
 * comments. Anything else (a stray `<`, a mismatched closing tag) throws.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    return ENTITIES[ref] ?? whole;
  });
}

const OPEN = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseXml(xml: string): XmlElement {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`TwiML: ${what} at ${String(at)}`);
  };
  const skip = () => {
    for (;;) {
      const rest = xml.slice(at);
      const space = /^\s+/.exec(rest);
      if (space) at += space[0].length;
      else if (rest.startsWith('<?') || rest.startsWith('<!--')) {
        const end = xml.indexOf(rest.startsWith('<?') ? '?>' : '-->', at);
        if (end < 0) fail('unclosed declaration or comment');
        at = end + (rest.startsWith('<?') ? 2 : 3);
      } else return;
    }
  };
  const element = (): XmlElement => {
    const open = OPEN.exec(xml.slice(at));
    if (!open) return fail('expected an element');
    at += open[0].length;
    const [, name = '', attributeText = '', selfClosing] = open;
    const attributes: Record<string, string> = {};
    for (const m of attributeText.matchAll(ATTRIBUTE)) attributes[m[1] ?? ''] = decode(m[2] ?? m[3] ?? '');
    const children: (XmlElement | string)[] = [];
    if (selfClosing) return { name, attributes, children };
    for (;;) {
      if (xml.startsWith(`</${name}`, at)) {
        const close = /^<\/[\w.-]+\s*>/.exec(xml.slice(at));
        if (!close) return fail('bad closing tag');
        at += close[0].length;
        return { name, attributes, children };
      }
      if (xml.startsWith('</', at)) return fail(`mismatched closing tag inside <${name}>`);
      if (xml.startsWith('<!--', at)) {
        const end = xml.indexOf('-->', at);
        if (end < 0) return fail('unclosed comment');
        at = end + 3;
      } else if (xml.startsWith('<', at)) {
        children.push(element());
      } else {
        const end = xml.indexOf('<', at);
        if (end < 0) return fail(`unclosed <${name}>`);
        children.push(decode(xml.slice(at, end)));
        at = end;
      }
    }
  };
  skip();
  const root = element();
  skip();
  if (at !== xml.length) fail('text after the root element');
  return root;
}

/** The text inside an element (its children's text, concatenated). */
export function textOf(element: XmlElement): string {
  return element.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

/** The texts of an SMS answer's `<Message>`s (a `<Body>` inside counts as the text). */
export function smsMessages(twiml: string): string[] {
  return parseXml(twiml)
    .children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === 'Message')
    .map((m) => textOf(m).trim());
}

/** What a caller meets in one voice answer, in order of the verbs that matter to the simulator. */
export interface VoiceAnswer {
  /** Every `<Say>` (inside a `<Gather>` too), in order. */
  said: string[];
  gather?: { action: string; numDigits?: number; finishOnKey?: string; prompt: string[]; silence?: string };
  /** A `<Redirect>` not after a `<Gather>`: the provider follows it at once. */
  redirect?: string;
  enqueue?: { queue: string; waitUrl?: string; action?: string };
  dial?: { number: string; action?: string };
  record?: { action?: string; recordingCallback?: string; transcribeCallback?: string };
  leave: boolean;
  hangup: boolean;
}

/**
 * Reads a voice answer as the provider plays it, verb by verb, up to the verb that hands the call
 * on: a `<Gather>` (and its silence `<Redirect>`), a `<Redirect>`, `<Enqueue>`, `<Dial>`, `<Record>`,
 * `<Leave>` or `<Hangup>`. What follows such a verb is only reached when it falls through (nothing
 * recorded, say), which the simulator does not play.
 */
export function readVoiceAnswer(twiml: string): VoiceAnswer {
  const answer: VoiceAnswer = { said: [], leave: false, hangup: false };
  for (const verb of parseXml(twiml).children) {
    if (typeof verb === 'string') continue;
    if (
      handedOn(answer) &&
      !(verb.name === 'Redirect' && answer.gather && answer.gather.silence === undefined)
    )
      break;
    const a = verb.attributes;
    switch (verb.name) {
      case 'Say':
        answer.said.push(textOf(verb).trim());
        break;
      case 'Gather': {
        const prompt = verb.children
          .filter((c): c is XmlElement => typeof c !== 'string' && c.name === 'Say')
          .map((c) => textOf(c).trim());
        answer.said.push(...prompt);
        answer.gather = {
          action: a.action ?? '',
          prompt,
          ...(a.numDigits ? { numDigits: Number(a.numDigits) } : {}),
          ...(a.finishOnKey ? { finishOnKey: a.finishOnKey } : {}),
        };
        break;
      }
      case 'Redirect':
        if (answer.gather && answer.gather.silence === undefined) answer.gather.silence = textOf(verb).trim();
        else answer.redirect ??= textOf(verb).trim();
        break;
      case 'Enqueue':
        answer.enqueue = {
          queue: textOf(verb).trim(),
          ...(a.waitUrl ? { waitUrl: a.waitUrl } : {}),
          ...(a.action ? { action: a.action } : {}),
        };
        break;
      case 'Dial': {
        const number = verb.children.find((c): c is XmlElement => typeof c !== 'string');
        answer.dial = {
          number: (number ? textOf(number) : textOf(verb)).trim(),
          ...(a.action ? { action: a.action } : {}),
        };
        break;
      }
      case 'Record':
        answer.record = {
          ...(a.action ? { action: a.action } : {}),
          ...(a.recordingStatusCallback ? { recordingCallback: a.recordingStatusCallback } : {}),
          ...(a.transcribeCallback ? { transcribeCallback: a.transcribeCallback } : {}),
        };
        break;
      case 'Leave':
        answer.leave = true;
        break;
      case 'Hangup':
        answer.hangup = true;
        break;
    }
  }
  return answer;
}

function handedOn(a: VoiceAnswer): boolean {
  return Boolean(a.gather ?? a.redirect ?? a.enqueue ?? a.dial ?? a.record) || a.leave || a.hangup;
}
