// What the language server says about a symbol: its signature as BetterPython source (hover,
// completion details) and where it is declared (go to definition).
import { BUILTINS, Pat } from '../lang/builtins.js';
import { Span, span } from '../lang/source.js';
import type { FuncInfo } from '../lang/symbols.js';
import { typeName } from '../lang/types.js';
import type { Target } from './xref.js';

function patText(p: Pat): string {
  switch (p.p) {
    case 'type': return typeName(p.t);
    case 'var': return p.name;
    case 'any': return 'any';
    case 'array': return `[${patText(p.elem)}]`;
    case 'map': return `{${patText(p.key)}: ${patText(p.value)}}`;
  }
}

export function builtinSignature(name: string): string {
  const b = BUILTINS.get(name)!;
  const params = b.params.map((p, i) => patText(p) + (b.variadic && i === b.params.length - 1 ? '...' : ''));
  return `${name}(${params.join(', ')}) -> ${patText(b.ret)}`;
}

export function builtinDoc(name: string): string {
  return BUILTINS.get(name)?.doc ?? '';
}

export function funcSignature(fn: FuncInfo, qualified = false): string {
  const params = fn.params.map((p) => (p.name === 'self' && fn.kind === 'method' ? 'self' : `${p.name}: ${typeName(p.type)}`)).join(', ');
  const owner = fn.owner ? `${fn.owner.name}.` : qualified ? `${fn.module.name}.` : '';
  const head = fn.kind === 'extern' ? 'extern fn' : 'def';
  const tail = fn.extern ? ` from "${fn.extern.lib}"` : '';
  return `${head} ${owner}${fn.shortName}(${params}) -> ${typeName(fn.ret)}${tail}`;
}

/** The declaration as source, and a line of prose under it. */
export function describe(t: Target, fromModule: string): { code: string; note?: string } {
  switch (t.kind) {
    case 'local': return { code: t.sym.isParam ? `${t.sym.name}: ${typeName(t.sym.type)}` : `let ${t.sym.name}: ${typeName(t.sym.type)}`, note: t.sym.isParam ? 'parameter' : 'local variable' };
    case 'global': return { code: `let ${t.sym.name}: ${typeName(t.sym.type)}`, note: `global of module ${t.sym.module.name}` };
    case 'func': return { code: funcSignature(t.fn, t.fn.module.name !== fromModule), note: t.fn.kind === 'lambda' ? 'lambda' : undefined };
    case 'field': return { code: `${t.owner.name}.${t.field.name}: ${typeName(t.field.type)}`, note: `field of ${t.owner.kind} ${t.owner.name}` };
    case 'type': {
      const info = t.info;
      const head = info.kind === 'class' ? `class ${info.name}${info.base ? `(${info.base.name})` : ''}:` : `struct ${info.name}:`;
      const fields = info.fields.map((f) => `    ${f.name}: ${typeName(f.type)}`);
      const methods = [...info.methods.values()].map((m) => `    ${funcSignature(m).replace(`${info.name}.`, '')}`);
      return { code: [head, ...fields, ...methods].join('\n') };
    }
    case 'enum': return { code: [`enum ${t.info.name}:`, ...[...t.info.members].map(([n, v]) => `    ${n} = ${v}`)].join('\n') };
    case 'member': return { code: `${t.info.name}.${t.name} = ${t.info.members.get(t.name) ?? '?'}` };
    case 'builtin': return { code: builtinSignature(t.name), note: builtinDoc(t.name) };
    case 'module': return { code: `import ${t.module.name}`, note: t.module.ast.file.path };
  }
}

/** Where a target is declared; null for builtins. */
export function declaration(t: Target): Span | null {
  switch (t.kind) {
    case 'local': case 'global': return t.sym.span;
    case 'func': return t.fn.span;
    case 'field': return t.field.span;
    case 'type': case 'enum': return t.info.span;
    case 'member': return t.span;
    case 'builtin': return null;
    case 'module': return span(t.module.ast.file, 0, 0);
  }
}
