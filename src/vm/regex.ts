// POSIX extended regular expressions with glibc's leftmost-longest semantics (the reference
// calls regcomp(REG_EXTENDED)), compiled to an NFA and simulated position by position. bpjit
// differs from the reference only where it crashed or looped (spec §8.2): after an empty match
// the scan advances one byte, as Python does.

type Node =
  | { t: 'char'; c: number }
  | { t: 'any' }
  | { t: 'set'; neg: boolean; test: (c: number) => boolean }
  | { t: 'bol' } | { t: 'eol' } | { t: 'wordb'; neg: boolean } | { t: 'wstart' } | { t: 'wend' }
  | { t: 'cat'; items: Node[] }
  | { t: 'alt'; items: Node[] }
  | { t: 'rep'; node: Node; min: number; max: number }
  | { t: 'group'; node: Node };

class ReSyntaxError extends Error {}

const CLASSES: Record<string, (c: number) => boolean> = {
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  digit: (c) => c >= 48 && c <= 57,
  alnum: (c) => CLASSES.alpha(c) || CLASSES.digit(c),
  upper: (c) => c >= 65 && c <= 90,
  lower: (c) => c >= 97 && c <= 122,
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  blank: (c) => c === 32 || c === 9,
  punct: (c) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126),
  print: (c) => c >= 32 && c <= 126,
  graph: (c) => c >= 33 && c <= 126,
  cntrl: (c) => c < 32 || c === 127,
  xdigit: (c) => CLASSES.digit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
};
const isWord = (c: number) => CLASSES.alnum(c) || c === 95;

function parse(p: string): Node {
  let i = 0;
  const peek = () => p[i];
  function alt(): Node {
    const items = [cat()];
    while (peek() === '|') { i++; items.push(cat()); }
    return items.length === 1 ? items[0] : { t: 'alt', items };
  }
  function cat(): Node {
    const items: Node[] = [];
    while (i < p.length && peek() !== '|' && peek() !== ')') items.push(repeat());
    return { t: 'cat', items };
  }
  function repeat(): Node {
    let n = atom();
    for (;;) {
      const c = peek();
      if (c === '*') { i++; n = { t: 'rep', node: n, min: 0, max: Infinity }; }
      else if (c === '+') { i++; n = { t: 'rep', node: n, min: 1, max: Infinity }; }
      else if (c === '?') { i++; n = { t: 'rep', node: n, min: 0, max: 1 }; }
      else if (c === '{' && /^\{\d+(,\d*)?\}/.test(p.slice(i))) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i))!;
        i += m[0].length;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min || min > 255) throw new ReSyntaxError('bad repetition');
        n = { t: 'rep', node: n, min, max };
      } else return n;
    }
  }
  function atom(): Node {
    const c = p[i++];
    switch (c) {
      case '(': {
        const inner = i < p.length && peek() === ')' ? { t: 'cat', items: [] } as Node : alt();
        if (p[i++] !== ')') throw new ReSyntaxError('unmatched (');
        return { t: 'group', node: inner };
      }
      case '.': return { t: 'any' };
      case '^': return { t: 'bol' };
      case '$': return { t: 'eol' };
      case '[': return bracket();
      case '*': case '+': case '?': throw new ReSyntaxError('nothing to repeat');
      case '\\': {
        if (i >= p.length) throw new ReSyntaxError('trailing backslash');
        const e = p[i++];
        switch (e) {
          case 'w': return { t: 'set', neg: false, test: isWord };
          case 'W': return { t: 'set', neg: true, test: isWord };
          case 's': return { t: 'set', neg: false, test: CLASSES.space };
          case 'S': return { t: 'set', neg: true, test: CLASSES.space };
          case 'b': return { t: 'wordb', neg: false };
          case 'B': return { t: 'wordb', neg: true };
          case '<': return { t: 'wstart' };
          case '>': return { t: 'wend' };
          default: return { t: 'char', c: e.charCodeAt(0) };
        }
      }
      case '{': return { t: 'char', c: 123 };
      default: return { t: 'char', c: c.charCodeAt(0) };
    }
  }
  function bracket(): Node {
    let neg = false;
    if (peek() === '^') { neg = true; i++; }
    const tests: ((c: number) => boolean)[] = [];
    let first = true;
    while (i < p.length && (peek() !== ']' || first)) {
      first = false;
      if (p.startsWith('[:', i)) {
        const end = p.indexOf(':]', i + 2);
        if (end < 0) throw new ReSyntaxError('bad class');
        const name = p.slice(i + 2, end);
        const f = Object.hasOwn(CLASSES, name) ? CLASSES[name] : undefined; // not "constructor" & co.
        if (!f) throw new ReSyntaxError('unknown class');
        tests.push(f);
        i = end + 2;
        continue;
      }
      const lo = p.charCodeAt(i++);
      if (peek() === '-' && p[i + 1] !== ']' && i + 1 < p.length) {
        i++;
        const hi = p.charCodeAt(i++);
        if (hi < lo) throw new ReSyntaxError('bad range');
        tests.push((c) => c >= lo && c <= hi);
      } else tests.push((c) => c === lo);
    }
    if (p[i++] !== ']') throw new ReSyntaxError('unmatched [');
    return { t: 'set', neg, test: (c) => tests.some((f) => f(c)) };
  }
  const n = alt();
  if (i < p.length) throw new ReSyntaxError('unmatched )');
  return n;
}

// --- NFA ------------------------------------------------------------------------------------

type State =
  | { k: 'match' }
  | { k: 'char'; test: (c: number) => boolean; out: number }
  | { k: 'split'; a: number; b: number }
  | { k: 'assert'; test: (s: string, pos: number) => boolean; out: number }
  | { k: 'jump'; out: number };

class Nfa {
  states: State[] = [];
  add(s: State): number {
    this.states.push(s);
    return this.states.length - 1;
  }
}

const wordAt = (s: string, i: number) => i >= 0 && i < s.length && isWord(s.charCodeAt(i));

/** Builds the fragment for `n` ending at state `out`; returns its start state. */
function build(nfa: Nfa, n: Node, out: number): number {
  switch (n.t) {
    case 'char': return nfa.add({ k: 'char', test: (c) => c === n.c, out });
    case 'any': return nfa.add({ k: 'char', test: () => true, out });
    case 'set': return nfa.add({ k: 'char', test: n.neg ? (c) => !n.test(c) : n.test, out });
    case 'bol': return nfa.add({ k: 'assert', test: (_, p) => p === 0, out });
    case 'eol': return nfa.add({ k: 'assert', test: (s, p) => p === s.length, out });
    case 'wordb': return nfa.add({ k: 'assert', test: (s, p) => (wordAt(s, p - 1) !== wordAt(s, p)) !== n.neg, out });
    case 'wstart': return nfa.add({ k: 'assert', test: (s, p) => !wordAt(s, p - 1) && wordAt(s, p), out });
    case 'wend': return nfa.add({ k: 'assert', test: (s, p) => wordAt(s, p - 1) && !wordAt(s, p), out });
    case 'group': return build(nfa, n.node, out);
    case 'cat': {
      let start = out;
      for (let k = n.items.length - 1; k >= 0; k--) start = build(nfa, n.items[k], start);
      return start;
    }
    case 'alt': {
      const starts = n.items.map((it) => build(nfa, it, out));
      let s = starts[starts.length - 1];
      for (let k = starts.length - 2; k >= 0; k--) s = nfa.add({ k: 'split', a: starts[k], b: s });
      return s;
    }
    case 'rep': {
      let start = out;
      if (n.max === Infinity) {
        const loop = nfa.add({ k: 'split', a: -1, b: out });
        const body = build(nfa, n.node, loop);
        (nfa.states[loop] as { a: number }).a = body;
        start = loop;
      } else {
        // x{m,n}: the n-m optional copies nest, (x(x)?)?, so each may be skipped to `out`.
        for (let k = n.max; k > n.min; k--) {
          const body = build(nfa, n.node, start);
          start = nfa.add({ k: 'split', a: body, b: out });
        }
      }
      for (let k = 0; k < n.min; k++) start = build(nfa, n.node, start);
      return start;
    }
  }
}

export class Regex {
  private readonly nfa = new Nfa();
  private readonly start: number;
  private constructor(node: Node) {
    const m = this.nfa.add({ k: 'match' });
    this.start = build(this.nfa, node, m);
  }

  /** null for an invalid pattern (the builtins then behave as the reference does). */
  static compile(pattern: string): Regex | null {
    try {
      return new Regex(parse(pattern));
    } catch (e) {
      if (e instanceof ReSyntaxError) return null;
      throw e;
    }
  }

  /** Longest match starting exactly at `from`; returns its end or -1. */
  private longestAt(s: string, from: number): number {
    let cur = new Set<number>();
    let best = -1;
    const closure = (set: Set<number>, st: number, pos: number) => {
      const stack = [st];
      while (stack.length) {
        const x = stack.pop()!;
        if (set.has(x)) continue;
        set.add(x);
        const node = this.nfa.states[x];
        if (node.k === 'split') { stack.push(node.b, node.a); }
        else if (node.k === 'jump') stack.push(node.out);
        else if (node.k === 'assert') { if (node.test(s, pos)) stack.push(node.out); }
      }
    };
    closure(cur, this.start, from);
    for (let pos = from; ; pos++) {
      for (const x of cur) if (this.nfa.states[x].k === 'match') { best = pos; break; }
      if (pos >= s.length || cur.size === 0) break;
      const c = s.charCodeAt(pos);
      const next = new Set<number>();
      for (const x of cur) {
        const node = this.nfa.states[x];
        if (node.k === 'char' && node.test(c)) closure(next, node.out, pos + 1);
      }
      cur = next;
    }
    return best;
  }

  /** Leftmost-longest match at or after `from`: [start, end] or null. */
  exec(s: string, from = 0): [number, number] | null {
    for (let i = from; i <= s.length; i++) {
      const end = this.longestAt(s, i);
      if (end >= 0) return [i, end];
    }
    return null;
  }

  /** All matches, Python style: after an empty match the scan moves on one byte. */
  all(s: string): [number, number][] {
    const out: [number, number][] = [];
    for (let pos = 0; pos <= s.length; ) {
      const m = this.exec(s, pos);
      if (!m) break;
      out.push(m);
      pos = m[1] > m[0] ? m[1] : m[1] + 1;
    }
    return out;
  }
}
