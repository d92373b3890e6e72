// The checker's calls layer: plain calls (builtins, functions, externs, function values),
// method calls (struct and class methods, module functions, closures in fields), `new` and
// `super`. Builtin signatures are patterns whose type variables bind to argument types.
import type { Expr, ExprOf } from './ast.js';
import { BUILTINS, instantiate, patName, Pat } from './builtins.js';
import { CheckerBase } from './check-base.js';
import type { Note } from './diag.js';
import type { Span } from './source.js';
import { closest, didYouMean } from './suggest.js';
import type { ClassInfo, Sym } from './symbols.js';
import { ERROR, Type, assignable, typeName } from './types.js';

/** A builtin named after what it takes, for `len(xs)` of an array and `xs.len()`-style calls. */
const FAMILY: Partial<Record<Type['k'], string>> = { str: 'str', array: 'array', map: 'map' };
const ALTERNATIVES: Record<string, Partial<Record<Type['k'], string>>> = {
  len: { array: 'array_len', map: 'map_len' },
};

export abstract class CallChecker extends CheckerBase {
  protected checkArgs(args: Expr[], params: Type[], what: string, span: Span): void {
    if (args.length !== params.length) {
      this.err('arg-count', span, [what, `${params.length} arg${params.length === 1 ? '' : 's'}`, args.length]);
      for (const a of args) this.checkExpr(a);
      return;
    }
    args.forEach((a, i) => {
      this.checkExpr(a, params[i]);
      this.expectAssignable(a, params[i], 'arg-type', () => [what, i + 1, typeName(params[i]), typeName(a.ty!)]);
    });
  }

  protected callType(e: ExprOf<'call'>): Type {
    const c = e.callee;
    if (c.kind === 'name') {
      const b = BUILTINS.get(c.name);
      if (b) {
        e.target = { kind: 'builtin', name: b.name };
        if (b.unsupported) this.err('builtin-unsupported', c.span, [b.name, b.unsupported]);
        return this.builtinCall(e, b.name);
      }
      const local = this.lookupLocal(c.name, true, c.span.start);
      const fn = local ? null : this.mod.functions.get(c.name) ?? this.lookupFunction(c.name, c.span);
      if (fn) {
        e.target = fn.kind === 'extern' ? { kind: 'extern', fn } : { kind: 'func', fn };
        this.checkArgs(e.args, fn.paramTypes, `function '${fn.shortName}'`, e.span);
        return fn.ret;
      }
      const sym: Sym | null = local ?? this.lookupGlobal(c.name);
      if (!sym) {
        this.err('unknown-function', c.span, [c.name], this.nameHelp(c.name, true));
        for (const a of e.args) this.checkExpr(a);
        return ERROR;
      }
      c.sym = sym;
      c.ty = sym.type;
    } else this.checkExpr(c);
    const ft = c.ty!;
    e.target = { kind: 'value' };
    if (ft.k === 'error') { for (const a of e.args) this.checkExpr(a); return ERROR; }
    if (ft.k !== 'fn') {
      this.err('not-callable', c.span, [typeName(ft)]);
      for (const a of e.args) this.checkExpr(a);
      return ERROR;
    }
    this.checkArgs(e.args, [...ft.params], c.kind === 'name' ? `'${c.name}'` : 'function value', e.span);
    return ft.ret;
  }

  private builtinCall(e: ExprOf<'call'>, name: string): Type {
    const b = BUILTINS.get(name)!;
    const env = new Map<string, Type>();
    if (!b.variadic && e.args.length !== b.params.length) {
      this.err('arg-count', e.span, [name, `${b.params.length} arg${b.params.length === 1 ? '' : 's'}`, e.args.length]);
      for (const a of e.args) this.checkExpr(a);
      return instantiate(b.ret, env) ?? ERROR;
    }
    const types: Type[] = [];
    e.args.forEach((a, i) => {
      const pat = b.params[Math.min(i, b.params.length - 1)];
      const t = this.checkExpr(a, instantiate(pat, env) ?? undefined);
      types.push(t);
      if (t.k === 'void') this.err('void-argument', a.span, [name, i + 1]);
      else if (!this.matchPat(pat, t, env)) {
        // Name what is expected concretely once the type variables are bound (`expected int`).
        const want = instantiate(pat, env);
        this.err('arg-type', a.span, [name, i + 1, want ? typeName(want) : patName(pat), typeName(t)], this.builtinFor(name, t, i));
      }
    });
    const broken = b.rule?.(types);
    if (broken) this.err(broken, e.span);
    return instantiate(b.ret, env) ?? ERROR;
  }

  /** For `len(xs)` of an array: the builtin that takes one (`array_len`). */
  private builtinFor(name: string, t: Type, arg: number): Note[] {
    const alt = arg === 0 ? ALTERNATIVES[name]?.[t.k] : undefined;
    return alt ? [{ kind: 'help', message: `for ${t.k === 'array' ? 'an array' : 'a map'}, use '${alt}'` }] : [];
  }

  private matchPat(p: Pat, t: Type, env: Map<string, Type>): boolean {
    if (t.k === 'error') return true;
    switch (p.p) {
      case 'any': return true;
      case 'type': return assignable(t, p.t);
      case 'var': {
        const bound = env.get(p.name);
        if (bound) return assignable(t, bound);
        env.set(p.name, t);
        return true;
      }
      case 'array': return t.k === 'array' && this.matchPat(p.elem, t.elem, env);
      case 'map': return t.k === 'map' && this.matchPat(p.key, t.key, env) && this.matchPat(p.value, t.value, env);
    }
  }

  protected methodType(e: ExprOf<'method'>): Type {
    const tgt = e.target;
    if (tgt.kind === 'name' && !this.lookupLocal(tgt.name, false) && !this.lookupGlobal(tgt.name) && this.mod.imports.has(tgt.name)) {
      const m = this.mod.imports.get(tgt.name)!;
      const fn = m.functions.get(e.name);
      if (!fn) {
        this.err('no-module-function', e.nameSpan, [tgt.name, e.name], didYouMean(e.name, [...m.functions.values()].filter((f) => f.exported).map((f) => f.shortName), 'function'));
        return this.skipArgs(e.args);
      }
      if (!fn.exported) this.err('not-exported', e.nameSpan, [e.name, m.name]);
      e.resolved = { kind: 'module', fn };
      this.checkArgs(e.args, fn.paramTypes, `function '${m.name}.${e.name}'`, e.span);
      return fn.ret;
    }
    const t = this.checkExpr(tgt);
    if (t.k === 'error') return this.skipArgs(e.args);
    if (t.k === 'struct' || t.k === 'class') {
      const m = this.findMethod(t, e.name);
      if (m) {
        if (e.name === '__init__') this.err('init-called', e.nameSpan);
        e.resolved = { kind: 'method', fn: m, virtual: t.k === 'class' };
        this.checkArgs(e.args, m.paramTypes.slice(1), `method '${e.name}'`, e.span);
        return m.ret;
      }
      const f = t.info.fields.find((x) => x.name === e.name);
      if (f && f.type.k === 'fn') {
        e.resolved = { kind: 'fieldcall' };
        this.checkArgs(e.args, [...f.type.params], `field '${e.name}'`, e.span);
        return f.type.ret;
      }
      this.err('no-method', e.nameSpan, [t.k, t.info.name, e.name], didYouMean(e.name, this.methodNames(t), 'method'));
    } else {
      const hint = BUILTINS.has(e.name) ? ` (call the builtin as ${e.name}(value, ...))` : '';
      this.err('method-of-non-object', e.nameSpan, [e.name, typeName(t), hint], hint ? [] : this.methodBuiltin(e.name, t));
    }
    return this.skipArgs(e.args);
  }

  /** `s.upper()` on a str: the builtin `str_upper(s)`, or the closest of its family. */
  private methodBuiltin(name: string, t: Type): Note[] {
    const family = FAMILY[t.k];
    if (!family) return [];
    const want = `${family}_${name}`;
    const pick = BUILTINS.has(want) ? want : closest(want, [...BUILTINS.keys()].filter((b) => b.startsWith(family + '_')));
    return pick ? [{ kind: 'help', message: `operations on ${typeName(t)} values are builtins: call '${pick}(value, ...)'` }] : [];
  }

  protected skipArgs(args: Expr[]): Type {
    for (const a of args) this.checkExpr(a);
    return ERROR;
  }

  protected newExpr(e: ExprOf<'new'>): Type {
    const c = this.mod.classes.get(e.cls);
    if (!c) {
      if (this.mod.structs.has(e.cls)) this.err('new-of-struct', e.clsSpan, [e.cls]);
      else this.err('unknown-class', e.clsSpan, [e.cls], didYouMean(e.cls, this.mod.classes.keys(), 'class'));
      return this.skipArgs(e.args);
    }
    e.info = c;
    const slot = c.slots.get('__init__');
    if (slot === undefined) {
      if (e.args.length > 0) this.err('new-without-init', e.span, [c.name]);
      for (const a of e.args) this.checkExpr(a);
    } else {
      const init = c.vtable[slot];
      this.checkArgs(e.args, init.paramTypes.slice(1), `${c.name}.__init__`, e.span);
    }
    return { k: 'class', info: c };
  }

  protected superCall(e: ExprOf<'super'>): Type {
    const fn = this.ctx?.fn;
    let owner: ClassInfo | null = null;
    for (let c = this.ctx; c; c = c.outer) if (c.fn.owner?.kind === 'class') { owner = c.fn.owner; break; }
    if (!fn || !owner) {
      this.err('super-outside-class', e.span);
      return this.skipArgs(e.args);
    }
    if (!owner.base) {
      this.err('super-without-base', e.span, [owner.name]);
      return this.skipArgs(e.args);
    }
    const baseType: Type = { k: 'class', info: owner.base };
    const m = this.findMethod(baseType, e.method);
    if (!m) {
      this.err('super-no-method', e.nameSpan, [owner.base.name, e.method], didYouMean(e.method, this.methodNames(baseType), 'method'));
      return this.skipArgs(e.args);
    }
    e.fn = m;
    e.selfSym = this.lookupLocal('self', true, e.span.start) ?? undefined;
    this.checkArgs(e.args, m.paramTypes.slice(1), `method '${e.method}'`, e.span);
    return m.ret;
  }
}
