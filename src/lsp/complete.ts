// Completion: after a dot, the fields and methods of the value before it (or the functions of
// a module, or the members of an enum); elsewhere every name visible at the cursor — locals in
// scope, globals, functions, types, modules, builtins with their signatures, and keywords.
// The server re-checks the buffer with a placeholder name after a bare dot, so the value
// before it has a type even while the line is incomplete.
import path from 'node:path';
import type { Expr } from '../lang/ast.js';
import { BUILTINS } from '../lang/builtins.js';
import { KEYWORDS } from '../lang/token.js';
import type { ClassInfo, ModuleInfo } from '../lang/symbols.js';
import { Type, typeName } from '../lang/types.js';
import { walkDecls } from '../lang/walk.js';
import type { Analysis } from './analysis.js';
import { builtinDoc, builtinSignature, funcSignature } from './describe.js';

export type CompletionKind = 'keyword' | 'function' | 'method' | 'field' | 'variable' | 'module' | 'struct' | 'class' | 'enum' | 'member';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  detail?: string;
  doc?: string;
}

/** Placeholder inserted after a bare dot so that `p.` parses as a field access. */
export const PLACEHOLDER = '_';

/** Where the identifier being typed starts, and whether a dot comes before it. */
export function completionContext(text: string, offset: number): { prefixStart: number; afterDot: boolean } {
  let i = offset;
  while (i > 0 && /[A-Za-z0-9_]/.test(text[i - 1])) i--;
  let j = i;
  while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
  return { prefixStart: i, afterDot: j > 0 && text[j - 1] === '.' };
}

function moduleOf(a: Analysis, file: string): ModuleInfo | null {
  return a.modules.get(path.resolve(file))?.module ?? null;
}

/** Fields and methods after a dot at byte `offset`, or null when the receiver is unknown. */
export function memberCompletions(a: Analysis, file: string, offset: number): CompletionEntry[] | null {
  const m = moduleOf(a, file);
  if (!m) return null;
  let found: Extract<Expr, { kind: 'field' | 'method' }> | null = null;
  walkDecls(m.ast.decls, {
    expr: (e) => {
      if ((e.kind === 'field' || e.kind === 'method') && e.nameSpan.start <= offset && offset <= e.nameSpan.end) found = e;
    },
  });
  if (!found) return null;
  const target = (found as Extract<Expr, { kind: 'field' | 'method' }>).target;
  if (target.kind === 'name' && !target.sym) {
    const en = m.enums.get(target.name);
    if (en) return [...en.members].map(([name, v]) => ({ label: name, kind: 'member', detail: `${en.name}.${name} = ${v}` }));
    const mod = m.imports.get(target.name);
    if (mod) return [...mod.functions.values()].filter((f) => f.exported).map((f) => ({ label: f.shortName, kind: 'function', detail: funcSignature(f, true) }));
  }
  return target.ty ? membersOf(target.ty) : null;
}

function membersOf(t: Type): CompletionEntry[] | null {
  if (t.k !== 'struct' && t.k !== 'class') return null;
  const out: CompletionEntry[] = t.info.fields.map((f) => ({ label: f.name, kind: 'field', detail: `${f.name}: ${typeName(f.type)}` }));
  const seen = new Set<string>();
  const owners = t.k === 'struct' ? [t.info] : chain(t.info);
  for (const o of owners) {
    for (const [name, fn] of o.methods) {
      if (seen.has(name) || name === '__init__') continue;
      seen.add(name);
      out.push({ label: name, kind: 'method', detail: funcSignature(fn) });
    }
  }
  return out;
}

function chain(c: ClassInfo): ClassInfo[] {
  const out: ClassInfo[] = [];
  for (let k: ClassInfo | null = c; k; k = k.base) out.push(k);
  return out;
}

/** Every name usable at byte `offset` of `file`. */
export function nameCompletions(a: Analysis, file: string, offset: number): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const m = moduleOf(a, file);
  const index = a.modules.get(path.resolve(file));
  if (m && index) {
    const locals = new Map<string, CompletionEntry>();
    for (const s of index.scopes) {
      if (s.from <= offset && offset <= s.to) locals.set(s.sym.name, { label: s.sym.name, kind: 'variable', detail: `${s.sym.name}: ${typeName(s.sym.type)}` });
    }
    out.push(...locals.values());
    for (const g of m.globals.values()) out.push({ label: g.name, kind: 'variable', detail: `let ${g.name}: ${typeName(g.type)}` });
    for (const f of m.functions.values()) out.push({ label: f.shortName, kind: 'function', detail: funcSignature(f) });
    for (const [alias, mod] of m.imports) {
      out.push({ label: alias, kind: 'module', detail: `import ${mod.name}` });
      for (const f of mod.functions.values()) if (f.exported) out.push({ label: f.shortName, kind: 'function', detail: funcSignature(f, true) });
    }
    for (const s of m.structs.values()) out.push({ label: s.name, kind: 'struct' });
    for (const c of m.classes.values()) out.push({ label: c.name, kind: 'class' });
    for (const e of m.enums.values()) out.push({ label: e.name, kind: 'enum' });
  }
  for (const name of BUILTINS.keys()) out.push({ label: name, kind: 'function', detail: builtinSignature(name), doc: builtinDoc(name) });
  for (const k of KEYWORDS) out.push({ label: k, kind: 'keyword' });
  for (const t of ['int', 'float', 'bool', 'str', 'void']) out.push({ label: t, kind: 'keyword', detail: 'type' });
  return out;
}
