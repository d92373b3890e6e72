// Front-end helpers for tests: lex, parse and check source text held in memory.
import { DiagBag, TooManyErrors } from '../../src/lang/diag.js';
import { checkProgram } from '../../src/lang/program.js';
import { lex } from '../../src/lang/lexer.js';
import { parseModule } from '../../src/lang/parser.js';
import { SourceFile, lineCol, sourceFromText } from '../../src/lang/source.js';
import type { CheckedProgram } from '../../src/lang/symbols.js';
import { dumpDecl, dumpTokens } from '../../src/lang/dump.js';

export function tokens(text: string): { dump: string; errors: string[] } {
  const diags = new DiagBag();
  const toks = lex(sourceFromText('t.bp', text), diags);
  return { dump: dumpTokens(toks), errors: diags.items.map(fmt) };
}

export function ast(text: string): { dump: string; errors: string[] } {
  const diags = new DiagBag();
  const m = parseModule(sourceFromText('t.bp', text), 't', diags);
  return { dump: m.decls.map(dumpDecl).join(''), errors: diags.items.map(fmt) };
}

/** Checks `files` (name → text; the entry is the first); returns "line:col: message" per error and warning. */
export function check(files: Record<string, string> | string): { errors: string[]; warnings: string[]; program: CheckedProgram | null } {
  const fs = typeof files === 'string' ? { 'main.bp': files } : files;
  const sources = new Map(Object.entries(fs).map(([n, t]) => [n, sourceFromText(n, t)]));
  const diags = new DiagBag(100);
  let program: CheckedProgram | null = null;
  try {
    program = checkProgram(Object.keys(fs)[0], diags, {
      requireEntry: false,
      host: { read: (p: string) => sources.get(p.replace(/^\.\//, '')) ?? null },
    });
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
  }
  const of = (severity: string) => diags.sorted().filter((d) => d.severity === severity).map(fmt);
  return { errors: of('error'), warnings: of('warning'), program: diags.hasErrors ? null : program };
}

function fmt(d: { span: { file: SourceFile; start: number }; message: string }): string {
  const { line, col } = lineCol(d.span.file, d.span.start);
  return `${line}:${col}: ${d.message}`;
}
