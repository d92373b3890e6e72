// Diagnostics: collected in a bag (several per run, de-duplicated by position, capped) and
// rendered by render.ts (text) or diag-json.ts (the LSP shape). Every front-end diagnostic comes
// from a row of the table in messages.ts and carries its code; the bag applies the warning
// policy as diagnostics arrive (codes allowed on the command line or by a `# bpjit: allow(...)`
// comment are dropped; `-W error` makes the others errors).
import { allowedInSource } from './allow.js';
import { MessageArg, MessageName, formatMessage, messageRow } from './messages.js';
import { Span, bytesToUtf8 } from './source.js';

export type Severity = 'error' | 'warning';

/** A secondary message: `note` adds context (usually at another span), `help` suggests a fix. */
export interface Note {
  readonly kind: 'note' | 'help';
  readonly message: string;
  readonly span?: Span;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** The table code (E0042, W0001); absent for the driver's own diagnostics. */
  readonly code?: string;
  readonly message: string;
  readonly span: Span;
  readonly notes?: readonly Note[];
  /** False when the source line must not be echoed (a binary file). */
  readonly snippet?: boolean;
}

/** What to do with warnings: codes to drop, and whether the rest are errors (`-W error`). */
export interface DiagPolicy {
  readonly allow: ReadonlySet<string>;
  readonly warningsAsErrors: boolean;
}

export const DEFAULT_POLICY: DiagPolicy = { allow: new Set(), warningsAsErrors: false };

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
  private errors = 0;
  private warnings = 0;
  constructor(readonly cap = 20, readonly policy: DiagPolicy = DEFAULT_POLICY) {}

  /** A diagnostic of the table: `name`'s text with `args` filled in. */
  report(name: MessageName, span: Span, args: readonly MessageArg[] = [], notes?: readonly Note[]): void {
    const row = messageRow(name);
    const warning = row.code.startsWith('W');
    this.add({
      // Arguments taken from the source (names, format specs) are bytes; the message is text.
      severity: warning ? 'warning' : 'error', code: row.code, message: formatMessage(row.text, args.map((a) => (typeof a === 'string' ? bytesToUtf8(a) : a))), span,
      notes: notes?.length ? notes : undefined, snippet: name === 'not-text' ? false : undefined,
    });
  }

  /** A diagnostic outside the table (the driver's: constructs the native back end lacks). */
  error(span: Span, message: string, notes?: readonly Note[]): void {
    this.add({ severity: 'error', message, span, notes });
  }

  add(d: Diagnostic): void {
    if (d.severity === 'warning' && d.code) {
      if (this.policy.allow.has(d.code) || allowedInSource(d.span, d.code)) return;
      if (this.policy.warningsAsErrors) {
        const note: Note = { kind: 'note', message: `warnings are errors here (-W error); '-A ${d.code}' or '# bpjit: allow(${d.code})' silences this one` };
        d = { ...d, severity: 'error', notes: [...(d.notes ?? []), note] };
      }
    }
    const key = `${d.span.file.path}:${d.span.start}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(d);
    if (d.severity === 'warning') this.warnings++;
    else if (++this.errors >= this.cap) throw new TooManyErrors();
  }

  get errorCount(): number {
    return this.errors;
  }

  get warningCount(): number {
    return this.warnings;
  }

  get hasErrors(): boolean {
    return this.errors > 0;
  }

  /** Diagnostics in source order (file, then position), as they should be printed. */
  sorted(): Diagnostic[] {
    return [...this.items].sort((a, b) =>
      a.span.file.path === b.span.file.path ? a.span.start - b.span.start : a.span.file.path < b.span.file.path ? -1 : 1,
    );
  }
}
