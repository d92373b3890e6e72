// The language server's answers, computed on an Analysis with byte offsets and spans; the
// server (server.ts) converts positions and shapes to LSP's. Hover, go to definition, rename,
// document symbols and semantic tokens.
import path from 'node:path';
import type { Decl } from '../lang/ast.js';
import { DiagBag } from '../lang/diag.js';
import { Comment, lex } from '../lang/lexer.js';
import { SourceFile, Span, utf16Position } from '../lang/source.js';
import { isKeyword, type Token } from '../lang/token.js';
import { walkDecls } from '../lang/walk.js';
import type { Analysis } from './analysis.js';
import { declaration, describe } from './describe.js';
import { Ref, Target, blockEnd, targetKey } from './xref.js';

/** The reference under (or just before) the cursor. */
export function refAt(a: Analysis, file: string, offset: number): Ref | null {
  const refs = a.modules.get(path.resolve(file))?.refs ?? [];
  let best: Ref | null = null;
  for (const r of refs) {
    if (r.span.start <= offset && offset <= r.span.end) best = r;
    if (r.span.start > offset) break;
  }
  return best;
}

export function hoverAt(a: Analysis, file: string, offset: number): { span: Span; markdown: string } | null {
  const r = refAt(a, file, offset);
  if (!r) return null;
  const mod = a.modules.get(path.resolve(file))!.module.name;
  const d = describe(r.target, mod);
  return { span: r.span, markdown: '```betterpython\n' + d.code + '\n```' + (d.note ? `\n\n${d.note}` : '') };
}

export function definitionAt(a: Analysis, file: string, offset: number): Span | null {
  const r = refAt(a, file, offset);
  return r ? declaration(r.target) : null;
}

/** Every reference to `t` in the analysed program, its declaration included. */
export function referencesTo(a: Analysis, t: Target): Ref[] {
  const key = targetKey(t);
  const out: Ref[] = [];
  for (const m of a.modules.values()) for (const r of m.refs) if (targetKey(r.target) === key) out.push(r);
  return out;
}

/** What a rename at the cursor would rename, or why it cannot. */
export function renameTarget(a: Analysis, file: string, offset: number): Ref | string {
  const r = refAt(a, file, offset);
  if (!r) return 'nothing to rename here';
  const t = r.target;
  if (t.kind === 'local' || t.kind === 'global') return r;
  if (t.kind !== 'func') return 'only variables and functions can be renamed';
  if (t.fn.kind === 'extern') return 'an extern function is named after its C symbol; rename it in its declaration';
  if (t.fn.kind === 'lambda') return 'a lambda has no name';
  if (t.fn.owner?.kind === 'class') return 'class methods are not renamed (overrides share their name)';
  return r;
}

export function validName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !isKeyword(name);
}

// --- document symbols ----------------------------------------------------------------------

export type SymbolKind = 'function' | 'method' | 'struct' | 'class' | 'field' | 'enum' | 'member' | 'variable' | 'module';

export interface DocSymbol {
  name: string;
  kind: SymbolKind;
  detail?: string;
  /** The whole declaration, and its name. */
  span: Span;
  nameSpan: Span;
  children?: DocSymbol[];
}

export function documentSymbols(decls: readonly Decl[]): DocSymbol[] {
  const whole = (s: Span, end: number): Span => ({ file: s.file, start: s.start, end: Math.max(s.end, end) });
  return decls.map((d): DocSymbol => {
    switch (d.kind) {
      case 'func': return { name: d.name, kind: 'function', span: whole(d.span, blockEnd(d.body, 0)), nameSpan: d.nameSpan };
      case 'extern': return { name: d.name, kind: 'function', detail: 'extern', span: d.span, nameSpan: d.nameSpan };
      case 'struct': case 'class': return {
        name: d.name, kind: d.kind, span: d.span, nameSpan: d.nameSpan,
        children: [
          ...d.fields.map((f): DocSymbol => ({ name: f.name, kind: 'field', span: f.span, nameSpan: f.span })),
          ...d.methods.map((m): DocSymbol => ({ name: m.name, kind: 'method', span: whole(m.span, blockEnd(m.body, 0)), nameSpan: m.nameSpan })),
        ],
      };
      case 'enum': return { name: d.name, kind: 'enum', span: d.span, nameSpan: d.nameSpan, children: d.members.map((m): DocSymbol => ({ name: m.name, kind: 'member', span: m.span, nameSpan: m.span })) };
      case 'import': return { name: d.alias ?? d.module, kind: 'module', span: d.span, nameSpan: d.moduleSpan };
      case 'global': return { name: d.stmt.name, kind: 'variable', span: d.span, nameSpan: d.stmt.nameSpan };
    }
  });
}

// --- semantic tokens -----------------------------------------------------------------------

export const TOKEN_TYPES = ['namespace', 'type', 'class', 'struct', 'enum', 'enumMember', 'function', 'method', 'property', 'variable', 'parameter', 'keyword', 'string', 'number', 'comment'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
type TokenType = (typeof TOKEN_TYPES)[number];

function refType(t: Target): TokenType {
  switch (t.kind) {
    case 'local': return t.sym.isParam ? 'parameter' : 'variable';
    case 'global': return 'variable';
    case 'func': return t.fn.kind === 'method' ? 'method' : 'function';
    case 'field': return 'property';
    case 'type': return t.info.kind;
    case 'enum': return 'enum';
    case 'member': return 'enumMember';
    case 'builtin': return 'function';
    case 'module': return 'namespace';
  }
}

/**
 * The spans of the expressions interpolated into each f-string of a module, by the f-string's
 * start: their names are highlighted as names, the rest of the f-string as a string.
 */
function interpolations(a: Analysis, file: SourceFile): Map<number, Span[]> {
  const out = new Map<number, Span[]>();
  const m = a.program?.modules.find((x) => path.resolve(x.ast.file.path) === path.resolve(file.path));
  if (m?.ast.file.text !== file.text) return out;
  walkDecls(m.ast.decls, {
    expr: (e) => {
      if (e.kind === 'fstr') out.set(e.span.start, e.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.expr.span])));
    },
  });
  return out;
}

/** LSP's encoding: per token, line delta, start delta, length (UTF-16), type, modifier bits. */
export function semanticTokens(a: Analysis, file: SourceFile): number[] {
  const comments: Comment[] = [];
  const toks = lex(file, new DiagBag(1000), 0, file.text.length, false, comments);
  const refs = a.modules.get(path.resolve(file.path))?.refs ?? [];
  const byStart = new Map(refs.map((r) => [r.span.start, r]));
  const holes = interpolations(a, file);
  const items: { start: number; end: number; type: TokenType; mods: number }[] = [];
  const token = (t: Token): void => {
    if (t.kind === 'ident') {
      const r = byStart.get(t.start);
      if (!r) return;
      const mods = (r.def ? 1 : 0) | (r.target.kind === 'member' ? 2 : 0) | (r.target.kind === 'builtin' ? 4 : 0);
      items.push({ start: t.start, end: t.end, type: refType(r.target), mods });
    } else if (t.kind === 'fstr' && holes.get(t.start)?.length) {
      // The text around the interpolations is string; inside them, tokens as anywhere else.
      let at = t.start;
      for (const h of holes.get(t.start)!) {
        items.push({ start: at, end: h.start, type: 'string', mods: 0 });
        for (const inner of lex(file, new DiagBag(1000), h.start, h.end, true)) token(inner);
        at = h.end;
      }
      items.push({ start: at, end: t.end, type: 'string', mods: 0 });
    } else if (t.kind === 'str' || t.kind === 'fstr') items.push({ start: t.start, end: t.end, type: 'string', mods: 0 });
    else if (t.kind === 'int' || t.kind === 'float') items.push({ start: t.start, end: t.end, type: 'number', mods: 0 });
    else if (isKeyword(t.kind)) items.push({ start: t.start, end: t.end, type: 'keyword', mods: 0 });
  };
  for (const t of toks) token(t);
  for (const c of comments) items.push({ start: c.start, end: c.end, type: 'comment', mods: 0 });
  items.sort((x, y) => x.start - y.start);
  const data: number[] = [];
  let line = 0, char = 0;
  for (const it of items) {
    const s = utf16Position(file, it.start), e = utf16Position(file, it.end);
    if (e.line !== s.line || e.character <= s.character) continue;
    data.push(s.line - line, s.line === line ? s.character - char : s.character, e.character - s.character, TOKEN_TYPES.indexOf(it.type), it.mods);
    line = s.line;
    char = s.character;
  }
  return data;
}
