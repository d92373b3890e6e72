// Diagnostics: collected in a bag (several per run, de-duplicated by position, capped) and
// rendered as `file:line:col: error: message`, the source line, and a caret under the span.
import { Span, lineCol, lineText } from './source.js';

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly notes?: { message: string; span?: Span }[];
}

/** Thrown for a broken compiler invariant: reported as an internal error, never as a stack trace. */
export class InternalError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
  }
}

export function bug(message: string, span?: Span): never {
  throw new InternalError(message, span);
}

/** Thrown to stop a phase once the error cap is reached. */
export class TooManyErrors extends Error {}

export class DiagBag {
  readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  constructor(readonly cap = 20) {}

  error(span: Span, message: string, notes?: Diagnostic['notes']): void {
    this.add({ severity: 'error', message, span, notes });
  }

  add(d: Diagnostic): void {
    const key = `${d.span.file.path}:${d.span.start}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
    if (this.errorCount >= this.cap) throw new TooManyErrors();
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Diagnostics in source order (file, then position), as they should be printed. */
  sorted(): Diagnostic[] {
    return [...this.items].sort((a, b) =>
      a.span.file.path === b.span.file.path ? a.span.start - b.span.start : a.span.file.path < b.span.file.path ? -1 : 1,
    );
  }
}

/** Renders one diagnostic; `color` adds ANSI colours for terminals. Text is in byte-string form. */
export function renderDiagnostic(d: Diagnostic, color = false): string {
  const { line, col } = lineCol(d.span.file, d.span.start);
  const src = lineText(d.span.file, line);
  const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
  const red = (s: string) => (color ? `\x1b[1;31m${s}\x1b[0m` : s);
  const green = (s: string) => (color ? `\x1b[1;32m${s}\x1b[0m` : s);
  const label = d.severity === 'error' ? red('error') : bold(d.severity);
  let out = `${bold(`${d.span.file.path}:${line}:${col}:`)} ${label}: ${bold(d.message)}\n`;
  const gutter = String(line).length;
  out += `${' '.repeat(gutter)} |\n${line} | ${src.replace(/\t/g, ' ')}\n`;
  const width = Math.max(1, Math.min(d.span.end, d.span.file.lineStarts[line] ?? d.span.end) - d.span.start);
  const caretWidth = Math.min(width, Math.max(1, src.length - (col - 1)));
  out += `${' '.repeat(gutter)} | ${' '.repeat(col - 1)}${green('^' + '~'.repeat(Math.max(0, caretWidth - 1)))}\n`;
  for (const n of d.notes ?? []) {
    if (n.span) {
      const p = lineCol(n.span.file, n.span.start);
      out += `${n.span.file.path}:${p.line}:${p.col}: note: ${n.message}\n`;
    } else out += `note: ${n.message}\n`;
  }
  return out;
}
