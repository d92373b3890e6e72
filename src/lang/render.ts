// Diagnostics as text, the way compilers print them:
//   file:line:col: error[E0139]: message
//     |
//   3 |     print(cuont)
//     |           ^~~~~
//     = help: did you mean 'count'?
// The column is counted in characters and the caret in display columns (UTF-8 decoded, East
// Asian wide characters 2 columns, combining marks 0, tabs to the next multiple of 4), so it sits
// under the span whatever the line holds. Output is a JS string; callers encode it as UTF-8.
import type { Diagnostic, Note } from './diag.js';
import { SourceFile, Span, bytesToUtf8, lineCol, lineText } from './source.js';

const TAB = 4;

/** Zero-width (combining, joiners, variation selectors) and double-width ranges, sorted. */
const ZERO: [number, number][] = [[0x300, 0x36f], [0x483, 0x489], [0x591, 0x5bd], [0x610, 0x61a], [0x64b, 0x65f], [0x1ab0, 0x1aff], [0x1dc0, 0x1dff], [0x200b, 0x200f], [0x20d0, 0x20ff], [0xfe00, 0xfe0f], [0xfe20, 0xfe2f], [0xe0100, 0xe01ef]];
const WIDE: [number, number][] = [[0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x2705, 0x2705], [0x270a, 0x270b], [0x2728, 0x2728], [0x274c, 0x274c], [0x2753, 0x2755], [0x2795, 0x2797], [0x2b1b, 0x2b1c], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f2ff], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb], [0x1f900, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x3fffd]];

function inRanges(cp: number, ranges: [number, number][]): boolean {
  let lo = 0, hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid][0]) hi = mid - 1;
    else if (cp > ranges[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

function charWidth(cp: number): number {
  if (cp < 0x300) return cp < 0x20 || cp === 0x7f ? 0 : 1;
  return inRanges(cp, ZERO) ? 0 : inRanges(cp, WIDE) ? 2 : 1;
}

/** Expands tabs and measures: the text as displayed and the display column after each char. */
function layout(text: string): { shown: string; cols: number[] } {
  let shown = '', col = 0;
  const cols: number[] = [0];
  for (const ch of text) {
    if (ch === '\t') {
      const n = TAB - (col % TAB);
      shown += ' '.repeat(n);
      col += n;
    } else {
      shown += ch;
      col += charWidth(ch.codePointAt(0)!);
    }
    for (let k = 0; k < ch.length; k++) cols.push(col);
  }
  return { shown, cols };
}

export interface Snippet {
  line: number;
  /** 1-based character column. */
  col: number;
  text: string;
  /** Display columns: where the caret starts and how wide it is (at least 1). */
  caretAt: number;
  caretWidth: number;
}

/** Longest source line shown whole; a longer one is cut to a window around the caret. */
const MAX_SHOWN = 160;
/** Bytes of a long line decoded around a span: as many as MAX_SHOWN columns of ASCII need. */
const WINDOW = 2 * MAX_SHOWN;

/**
 * The source line of a span, displayed, with where its caret goes. A long line is shown as a
 * window of MAX_SHOWN columns around the caret, `...` marking the cuts: a diagnostic never
 * repeats a megabyte-long line, and n diagnostics on one line cost n windows, not n lines.
 */
export function snippet(span: Span): Snippet {
  const { line, col: byteCol } = lineCol(span.file, span.start);
  const raw = lineText(span.file, line);
  const lineStart = span.file.lineStarts[line - 1];
  const long = raw.length > WINDOW;
  const start = byteCol - 1;
  const from = long ? charStart(raw, Math.max(0, start - WINDOW / 4)) : 0;
  const to = long ? charStart(raw, Math.min(raw.length, start + WINDOW)) : raw.length;
  const end = Math.max(start, Math.min(span.end - lineStart, to));
  const before = bytesToUtf8(raw.slice(from, start));
  const { cols } = layout(before + bytesToUtf8(raw.slice(start, end)));
  const at = cols[before.length];
  const text = layout(bytesToUtf8(raw.slice(from, to))).shown;
  return window({ line, col: charsBefore(span.file, line, raw, start) + 1, text, caretAt: at, caretWidth: Math.max(1, cols[cols.length - 1] - at) }, from > 0, to < raw.length);
}

/** The first UTF-8 character boundary at or after byte i of a line held as a byte string. */
function charStart(raw: string, i: number): number {
  while (i < raw.length && (raw.charCodeAt(i) & 0xc0) === 0x80) i++;
  return i;
}

/** Characters in raw[0, i): the bytes that start one. Counted once per long line. */
let counted: { file: SourceFile; line: number; chars: Int32Array } | null = null;
function charsBefore(file: SourceFile, line: number, raw: string, i: number): number {
  if (raw.length <= WINDOW) return [...bytesToUtf8(raw.slice(0, i))].length;
  if (counted?.file !== file || counted.line !== line) {
    const chars = new Int32Array(raw.length + 1);
    for (let k = 0; k < raw.length; k++) chars[k + 1] = chars[k] + ((raw.charCodeAt(k) & 0xc0) === 0x80 ? 0 : 1);
    counted = { file, line, chars };
  }
  return counted.chars[i];
}

/** At most MAX_SHOWN display columns of s around its caret; `cutLeft`/`cutRight`: s is already a part. */
function window(s: Snippet, cutLeft: boolean, cutRight: boolean): Snippet {
  let width = 0;
  for (const ch of s.text) width += charWidth(ch.codePointAt(0)!);
  const from = width <= MAX_SHOWN ? 0 : Math.max(0, Math.min(s.caretAt - 40, width - MAX_SHOWN));
  const to = width <= MAX_SHOWN ? width : from + MAX_SHOWN;
  let text = '', col = 0;
  for (const ch of s.text) {
    const w = charWidth(ch.codePointAt(0)!);
    if (col >= from && col + w <= to) text += ch;
    col += w;
    if (col >= to) break;
  }
  const lead = cutLeft || from > 0 ? '...' : '';
  return {
    ...s,
    text: lead + text + (cutRight || to < width ? '...' : ''),
    caretAt: s.caretAt - from + lead.length,
    caretWidth: Math.max(1, Math.min(s.caretWidth, to - s.caretAt)),
  };
}

export interface RenderOptions {
  color?: boolean;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions = {}): string {
  const color = !!opts.color;
  const bold = paint(color, '1'), red = paint(color, '1;31'), yellow = paint(color, '1;33'), green = paint(color, '1;32'), cyan = paint(color, '1;36');
  const label = d.severity === 'error' ? red(`error${d.code ? `[${d.code}]` : ''}`) : yellow(`warning${d.code ? `[${d.code}]` : ''}`);
  const s = snippet(d.span);
  let out = `${bold(`${d.span.file.path}:${s.line}:${s.col}:`)} ${label}: ${bold(d.message)}\n`;
  const gutter = ' '.repeat(String(s.line).length);
  if (d.snippet !== false) out += block(s, gutter, green);
  for (const n of d.notes ?? []) out += renderNote(n, gutter, bold, cyan, green);
  return out;
}

function block(s: Snippet, gutter: string, mark: (s: string) => string): string {
  return `${gutter} |\n${s.line} | ${s.text}\n${gutter} | ${' '.repeat(s.caretAt)}${mark('^' + '~'.repeat(s.caretWidth - 1))}\n`;
}

function renderNote(n: Note, gutter: string, bold: (s: string) => string, cyan: (s: string) => string, green: (s: string) => string): string {
  if (!n.span) return `${gutter} = ${bold(n.kind)}: ${n.message}\n`;
  const s = snippet(n.span);
  return `${bold(`${n.span.file.path}:${s.line}:${s.col}:`)} ${cyan(n.kind)}: ${n.message}\n` + block(s, ' '.repeat(String(s.line).length), green);
}

/** The closing count: `2 errors, 1 warning`; empty when there is nothing to count. */
export function summary(errors: number, warnings: number, cap: number): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (errors) parts.push(plural(errors, 'error') + (errors >= cap ? ` (stopped after ${cap})` : ''));
  if (warnings) parts.push(plural(warnings, 'warning'));
  return parts.length ? parts.join(', ') + '\n' : '';
}
