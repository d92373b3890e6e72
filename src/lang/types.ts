// The type model. Scalars are singletons; composite types are structural except structs and
// classes, which are nominal (compared by their declaration). `error` is the poison type a
// failed expression gets so that one mistake does not cascade into more diagnostics.
import type { ClassInfo, StructInfo } from './symbols.js';

export type Type =
  | { readonly k: 'int' }
  | { readonly k: 'float' }
  | { readonly k: 'bool' }
  | { readonly k: 'str' }
  | { readonly k: 'void' }
  | { readonly k: 'ptr' }
  | { readonly k: 'error' }
  | { readonly k: 'array'; readonly elem: Type }
  | { readonly k: 'map'; readonly key: Type; readonly value: Type }
  | { readonly k: 'tuple'; readonly elems: readonly Type[] }
  | { readonly k: 'fn'; readonly params: readonly Type[]; readonly ret: Type }
  | { readonly k: 'struct'; readonly info: StructInfo }
  | { readonly k: 'class'; readonly info: ClassInfo };

export const INT: Type = { k: 'int' };
export const FLOAT: Type = { k: 'float' };
export const BOOL: Type = { k: 'bool' };
export const STR: Type = { k: 'str' };
export const VOID: Type = { k: 'void' };
export const PTR: Type = { k: 'ptr' };
export const ERROR: Type = { k: 'error' };

export const arrayOf = (elem: Type): Type => ({ k: 'array', elem });
export const mapOf = (key: Type, value: Type): Type => ({ k: 'map', key, value });
export const fnOf = (params: readonly Type[], ret: Type): Type => ({ k: 'fn', params, ret });
export const tupleOf = (elems: readonly Type[]): Type => ({ k: 'tuple', elems });

export function typeEq(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'array': return typeEq(a.elem, (b as typeof a).elem);
    case 'map': return typeEq(a.key, (b as typeof a).key) && typeEq(a.value, (b as typeof a).value);
    case 'tuple': {
      const bb = b as typeof a;
      return a.elems.length === bb.elems.length && a.elems.every((t, i) => typeEq(t, bb.elems[i]));
    }
    case 'fn': {
      const bb = b as typeof a;
      return a.params.length === bb.params.length && a.params.every((t, i) => typeEq(t, bb.params[i])) && typeEq(a.ret, bb.ret);
    }
    case 'struct': return a.info === (b as typeof a).info;
    case 'class': return a.info === (b as typeof a).info;
    default: return true;
  }
}

/** Whether a value of type `from` may be stored where `to` is expected (class upcasts). */
export function assignable(from: Type, to: Type): boolean {
  if (from.k === 'error' || to.k === 'error') return true;
  if (from.k === 'class' && to.k === 'class') {
    for (let c: ClassInfo | null = from.info; c; c = c.base) if (c === to.info) return true;
    return false;
  }
  return typeEq(from, to);
}

export function typeName(t: Type): string {
  switch (t.k) {
    case 'array': return `[${typeName(t.elem)}]`;
    case 'map': return `{${typeName(t.key)}: ${typeName(t.value)}}`;
    case 'tuple': return `(${t.elems.map(typeName).join(', ')}${t.elems.length === 1 ? ',' : ''})`;
    case 'fn': return `fn(${t.params.map(typeName).join(', ')}) -> ${typeName(t.ret)}`;
    case 'struct': case 'class': return t.info.name;
    case 'error': return '<error>';
    default: return t.k;
  }
}

/** Types usable as map keys (hashable by value). */
export const isKeyType = (t: Type): boolean => t.k === 'int' || t.k === 'float' || t.k === 'bool' || t.k === 'str' || t.k === 'error';
