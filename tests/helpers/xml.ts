// A small XML well-formedness checker and parser for the tests of the pictures bpjit writes (the
// flame graph's SVG): one root element, every tag closed in order, attributes quoted and not
// repeated, only the predefined and numeric entities, comments, CDATA and the XML declaration.
// Whatever breaks those rules throws, saying where.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (entities decoded, CDATA included), without its children's. */
  text: string;
}

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  return s.replace(/&([^;\s&]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`bare '&' near offset ${at}`);
    if (body in ENTITIES) return ENTITIES[body];
    const num = /^#(\d+)$/.exec(body) ?? /^#x([0-9a-fA-F]+)$/.exec(body);
    if (!num) throw new Error(`unknown entity &${body}; near offset ${at}`);
    return String.fromCodePoint(parseInt(num[1], body[1] === 'x' ? 16 : 10));
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const skip = (open: string, close: string) => {
    const end = src.indexOf(close, i + open.length);
    if (end < 0) fail(`unterminated ${open}`);
    const body = src.slice(i + open.length, end);
    i = end + close.length;
    return body;
  };
  while (i < src.length) {
    if (src.startsWith('<?', i)) skip('<?', '?>');
    else if (src.startsWith('<!--', i)) skip('<!--', '-->');
    else if (src.startsWith('<![CDATA[', i)) {
      if (!stack.length) fail('CDATA outside the root');
      stack[stack.length - 1].text += skip('<![CDATA[', ']]>');
    } else if (src.startsWith('</', i)) {
      i += 2;
      const name = NAME.exec(src.slice(i))?.[0] ?? fail('bad closing tag');
      i += name.length;
      while (/\s/.test(src[i])) i++;
      if (src[i++] !== '>') fail('bad closing tag');
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> closes <${open?.name ?? 'nothing'}>`);
    } else if (src[i] === '<') {
      i++;
      const name = NAME.exec(src.slice(i))?.[0] ?? fail('bad tag name');
      i += name.length;
      const el: XmlElement = { name, attrs: {}, children: [], text: '' };
      for (;;) {
        const ws = /^\s*/.exec(src.slice(i))![0].length;
        i += ws;
        if (src.startsWith('/>', i) || src[i] === '>') break;
        if (!ws) fail('attributes must be separated by space');
        const attr = NAME.exec(src.slice(i))?.[0] ?? fail('bad attribute name');
        i += attr.length;
        const m = /^\s*=\s*(["'])/.exec(src.slice(i)) ?? fail(`attribute ${attr} without a quoted value`);
        i += m[0].length;
        const end = src.indexOf(m[1], i);
        if (end < 0) fail('unterminated attribute value');
        const raw = src.slice(i, end);
        if (raw.includes('<')) fail(`'<' in attribute ${attr}`);
        if (attr in el.attrs) fail(`repeated attribute ${attr}`);
        el.attrs[attr] = decode(raw, i);
        i = end + 1;
      }
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (root) fail('a second root element');
      else root = el;
      if (src.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const end = src.indexOf('<', i) < 0 ? src.length : src.indexOf('<', i);
      const text = src.slice(i, end);
      if (!stack.length && text.trim()) fail('text outside the root');
      if (text.includes(']]>')) fail("']]>' in text");
      if (stack.length) stack[stack.length - 1].text += decode(text, i);
      i = end;
    }
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element under `el` (and `el` itself) named `name`, in document order. */
export function elements(el: XmlElement, name: string): XmlElement[] {
  const out = el.name === name ? [el] : [];
  for (const c of el.children) out.push(...elements(c, name));
  return out;
}
