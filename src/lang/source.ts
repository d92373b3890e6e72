// Source files and spans. Text is held as a "byte string": each JS char is one byte of the
// file (latin1 decoding), so columns, string lengths and offsets all count bytes, exactly as
// BetterPython defines them, and string literals need no re-encoding for the VM.
import fs from 'node:fs';

export interface SourceFile {
  /** The path as the user wrote it (shown in diagnostics and runtime error locations). */
  readonly path: string;
  /** File contents, one char per byte. */
  readonly text: string;
  /** Offset of the first byte of every line (line 1 at index 0). */
  readonly lineStarts: number[];
}

/** A half-open byte range [start, end) in one source file. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

export function sourceFromText(path: string, text: string): SourceFile {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return { path, text, lineStarts };
}

export function readSource(path: string): SourceFile {
  return sourceFromText(path, fs.readFileSync(path).toString('latin1'));
}

/** Converts a JS (UTF-16) string to the byte-string form by UTF-8 encoding it. */
export function utf8ToBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

export function lineCol(file: SourceFile, offset: number): { line: number; col: number } {
  let lo = 0, hi = file.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (file.lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - file.lineStarts[lo] + 1 };
}

export function lineOf(span: Span): number {
  return lineCol(span.file, span.start).line;
}

export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1] ?? file.text.length;
  let end = file.lineStarts[line] ?? file.text.length;
  while (end > start && (file.text[end - 1] === '\n' || file.text[end - 1] === '\r')) end--;
  return file.text.slice(start, end);
}

export function span(file: SourceFile, start: number, end: number): Span {
  return { file, start, end };
}

/** Decodes byte-string text (UTF-8 bytes, one per char) to a JS string. */
export function bytesToUtf8(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

/**
 * Where a file stops being UTF-8 text (a NUL byte or an invalid sequence), with the reason; null
 * for a good file. A source file must be text: anything else is rejected with one error.
 */
export function notText(file: SourceFile): { offset: number; reason: string } | null {
  const t = file.text;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0) return { offset: i, reason: 'it contains a NUL byte (is it a binary file?)' };
    if (c < 0x80) continue;
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    let ok = n > 0 && i + n < t.length;
    for (let k = 1; ok && k <= n; k++) ok = (t.charCodeAt(i + k) & 0xc0) === 0x80;
    // Overlong forms and surrogates (E0 80..9F, ED A0..BF, F0 80..8F, F4 90..) are not UTF-8 either.
    const c1 = t.charCodeAt(i + 1);
    if (ok && ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f))) ok = false;
    if (!ok) return { offset: i, reason: `byte 0x${c.toString(16)} is not valid UTF-8 (source files are UTF-8 text)` };
    i += n;
  }
  return null;
}

/** An LSP position: 0-based line and UTF-16 code units into it. */
export interface Utf16Position {
  line: number;
  character: number;
}

export function utf16Position(file: SourceFile, offset: number): Utf16Position {
  const { line } = lineCol(file, offset);
  const start = file.lineStarts[line - 1];
  return { line: line - 1, character: bytesToUtf8(file.text.slice(start, offset)).length };
}

/** The byte offset of an LSP position (clamped to the line and the file). */
export function offsetAt(file: SourceFile, pos: Utf16Position): number {
  if (pos.line >= file.lineStarts.length) return file.text.length;
  const start = file.lineStarts[Math.max(0, pos.line)];
  const text = bytesToUtf8(lineText(file, pos.line + 1));
  return start + utf8ToBytes(text.slice(0, Math.max(0, pos.character))).length;
}
