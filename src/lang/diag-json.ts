// Diagnostics in the shape of the Language Server Protocol's `Diagnostic`: a range of 0-based
// lines and UTF-16 characters, severity 1 (error) or 2 (warning), the code, source "bpjit",
// the message, and notes as relatedInformation (a note without a span points at the
// diagnostic itself). `bpjit check --error-format json` prints these; the language server
// publishes them.
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Diagnostic } from './diag.js';
import { Span, utf16Position } from './source.js';

export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface LspDiagnostic {
  range: LspRange;
  severity: 1 | 2;
  code?: string;
  source: 'bpjit';
  message: string;
  relatedInformation?: { location: { uri: string; range: LspRange }; message: string }[];
}

export function fileUri(p: string): string {
  return pathToFileURL(path.resolve(p)).href;
}

export function lspRange(span: Span): LspRange {
  return { start: utf16Position(span.file, span.start), end: utf16Position(span.file, Math.max(span.start, span.end)) };
}

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = { range: lspRange(d.span), severity: d.severity === 'error' ? 1 : 2, source: 'bpjit', message: d.message };
  if (d.code) out.code = d.code;
  if (d.notes?.length) {
    out.relatedInformation = d.notes.map((n) => {
      const at = n.span ?? d.span;
      return { location: { uri: fileUri(at.file.path), range: lspRange(at) }, message: `${n.kind}: ${n.message}` };
    });
  }
  return out;
}

/**
 * A problem that is not in a source (a file that cannot be read or written, a bad .bpc, a bad
 * command line) in the same shape: at the start of the file it concerns, or with no file, of the
 * current directory.
 */
export function problemParams(message: string, file?: string): { uri: string; diagnostics: LspDiagnostic[] } {
  const start = { line: 0, character: 0 };
  return { uri: fileUri(file ?? '.'), diagnostics: [{ range: { start, end: start }, severity: 1, source: 'bpjit', message }] };
}

/** Diagnostics grouped by file, as LSP's PublishDiagnosticsParams (`uri`, `diagnostics`). */
export function publishParams(diags: readonly Diagnostic[]): { uri: string; diagnostics: LspDiagnostic[] }[] {
  const byFile = new Map<string, LspDiagnostic[]>();
  for (const d of diags) {
    const uri = fileUri(d.span.file.path);
    if (!byFile.has(uri)) byFile.set(uri, []);
    byFile.get(uri)!.push(toLspDiagnostic(d));
  }
  return [...byFile].map(([uri, diagnostics]) => ({ uri, diagnostics }));
}
