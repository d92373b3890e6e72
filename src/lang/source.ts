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

export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
