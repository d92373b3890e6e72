// Type descriptors: compact strings for static types, stored in the constant pool and in
// register/field tables, because the VM needs a value's static type at a few places (a float
// 2.0 and an int 2 are the same JS number; printing must tell them apart) and native layouts
// need field kinds.
//   i int  f float  b bool  s str  v void  p ptr  [T] array  {K:V} map  (T,U) tuple
//   S<n>; struct n  C<n>; class n  F<k>; function whose signature is type constant k, "A,B->R"
// (the signature makes calls of function values checkable: see verify.ts).
import type { Type } from '../lang/types.js';
import type { ClassInfo, StructInfo } from '../lang/symbols.js';
import { Kind } from './opcodes.js';

export interface DescContext {
  structIndex(s: StructInfo): number;
  classIndex(c: ClassInfo): number;
  /** Index of the type constant holding a signature "A,B->R". */
  signature(text: string): number;
}

export function descOf(t: Type, ctx: DescContext): string {
  switch (t.k) {
    case 'int': return 'i';
    case 'float': return 'f';
    case 'bool': return 'b';
    case 'str': return 's';
    case 'void': return 'v';
    case 'ptr': return 'p';
    case 'error': return 'v';
    case 'fn': return `F${ctx.signature(`${t.params.map((p) => descOf(p, ctx)).join(',')}->${descOf(t.ret, ctx)}`)};`;
    case 'array': return `[${descOf(t.elem, ctx)}]`;
    case 'map': return `{${descOf(t.key, ctx)}:${descOf(t.value, ctx)}}`;
    case 'tuple': return `(${t.elems.map((e) => descOf(e, ctx)).join(',')})`;
    case 'struct': return `S${ctx.structIndex(t.info)};`;
    case 'class': return `C${ctx.classIndex(t.info)};`;
  }
}

export function kindOf(d: string): Kind {
  return d === 'i' ? Kind.Int : d === 'f' ? Kind.Float : d === 'b' ? Kind.Bool : Kind.Ref;
}

/** Splits a descriptor list "a,b,c" at top level (nested brackets stay together). */
export function splitDescs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') depth--;
    else if (c === ',' && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
  }
  if (s.length > 0) out.push(s.slice(start));
  return out;
}

/** Element descriptor of an array descriptor `[T]`. */
export const elemDesc = (d: string): string => d.slice(1, -1);

/** Key and value descriptors of a map descriptor `{K:V}` (K is always a scalar or s). */
export function mapDescs(d: string): [string, string] {
  return [d[1], d.slice(3, -1)];
}

/** Element descriptors of a tuple descriptor. */
export const tupleDescs = (d: string): string[] => splitDescs(d.slice(1, -1));
