// The verifier's type system: descriptors (tdesc.ts) as the static types of registers, fields,
// globals, constants and signatures. A descriptor is checked once against the grammar and the
// module's tables (struct, class and signature indices in range); an instruction is then typed
// by comparing descriptor strings, with one subtyping rule: a class may stand for a base class.
// Native code walks values by these descriptors, so agreeing descriptors is what keeps a
// verified module from reading an int as a pointer.
import type { Pat } from '../lang/builtins.js';
import { BOOL, FLOAT, INT, PTR, STR, Type, arrayOf, mapOf } from '../lang/types.js';
import type { BytecodeModule } from './module.js';
import { splitDescs } from './tdesc.js';

/** Nesting deeper than this is rejected (the runtime walks descriptors recursively). */
const MAX_DESC_DEPTH = 1000;
const SCALAR_PAT: Record<string, string> = { int: 'i', float: 'f', bool: 'b', str: 's', void: 'v', ptr: 'p' };

export interface Signature {
  params: string[];
  ret: string;
}

export class TypeEnv {
  private readonly known = new Map<string, boolean>();
  /** Signature constants: their parsed form, 'busy' while being checked (a cycle is invalid). */
  private readonly sigs = new Map<number, Signature | null | 'busy'>();
  /** Ancestors of each class (itself first); empty when its base chain is broken. */
  readonly ancestors: Set<number>[];

  constructor(private readonly mod: BytecodeModule) {
    this.ancestors = mod.classes.map((_, i) => {
      const seen = new Set<number>();
      for (let c = i; c !== -1; c = mod.classes[c].base) {
        if (seen.has(c) || c < -1 || c >= mod.classes.length) return new Set<number>();
        seen.add(c);
      }
      return seen;
    });
  }

  /** Whether `d` is a valid descriptor of a value ('v' only where `voidOk`). */
  valid(d: string, voidOk = false): boolean {
    if (d === 'v') return voidOk;
    let ok = this.known.get(d);
    if (ok === undefined) {
      ok = this.parse(d, 0, 0) === d.length;
      this.known.set(d, ok);
    }
    return ok;
  }

  /** Parses one descriptor at s[i]; returns the index after it, or -1. */
  private parse(s: string, i: number, depth: number): number {
    if (depth > MAX_DESC_DEPTH) return -1;
    const c = s[i];
    if (c === 'i' || c === 'f' || c === 'b' || c === 's' || c === 'p') return i + 1;
    if (c === 'S' || c === 'C' || c === 'F') {
      const m = /^\d{1,9};/.exec(s.slice(i + 1, i + 12));
      if (!m) return -1;
      const n = Number(m[0].slice(0, -1));
      const limit = c === 'S' ? this.mod.structs.length : c === 'C' ? this.mod.classes.length : this.mod.consts.length;
      if (n >= limit || (c === 'F' && !this.signature(n, depth + 1))) return -1;
      return i + 1 + m[0].length;
    }
    if (c === '[') {
      const e = this.parse(s, i + 1, depth + 1);
      return e > 0 && s[e] === ']' ? e + 1 : -1;
    }
    if (c === '{') {
      if (!'ifbs'.includes(s[i + 1] ?? '') || s[i + 2] !== ':') return -1;
      const e = this.parse(s, i + 3, depth + 1);
      return e > 0 && s[e] === '}' ? e + 1 : -1;
    }
    if (c === '(') {
      if (s[i + 1] === ')') return i + 2; // the empty tuple, ()
      let e = i;
      do {
        e = this.parse(s, e + 1, depth + 1);
        if (e < 0) return -1;
      } while (s[e] === ',');
      return s[e] === ')' ? e + 1 : -1;
    }
    return -1;
  }

  /** The signature held by type constant k ("A,B->R"), or null when it is not one. */
  signature(k: number, depth = 0): Signature | null {
    const known = this.sigs.get(k);
    if (known === 'busy') return null;
    if (known !== undefined) return known;
    const c = this.mod.consts[k];
    if (!c || c.tag !== 'type') return null;
    this.sigs.set(k, 'busy');
    const sig = this.parseSignature(c.value, depth);
    this.sigs.set(k, sig);
    return sig;
  }

  parseSignature(text: string, depth = 0): Signature | null {
    const at = text.indexOf('->');
    if (at < 0 || text.indexOf('->', at + 1) >= 0) return null;
    const params = at === 0 ? [] : splitDescs(text.slice(0, at));
    const ret = text.slice(at + 2);
    const ok = (d: string, voidOk: boolean) => (d === 'v' ? voidOk : this.parse(d, 0, depth) === d.length);
    return params.every((p) => ok(p, false)) && ok(ret, true) ? { params, ret } : null;
  }

  /** The signature of a function descriptor F<k>; (null for anything else). */
  fnSig(d: string): Signature | null {
    return d[0] === 'F' ? this.signature(Number(d.slice(1, -1))) : null;
  }

  /** Index of the class named by C<n>; (-1 for anything else). */
  classOf(d: string): number {
    return d[0] === 'C' ? Number(d.slice(1, -1)) : -1;
  }

  /** Whether a value of type `from` may be stored where `to` is expected. */
  assignable(from: string, to: string): boolean {
    if (from === to) return true;
    const a = this.classOf(from), b = this.classOf(to);
    return a >= 0 && b >= 0 && this.ancestors[a].has(b);
  }

  /** Field types of the struct or class a descriptor names (null for other types). */
  fields(d: string): string[] | null {
    const n = Number(d.slice(1, -1));
    if (d[0] === 'S') return this.mod.structs[n].fields.map((f) => f.type);
    if (d[0] === 'C') return this.mod.classes[n].fields.map((f) => f.type);
    return null;
  }

  /** A builtin argument pattern against a descriptor, binding T/K/V as the checker does. */
  match(p: Pat, d: string, env: Map<string, string>): boolean {
    if (d === 'v') return false;
    switch (p.p) {
      case 'any': return true;
      case 'type': return this.assignable(d, patDesc(p, env)!);
      case 'var': {
        const bound = env.get(p.name);
        if (bound !== undefined) return this.assignable(d, bound);
        env.set(p.name, d);
        return true;
      }
      case 'array': return d[0] === '[' && this.match(p.elem, d.slice(1, -1), env);
      case 'map': return d[0] === '{' && this.match(p.key, d[1], env) && this.match(p.value, d.slice(3, -1), env);
    }
  }
}

/** The descriptor a pattern stands for once its variables are bound (null while unbound). */
export function patDesc(p: Pat, env: Map<string, string>): string | null {
  switch (p.p) {
    case 'type': return SCALAR_PAT[p.t.k] ?? null;
    case 'any': return null;
    case 'var': return env.get(p.name) ?? null;
    case 'array': { const e = patDesc(p.elem, env); return e === null ? null : `[${e}]`; }
    case 'map': {
      const k = patDesc(p.key, env), v = patDesc(p.value, env);
      return k === null || v === null ? null : `{${k}:${v}}`;
    }
  }
}

/** Kind name of a descriptor as the format-spec parser knows it. */
export function specKind(d: string): string {
  return d === 'i' ? 'int' : d === 'f' ? 'float' : d === 'b' ? 'bool' : 'str';
}

/** The shape of a descriptor as a Type, for the builtins' extra rules (named types become ptr). */
export function ruleType(d: string): Type {
  const scalars: Record<string, Type> = { i: INT, f: FLOAT, b: BOOL, s: STR };
  if (d[0] === '[') return arrayOf(ruleType(d.slice(1, -1)));
  if (d[0] === '{') return mapOf(ruleType(d[1]), ruleType(d.slice(3, -1)));
  return scalars[d] ?? PTR;
}
