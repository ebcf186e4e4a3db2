/**
 * A small, strict XML reader for TwiML answers, so tests assert them verb by verb instead of as
 * strings: elements, attributes (either quote), text with the five entities and numeric references,
 * self-closing tags, the XML declaration and comments. Anything else (a stray `<`, a mismatched
 * closing tag, text outside the root) throws.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const named = ENTITIES[ref];
    if (named === undefined) throw new Error(`unknown entity ${whole}`);
    return named;
  });
}

export function parseXml(xml: string): XmlElement {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`XML: ${what} at ${String(at)}: ${JSON.stringify(xml.slice(at, at + 40))}`);
  };
  const past = (marker: string, what: string): number => {
    const found = xml.indexOf(marker, at);
    return found < 0 ? fail(what) : found + marker.length;
  };
  const skipMisc = () => {
    for (;;) {
      const rest = xml.slice(at);
      const space = /^\s+/.exec(rest);
      if (space) at += space[0].length;
      else if (rest.startsWith('<?')) at = past('?>', 'unclosed declaration');
      else if (rest.startsWith('<!--')) at = past('-->', 'unclosed comment');
      else return;
    }
  };
  const element = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(
      xml.slice(at),
    );
    if (!open) return fail('expected an element');
    at += open[0].length;
    const [, name = '', attributeText = '', selfClosing] = open;
    const attributes: Record<string, string> = {};
    for (const match of attributeText.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes[match[1] ?? ''] = decode(match[2] ?? match[3] ?? '');
    }
    const children: XmlNode[] = [];
    if (selfClosing) return { name, attributes, children };
    for (;;) {
      if (xml.startsWith(`</${name}`, at)) {
        const close = /^<\/[\w.-]+\s*>/.exec(xml.slice(at));
        if (!close) fail('bad closing tag');
        at += close?.[0].length ?? 0;
        return { name, attributes, children };
      }
      if (xml.startsWith('</', at)) fail(`mismatched closing tag inside <${name}>`);
      if (xml.startsWith('<!--', at)) {
        at = past('-->', 'unclosed comment');
        continue;
      }
      if (xml.startsWith('<', at)) {
        children.push(element());
        continue;
      }
      const end = xml.indexOf('<', at);
      if (end < 0) fail(`unclosed <${name}>`);
      children.push(decode(xml.slice(at, end)));
      at = end;
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (at !== xml.length) fail('content after the root element');
  return root;
}

/** The text inside an element (its text children joined); throws if it holds elements. */
export function textOf(element: XmlElement): string {
  return element.children
    .map((child) => {
      if (typeof child !== 'string') throw new Error(`<${element.name}> holds <${child.name}>, not text`);
      return child;
    })
    .join('');
}

/** A TwiML document's verbs: the root must be `<Response>`; whitespace between verbs is ignored. */
export function twimlVerbs(xml: string): XmlElement[] {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new Error(`TwiML root is <${root.name}>, not <Response>`);
  return root.children.filter((child): child is XmlElement => {
    if (typeof child === 'string') {
      if (child.trim() !== '') throw new Error(`text directly in <Response>: ${JSON.stringify(child)}`);
      return false;
    }
    return true;
  });
}
