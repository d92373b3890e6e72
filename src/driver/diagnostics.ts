// Printing compile-time diagnostics to stderr, as text (with the source line and a caret) or,
// with --error-format json, one JSON line per file in LSP's PublishDiagnosticsParams shape; and
// bpjit's own problems (a file it cannot read, a bad command line) in the same format.
// The warning options (-W error, -A CODE) are set once from the command line and apply to
// every DiagBag the driver makes.
import { DEFAULT_POLICY, DiagBag, DiagPolicy } from '../lang/diag.js';
import { problemParams, publishParams } from '../lang/diag-json.js';
import { findMessage, isWarning } from '../lang/messages.js';
import { renderDiagnostic, summary } from '../lang/render.js';
import { stderrColor } from './color.js';

export type ErrorFormat = 'human' | 'json';

let policy: DiagPolicy = DEFAULT_POLICY;
let format: ErrorFormat = 'human';

export interface DiagnosticOptions {
  /** `-W error`: warnings are errors. */
  warnings?: string;
  /** `-A CODE` / `--allow NAME`, repeatable. */
  allow?: string[];
  errorFormat?: string;
}

/** Applies the command line's diagnostic options; returns a usage problem, or null. */
export function configureDiagnostics(opts: DiagnosticOptions): string | null {
  if (opts.warnings !== undefined && opts.warnings !== 'error') return `-W takes 'error' (warnings become errors), not '${opts.warnings}'`;
  if (opts.errorFormat !== undefined && opts.errorFormat !== 'human' && opts.errorFormat !== 'json') return `--error-format is 'human' or 'json', not '${opts.errorFormat}'`;
  const allow = new Set<string>();
  for (const key of (opts.allow ?? []).flatMap((a) => a.split(','))) {
    const row = findMessage(key.trim());
    if (!row || !isWarning(row)) return `'${key}' is not a warning code or name (see bpjit explain)`;
    allow.add(row.code);
  }
  policy = { allow, warningsAsErrors: opts.warnings === 'error' };
  format = (opts.errorFormat as ErrorFormat | undefined) ?? 'human';
  return null;
}

/**
 * --error-format json among the words of a command line that could not be parsed (so that its
 * problem is reported as JSON all the same).
 */
export function errorFormatOfWords(words: readonly string[]): void {
  if (words.some((w, i) => w === '--error-format=json' || (w === '--error-format' && words[i + 1] === 'json'))) format = 'json';
}

/**
 * A problem of bpjit's own, not in a source: `bpjit: error: …`, or with --error-format json one
 * line like a file's diagnostics (`file`: the file it concerns).
 */
export function reportProblem(message: string, file?: string, prefix = 'bpjit: error: '): void {
  const stdin = file === '-' || file === '<stdin>';
  process.stderr.write(format === 'json' ? JSON.stringify(problemParams(message, stdin ? undefined : file)) + '\n' : `${prefix}${message}\n`);
}

/** A bag for one compilation, with the command line's warning policy. */
export function newDiagBag(cap = 20): DiagBag {
  return new DiagBag(cap, policy);
}

export function printDiagnostics(diags: DiagBag, color = stderrColor()): void {
  const items = diags.sorted();
  if (format === 'json') {
    process.stderr.write(publishParams(items).map((p) => JSON.stringify(p) + '\n').join(''));
    return;
  }
  // Written a chunk at a time: a rendered diagnostic is a tree of small strings until written,
  // and 100,000 of them held at once (a function of 100,000 unused parameters) took 700 MB.
  let out = '';
  for (const d of items) {
    out += renderDiagnostic(d, { color });
    if (out.length >= CHUNK) { process.stderr.write(out); out = ''; }
  }
  process.stderr.write(out + summary(diags.errorCount, diags.warningCount, diags.cap));
}

/** Characters of rendered diagnostics written at once. */
const CHUNK = 1 << 16;
