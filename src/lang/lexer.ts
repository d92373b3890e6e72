// Lexer: SourceFile → Token[]. Python-style layout: NEWLINE ends a logical line, INDENT/DEDENT
// bracket blocks. bpjit's rules (spec §8.2) differ from the reference in three ways: comment-only
// and whitespace-only lines never affect indentation, newlines inside (), [] and {} are ignored,
// and a trailing backslash continues a line. A header line followed only by deeper comment lines
// still yields an (empty) block, so `def later() -> void:` + a comment stays valid.
import { DiagBag } from './diag.js';
import type { MessageArg, MessageName } from './messages.js';
import { SourceFile, span } from './source.js';
import { Token, TokenKind, isKeyword } from './token.js';

const INT64_MAX = (1n << 63n) - 1n;
const THREE = ['->', '==', '!=', '<<', '>>', '<=', '>='];
const SINGLE = '()[]{}:,.=+-*/%&|^~<>@';

/** A comment's byte range (from `#` to the end of its line, the newline excluded). */
export interface Comment {
  readonly start: number;
  readonly end: number;
}

/** `comments`, when given, receives every comment (the formatter and the editor keep them). */
export function lex(file: SourceFile, diags: DiagBag, baseOffset = 0, endOffset = file.text.length, subExpr = false, comments?: Comment[]): Token[] {
  const text = file.text;
  const toks: Token[] = [];
  const indents = [0];
  let pos = baseOffset;
  const open: number[] = []; // offsets of unclosed brackets
  let depth = 0; // bracket nesting
  let atLineStart = !subExpr;
  const err = (start: number, end: number, name: MessageName, ...args: MessageArg[]) => diags.report(name, span(file, start, Math.max(end, start + 1)), args);
  const push = (kind: TokenKind, start: number, end: number, value?: Token['value']) => toks.push({ kind, start, end, value });
  const last = () => toks[toks.length - 1];

  const isDigit = (c: number) => c >= 48 && c <= 57;
  const isIdStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const isIdChar = (c: number) => isIdStart(c) || isDigit(c);

  while (pos < endOffset) {
    if (atLineStart && depth === 0) {
      // Measure this physical line's indentation; blank and comment-only lines are skipped whole.
      let p = pos, width = 0, tab = -1;
      while (p < endOffset && (text[p] === ' ' || text[p] === '\t' || text[p] === '\r' || text[p] === '\f')) {
        if (text[p] === '\t' && tab < 0) tab = p;
        width++;
        p++;
      }
      const c = text[p];
      if (p >= endOffset || c === '\n' || c === '#') {
        if (c === '#' && width > indents[indents.length - 1]) {
          const prev = last();
          if (prev?.kind === 'newline' && toks[toks.length - 2]?.kind === ':') {
            toks[toks.length - 1] = { ...prev, emptyBlock: true };
          }
        }
        const hash = p;
        while (p < endOffset && text[p] !== '\n') p++;
        if (c === '#') comments?.push({ start: hash, end: p });
        pos = p + 1;
        continue;
      }
      if (tab >= 0) err(tab, tab + 1, 'tab-indent');
      const top = indents[indents.length - 1];
      if (width > top) {
        indents.push(width);
        push('indent', pos, p);
      } else if (width < top) {
        while (width < indents[indents.length - 1]) {
          indents.pop();
          push('dedent', p, p);
        }
        if (width !== indents[indents.length - 1]) {
          err(pos, p, 'bad-dedent');
          indents.push(width);
        }
      }
      pos = p;
      atLineStart = false;
      continue;
    }
    const ch = text.charCodeAt(pos);
    const c = text[pos];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') { pos++; continue; }
    if (c === '#') {
      const hash = pos;
      while (pos < endOffset && text[pos] !== '\n') pos++;
      comments?.push({ start: hash, end: pos });
      continue;
    }
    if (c === '\n') {
      if (depth === 0 && !subExpr) {
        if (toks.length > 0 && last().kind !== 'newline') push('newline', pos, pos + 1);
        atLineStart = true;
      }
      pos++;
      continue;
    }
    if (c === '\\' && subExpr && text[pos + 1] === '"') {
      // Inside an f-string interpolation a string literal is written \"...\" (an f-string f\"...\").
      pos = lexString(pos + 1, false, pos, true);
      continue;
    }
    if (c === 'f' && subExpr && text[pos + 1] === '\\' && text[pos + 2] === '"') {
      pos = lexString(pos + 2, true, pos, true);
      continue;
    }
    if (c === '\\') {
      let p = pos + 1;
      while (p < endOffset && (text[p] === ' ' || text[p] === '\t' || text[p] === '\r')) p++;
      if (p >= endOffset || text[p] === '\n') { pos = p + 1; continue; }
      err(pos, pos + 1, 'stray-backslash');
      pos++;
      continue;
    }
    const start = pos;
    if (isDigit(ch)) { pos = lexNumber(pos); continue; }
    if (c === 'f' && text[pos + 1] === '"') { pos = lexString(pos + 1, true, start); continue; }
    if (isIdStart(ch)) {
      while (pos < endOffset && isIdChar(text.charCodeAt(pos))) pos++;
      const word = text.slice(start, pos);
      if (isKeyword(word)) push(word, start, pos);
      else push('ident', start, pos, word);
      continue;
    }
    if (c === '"') { pos = lexString(pos, false, start); continue; }
    const two = text.slice(pos, pos + 2);
    if (THREE.includes(two)) { push(two as TokenKind, pos, pos + 2); pos += 2; continue; }
    if (SINGLE.includes(c)) {
      if (c === '(' || c === '[' || c === '{') { depth++; open.push(pos); }
      else if (c === ')' || c === ']' || c === '}') {
        if (depth > 0) {
          const o = text[open.pop()!];
          if ('([{'.indexOf(o) !== ')]}'.indexOf(c)) err(pos, pos + 1, 'mismatched-bracket', c, o);
          depth--;
        } else if (!subExpr) err(pos, pos + 1, 'unmatched-bracket', c);
      }
      push(c as TokenKind, pos, pos + 1);
      pos++;
      continue;
    }
    const shown = ch >= 32 && ch < 127 ? c : `\\x${ch.toString(16).padStart(2, '0')}`;
    const hint = c === "'" ? " (strings use double quotes)" : c === '!' ? " (use 'not' or '!=')" : c === ';' ? ' (statements end at the end of the line)' : '';
    err(pos, pos + 1, 'unexpected-character', shown, hint);
    pos++;
  }
  if (open.length > 0 && !subExpr) err(open[0], open[0] + 1, 'unclosed-bracket', text[open[0]]);
  if (!subExpr) {
    if (toks.length > 0 && last().kind !== 'newline') push('newline', endOffset, endOffset);
    while (indents.length > 1) { indents.pop(); push('dedent', endOffset, endOffset); }
  }
  push('eof', endOffset, endOffset);
  return toks;

  function lexNumber(p: number): number {
    const s = p;
    if (text[p] === '0' && (text[p + 1] === 'x' || text[p + 1] === 'X' || text[p + 1] === 'b' || text[p + 1] === 'B')) {
      const hex = text[p + 1] === 'x' || text[p + 1] === 'X';
      p += 2;
      const ds = p;
      while (p < endOffset && (hex ? /[0-9a-fA-F]/.test(text[p]) : text[p] === '0' || text[p] === '1')) p++;
      if (p === ds) {
        err(s, p, 'bad-radix-literal', hex ? 'hex' : 'binary');
        push('int', s, p, 0n);
        return p;
      }
      push('int', s, p, saturate(BigInt((hex ? '0x' : '0b') + text.slice(ds, p))));
      return p;
    }
    while (p < endOffset && isDigit(text.charCodeAt(p))) p++;
    let isFloat = false;
    if (text[p] === '.' && isDigit(text.charCodeAt(p + 1))) {
      isFloat = true;
      p++;
      while (p < endOffset && isDigit(text.charCodeAt(p))) p++;
    }
    if (text[p] === 'e' || text[p] === 'E') {
      let q = p + 1;
      if (text[q] === '+' || text[q] === '-') q++;
      if (!isDigit(text.charCodeAt(q))) {
        err(s, q, 'bad-exponent');
        push('float', s, q, 0);
        return q;
      }
      while (q < endOffset && isDigit(text.charCodeAt(q))) q++;
      p = q;
      isFloat = true;
    }
    const lit = text.slice(s, p);
    if (isFloat) push('float', s, p, Number(lit));
    else push('int', s, p, saturate(BigInt(lit)));
    return p;
  }

  /** Scans a string literal whose opening quote is at q; f-strings keep their raw body for the parser. */
  function lexString(q: number, isF: boolean, start: number, inFstr = false): number {
    let p = q + 1;
    let out = '';
    while (p < endOffset && text[p] !== '"') {
      if (text[p] === '\n') break;
      if (inFstr && text[p] === '\\' && text[p + 1] === '"') {
        push(isF ? 'fstr' : 'str', start, p + 2, isF ? text.slice(q + 1, p) : out);
        return p + 2;
      }
      if (text[p] === '\\' && p + 1 < endOffset && text[p + 1] !== '\n') {
        if (!isF) out += unescape(text[p + 1]);
        p += 2;
        continue;
      }
      if (!isF) out += text[p];
      p++;
    }
    if (p >= endOffset || text[p] !== '"') {
      err(start, start + 1, 'unterminated-string', text[p] === '\n' ? ' (a string literal cannot span lines; use \\n)' : '');
      // The rest of the line is lost, brackets opened before it with it: closing them is not
      // the user's first problem, and continuing the line would only add knock-on errors.
      if (!subExpr) { open.length = 0; depth = 0; }
      push(isF ? 'fstr' : 'str', start, p, isF ? text.slice(q + 1, p) : out);
      return p;
    }
    push(isF ? 'fstr' : 'str', start, p + 1, isF ? text.slice(q + 1, p) : out);
    return p + 1;
  }
}

/** Escapes of §1.8: \n, \t, and any other character stands for itself. */
export function unescape(c: string): string {
  return c === 'n' ? '\n' : c === 't' ? '\t' : c;
}

function saturate(v: bigint): bigint {
  return v > INT64_MAX ? INT64_MAX : v;
}
