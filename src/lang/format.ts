// The formatter (`bpjit fmt`): source text → the canonical layout, working on tokens so it can
// only move whitespace. The layout:
//   - 4 spaces per block level; a continuation line inside brackets one level deeper per open
//     bracket (a line starting with a closing bracket at its opener's level), a backslash
//     continuation one level deeper;
//   - one space around binary operators, `=` and `->`, after commas and colons, after keywords;
//     none inside brackets, before `(`/`[`/`{` of a call, index or struct literal, around `.`,
//     or after a unary `-`/`~`;
//   - comments kept: at the end of a line two spaces before `#`, on a line of their own at the
//     level of the code they sit in; text unchanged but for trailing whitespace;
//   - blank lines kept, runs of them collapsed to one; none at the start of a block or of the
//     file; exactly one around top-level functions, structs, classes and enums (the comments
//     right above a declaration stay with it); the file ends with one newline.
// Line breaks are the author's: nothing is joined or wrapped. The result is checked to lex to
// the same tokens and comments as the input, so formatting never changes a program's meaning.
import { DiagBag } from './diag.js';
import { Comment, lex } from './lexer.js';
import { parseModule } from './parser.js';
import { SourceFile, lineCol, notText, sourceFromText, span } from './source.js';
import type { Token, TokenKind } from './token.js';

const OPENERS: ReadonlySet<TokenKind> = new Set<TokenKind>(['(', '[', '{']);
const CLOSERS: ReadonlySet<TokenKind> = new Set<TokenKind>([')', ']', '}']);
/** Tokens after which `(`, `[` or `{` is a call, index or struct literal (no space). */
const CALLABLE: ReadonlySet<TokenKind> = new Set<TokenKind>(['ident', 'str', 'fstr', ')', ']', '}', 'fn', 'super', 'self']);
/** Keywords that end an operand: a `-` after them is binary. */
const VALUE_WORDS: ReadonlySet<TokenKind> = new Set<TokenKind>(['true', 'false', 'self']);
const COMPOUND: ReadonlySet<TokenKind> = new Set<TokenKind>(['def', 'struct', 'class', 'enum', '@']);

interface Row {
  /** Levels of indentation beyond the line's depth. */
  indent: number;
  text: string;
}

interface Line {
  kind: 'code' | 'comment';
  depth: number;
  rows: Row[];
  /** First and last source lines (1-based). */
  from: number;
  to: number;
  /** Original column of the first character (0-based). */
  col: number;
  /** Code: ends with a ':' that opens a block. */
  opens: boolean;
  /** Code: the first token, and the one after `export`. */
  head: TokenKind;
  /** Code: the original indentation widths of the enclosing levels, this one last. */
  widths: number[];
}

export type FormatResult = { ok: true; text: string } | { ok: false; diags: DiagBag };

/** Formats a source file; a file that does not lex and parse cleanly is returned as diagnostics. */
export function formatSource(file: SourceFile): FormatResult {
  const diags = new DiagBag(20);
  const bad = notText(file);
  if (bad) {
    diags.report('not-text', span(file, bad.offset, bad.offset + 1), [bad.reason]);
    return { ok: false, diags };
  }
  const comments: Comment[] = [];
  const toks = lex(file, diags, 0, file.text.length, false, comments);
  if (!diags.hasErrors) parseModule(file, file.path, diags);
  if (diags.hasErrors) return { ok: false, diags };
  const text = render(layoutLines(file, toks, comments));
  if (!sameProgram(file, sourceFromText(file.path, text))) throw new Error(`formatting '${file.path}' would change its tokens`);
  return { ok: true, text };
}

// --- lines ---------------------------------------------------------------------------------

function layoutLines(file: SourceFile, toks: Token[], comments: Comment[]): Line[] {
  const src = file.text;
  const lineOf = (off: number) => lineCol(file, off).line;
  const colOf = (off: number) => lineCol(file, off).col - 1;
  const pieces: (Token | Comment)[] = [...toks.filter((t) => t.kind !== 'eof'), ...comments].sort((a, b) => a.start - b.start);
  const lines: Line[] = [];
  const widths: number[] = [];
  let depth = 0;
  let cur: Line | null = null;
  let prev: Token | null = null;
  let unary = false, brackets = 0, breakNext = false;
  const row = () => cur!.rows[cur!.rows.length - 1];
  for (const p of pieces) {
    if (!('kind' in p)) {
      const text = src.slice(p.start, p.end).replace(/\s+$/, '');
      if (cur && prev && lineOf(p.start) === lineOf(prev.end - 1)) row().text += `  ${text}`;
      else if (cur) cur.rows.push({ indent: Math.max(1, brackets), text });
      else {
        lines.push({ kind: 'comment', depth: 0, rows: [{ indent: 0, text }], from: lineOf(p.start), to: lineOf(p.start), col: colOf(p.start), opens: false, head: 'newline', widths: [] });
        continue;
      }
      cur.to = lineOf(p.start);
      breakNext = true;
      continue;
    }
    const t = p;
    if (t.kind === 'indent') { depth++; continue; }
    if (t.kind === 'dedent') { depth--; continue; }
    if (t.kind === 'newline') {
      if (cur) cur.opens = prev?.kind === ':';
      cur = null;
      continue;
    }
    const tokText = src.slice(t.start, t.end);
    if (!cur) {
      widths.length = depth;
      widths[depth] = colOf(t.start);
      cur = { kind: 'code', depth, rows: [{ indent: 0, text: tokText }], from: lineOf(t.start), to: lineOf(t.end - 1), col: colOf(t.start), opens: false, head: t.kind, widths: [...widths] };
      lines.push(cur);
      if (t.kind === 'export') cur.head = 'export';
    } else {
      if (cur.head === 'export' && prev?.kind === 'export') cur.head = t.kind;
      if (breakNext || lineOf(t.start) > lineOf(prev!.end - 1)) {
        if (brackets === 0 && !breakNext) row().text += ' \\';
        const closing = CLOSERS.has(t.kind) ? 1 : 0;
        cur.rows.push({ indent: brackets > 0 ? brackets - closing : 1, text: tokText });
      } else row().text += space(prev!, t, unary, cur.head) + tokText;
      cur.to = lineOf(t.end - 1);
    }
    breakNext = false;
    unary = (t.kind === '-' || t.kind === '~') && unaryContext(prev);
    if (OPENERS.has(t.kind)) brackets++;
    else if (CLOSERS.has(t.kind)) brackets = Math.max(0, brackets - 1);
    prev = t;
  }
  placeComments(lines);
  return lines;
}

/** Whether an operator after `prev` is a prefix one (start of an operand). */
function unaryContext(prev: Token | null): boolean {
  if (!prev) return true;
  if (prev.kind === 'ident' || prev.kind === 'int' || prev.kind === 'float' || prev.kind === 'str' || prev.kind === 'fstr') return false;
  if (CLOSERS.has(prev.kind) || VALUE_WORDS.has(prev.kind)) return false;
  return true;
}

/** The whitespace between two tokens on one line. */
function space(prev: Token, next: Token, prevUnary: boolean, head: TokenKind): string {
  if (prevUnary) return next.kind === '-' ? ' ' : ''; // `- -x`, not `--x`
  if (CLOSERS.has(next.kind) || next.kind === ',' || next.kind === ':' || next.kind === '.') return '';
  if (OPENERS.has(prev.kind) || prev.kind === '.' || prev.kind === '@') return '';
  if (OPENERS.has(next.kind) && CALLABLE.has(prev.kind) && !(head === 'import' && next.kind === '(')) return '';
  return ' ';
}

/**
 * A comment on a line of its own goes to a level between the next code line's and the
 * previous one's (one deeper after a block-opening colon): the deepest whose original
 * indentation the comment reaches.
 */
function placeComments(lines: Line[]): void {
  for (let i = 0; i < lines.length; i++) {
    const c = lines[i];
    if (c.kind !== 'comment') continue;
    let p = i - 1;
    while (p >= 0 && lines[p].kind !== 'code') p--;
    let n = i + 1;
    while (n < lines.length && lines[n].kind !== 'code') n++;
    const before = p >= 0 ? lines[p] : null, after = n < lines.length ? lines[n] : null;
    const hi = before ? before.depth + (before.opens ? 1 : 0) : 0;
    const lo = Math.min(after ? after.depth : 0, hi);
    const width = (d: number) => {
      if (before && d < before.widths.length) return before.widths[d];
      return after && after.depth === d ? after.col : (before?.widths[before.widths.length - 1] ?? -1) + 1;
    };
    let d = hi;
    while (d > lo && width(d) > c.col) d--;
    c.depth = d;
  }
}

// --- blank lines and output ----------------------------------------------------------------

function isCompound(l: Line): boolean {
  return l.kind === 'code' && l.depth === 0 && COMPOUND.has(l.head);
}

function render(lines: Line[]): string {
  const blank = lines.map((l, i) => (i === 0 ? 0 : Math.min(1, Math.max(0, l.from - lines[i - 1].to - 1))));
  let afterCompound = false;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i], before = lines[i - 1];
    if (before.kind === 'code' && before.opens) blank[i] = 0;
    if (l.depth !== 0) continue;
    if (afterCompound) blank[i] = 1;
    afterCompound = false;
    if (isCompound(l) && !(before.kind === 'code' && before.head === '@')) {
      // The comments right above a declaration belong to it: the blank line goes above them.
      let j = i;
      while (j > 0 && lines[j - 1].kind === 'comment' && lines[j - 1].depth === 0 && blank[j] === 0) j--;
      if (j > 0) blank[j] = 1;
    }
    if (l.kind === 'code') afterCompound = isCompound(l) && l.head !== '@';
  }
  let out = '';
  lines.forEach((l, i) => {
    if (blank[i]) out += '\n';
    // The continuation lines of a block header go one level deeper than its body.
    for (const [k, r] of l.rows.entries()) out += '    '.repeat(l.depth + r.indent + (k > 0 && l.opens ? 1 : 0)) + r.text + '\n';
  });
  return out;
}

// --- the safety check ----------------------------------------------------------------------

/** Same tokens (kinds, values, empty-block marks) and the same comments, in the same order. */
function sameProgram(a: SourceFile, b: SourceFile): boolean {
  const sig = (f: SourceFile) => {
    const comments: Comment[] = [];
    const toks = lex(f, new DiagBag(1000), 0, f.text.length, false, comments);
    return JSON.stringify([
      // An empty-block mark matters only where no indented block follows.
      toks.map((t, i) => [t.kind, typeof t.value === 'bigint' ? String(t.value) : t.value ?? null, !!t.emptyBlock && toks[i + 1]?.kind !== 'indent']),
      comments.map((c) => f.text.slice(c.start, c.end).replace(/\s+$/, '')),
    ]);
  };
  return sig(a) === sig(b);
}
