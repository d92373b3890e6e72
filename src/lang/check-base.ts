// The checker's shared state and vocabulary: the program tables being built, the module and
// function being checked, scopes, type resolution, and reporting. The checker is one class
// built in layers, one file each — base → calls (check-call.ts) → expressions (check-expr.ts) →
// statements (check-stmt.ts) → declarations and passes (checker.ts) — so each layer reads only
// the ones below it, with checkExpr declared here for the calls layer to use.
import type { Expr, Param, TypeExpr } from './ast.js';
import { BUILTINS } from './builtins.js';
import { DiagBag, Note } from './diag.js';
import type { MessageArg, MessageName } from './messages.js';
import type { Span } from './source.js';
import { didYouMean } from './suggest.js';
import type { ClassInfo, FuncInfo, GlobalSym, LocalSym, ModuleInfo, StructInfo } from './symbols.js';
import {
  BOOL, ERROR, FLOAT, INT, PTR, STR, Type, VOID, arrayOf, assignable, fnOf, isKeyType, mapOf, tupleOf, typeName,
} from './types.js';

/** Per-function checking state: the scope stack and the loop depth. */
export interface FnCtx {
  fn: FuncInfo;
  scopes: Map<string, LocalSym>[];
  loops: number;
  /** Enclosing context, for lambdas (captures). */
  outer: FnCtx | null;
  /** Assignments to locals, for the capture-then-assign rule. */
  assigns: { sym: LocalSym; at: number; span: Span }[];
  captureSites: { sym: LocalSym; at: number }[];
  lambdaCount: { n: number };
}

export interface CheckerOptions {
  /** Report a program whose entry point cannot be called (default true; false for fragments). */
  requireEntry?: boolean;
}

export const FIXED_INTS = new Set(['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64']);
const SCALARS: Record<string, Type> = { int: INT, float: FLOAT, bool: BOOL, str: STR, void: VOID, ptr: PTR };

export abstract class CheckerBase {
  protected readonly modules: ModuleInfo[] = [];
  protected readonly functions: FuncInfo[] = [];
  protected readonly externs: FuncInfo[] = [];
  protected readonly globals: GlobalSym[] = [];
  protected readonly structs: StructInfo[] = [];
  protected readonly classes: ClassInfo[] = [];
  protected readonly globalInits: { sym: GlobalSym; init: Expr }[] = [];
  protected mod!: ModuleInfo;
  protected ctx: FnCtx | null = null;
  /** While checking a global initialiser: the globals visible so far. */
  protected visibleGlobals: Set<GlobalSym> | null = null;

  constructor(protected readonly diags: DiagBag, protected readonly opts: CheckerOptions) {}

  /** Types `e` (and its children) in place; `expected` guides empty literals, tuples and lambdas. */
  abstract checkExpr(e: Expr, expected?: Type): Type;

  protected err(name: MessageName, span: Span, args: readonly MessageArg[] = [], notes?: Note[]): void {
    this.diags.report(name, span, args, notes);
  }

  protected expectAssignable(e: Expr, to: Type, name: MessageName, args: () => readonly MessageArg[]): void {
    if (!assignable(e.ty!, to)) this.err(name, e.span, args());
  }

  protected qualify(m: ModuleInfo, name: string): string {
    return m === this.modules[this.modules.length - 1] || this.modules.length === 0 ? name : `${m.name}.${name}`;
  }

  // --- types ------------------------------------------------------------------------------

  resolveType(t: TypeExpr, allowFixed = false): Type {
    switch (t.kind) {
      case 'named': {
        const scalar = SCALARS[t.name];
        if (scalar) return scalar;
        if (FIXED_INTS.has(t.name)) {
          if (!allowFixed) this.err('fixed-int-outside-extern', t.span, [t.name]);
          return INT;
        }
        const s = this.mod.structs.get(t.name);
        if (s) return { k: 'struct', info: s };
        const c = this.mod.classes.get(t.name);
        if (c) return { k: 'class', info: c };
        if (this.mod.enums.has(t.name)) return INT; // bpjit: an enum name is an alias of int
        this.err('unknown-type', t.span, [t.name], didYouMean(t.name, this.typeNames(), 'type'));
        return ERROR;
      }
      case 'array': return arrayOf(this.nonVoid(t.elem));
      case 'map': {
        const k = this.nonVoid(t.key);
        if (!isKeyType(k)) this.err('bad-map-key', t.key.span, [typeName(k)]);
        return mapOf(k, this.nonVoid(t.value));
      }
      case 'tuple': return tupleOf(t.elems.map((e) => this.nonVoid(e)));
      case 'fn': return fnOf(t.params.map((p) => this.nonVoid(p)), this.resolveType(t.ret));
    }
  }

  protected nonVoid(t: TypeExpr, allowFixed = false): Type {
    if (allowFixed && t.kind === 'named' && FIXED_INTS.has(t.name)) return INT;
    const r = this.resolveType(t);
    if (r.k === 'void') { this.err('void-value-type', t.span); return ERROR; }
    return r;
  }

  protected typeNames(): string[] {
    return [...Object.keys(SCALARS), ...this.mod.structs.keys(), ...this.mod.classes.keys(), ...this.mod.enums.keys()];
  }

  // --- functions --------------------------------------------------------------------------

  protected newFunc(m: ModuleInfo, name: string, shortName: string, kind: FuncInfo['kind'], decl: FuncInfo['decl'], span: Span, exported: boolean, owner: FuncInfo['owner'], extern?: FuncInfo['extern']): FuncInfo {
    return { name, shortName, kind, module: m, params: [], paramTypes: [], ret: VOID, decl, span, exported, owner, locals: [], captures: [], extern };
  }

  protected addParams(fn: FuncInfo, params: Param[], selfType: Type | null, allowFixed = false): void {
    // A set of the names seen (not a search of the list): a function may have 100,000 parameters.
    const seen = new Set(fn.params.map((q) => q.name));
    for (const p of params) {
      const type = p.type ? this.nonVoid(p.type, allowFixed) : selfType ?? ERROR;
      const sym: LocalSym = { kind: 'local', name: p.name, type, span: p.span, fn, isParam: true, captured: false };
      if (seen.has(p.name)) this.err('duplicate-parameter', p.span, [p.name]);
      else if (this.isGlobalName(p.name)) this.err('parameter-shadows-global', p.span, [p.name]);
      seen.add(p.name);
      p.sym = sym;
      fn.params.push(sym);
      fn.paramTypes.push(type);
      fn.locals.push(sym);
    }
  }

  protected findMethod(t: Type, name: string): FuncInfo | null {
    if (t.k === 'struct') return t.info.methods.get(name) ?? null;
    if (t.k === 'class') {
      for (let c: ClassInfo | null = t.info; c; c = c.base) {
        const m = c.methods.get(name);
        if (m) return m;
      }
    }
    return null;
  }

  /** Every method name of a struct or class (inherited ones included), for suggestions. */
  protected methodNames(t: Type): string[] {
    if (t.k === 'struct') return [...t.info.methods.keys()];
    const names: string[] = [];
    if (t.k === 'class') for (let c: ClassInfo | null = t.info; c; c = c.base) names.push(...c.methods.keys());
    return names;
  }

  // --- scopes -----------------------------------------------------------------------------

  protected newCtx(fn: FuncInfo, outer: FnCtx | null): FnCtx {
    const scope = new Map<string, LocalSym>();
    for (const p of fn.params) scope.set(p.name, p);
    return { fn, scopes: [scope], loops: 0, outer, assigns: [], captureSites: [], lambdaCount: outer ? outer.lambdaCount : { n: 0 } };
  }

  protected isGlobalName(name: string): boolean {
    return this.mod.globals.has(name);
  }

  protected declareLocal(name: string, type: Type, span: Span): LocalSym {
    const ctx = this.ctx!;
    const sym: LocalSym = { kind: 'local', name, type, span, fn: ctx.fn, isParam: false, captured: false };
    if (this.lookupLocal(name, false) || this.isGlobalName(name)) this.err('duplicate-local', span, [name]);
    ctx.scopes[ctx.scopes.length - 1].set(name, sym);
    ctx.fn.locals.push(sym);
    return sym;
  }

  /** Finds a local in this function or (capturing it) in enclosing functions of a lambda. */
  protected lookupLocal(name: string, capture: boolean, at = 0): LocalSym | null {
    const chain: FnCtx[] = [];
    for (let c = this.ctx; c; c = c.outer) {
      for (let i = c.scopes.length - 1; i >= 0; i--) {
        const s = c.scopes[i].get(name);
        if (!s) continue;
        if (capture && chain.length > 0) {
          s.captured = true;
          c.captureSites.push({ sym: s, at });
          for (const inner of chain) if (!inner.fn.captures.includes(s)) inner.fn.captures.push(s);
        }
        return s;
      }
      chain.push(c);
    }
    return null;
  }

  protected withScope<T>(f: () => T): T {
    this.ctx!.scopes.push(new Map());
    try { return f(); } finally { this.ctx!.scopes.pop(); }
  }

  protected loop(f: () => void): void {
    this.ctx!.loops++;
    try { f(); } finally { this.ctx!.loops--; }
  }

  protected lookupGlobal(name: string): GlobalSym | null {
    const g = this.mod.globals.get(name);
    if (!g) return null;
    if (this.visibleGlobals && !this.visibleGlobals.has(g)) return null;
    return g;
  }

  /** A function visible by plain name: this module's, else a unique exported one of an import. */
  protected lookupFunction(name: string, span: Span): FuncInfo | null {
    const own = this.mod.functions.get(name);
    if (own) return own;
    const found: FuncInfo[] = [];
    for (const m of new Set(this.mod.imports.values())) {
      const f = m.functions.get(name);
      if (f && f.exported) found.push(f);
    }
    if (found.length > 1) this.err('ambiguous-function', span, [name, found.map((f) => f.module.name).join(', ')]);
    return found[0] ?? null;
  }

  /** Names a plain identifier could mean here: locals, globals, functions (own and imported). */
  protected visibleNames(): string[] {
    const names: string[] = [];
    for (let c = this.ctx; c; c = c.outer) for (const s of c.scopes) names.push(...s.keys());
    names.push(...this.mod.globals.keys(), ...this.mod.functions.keys());
    for (const m of this.mod.imports.values()) for (const f of m.functions.values()) if (f.exported) names.push(f.shortName);
    return names;
  }

  /** Suggestions for an unknown name: a close variable or function, else a close builtin. */
  protected nameHelp(name: string, builtins: boolean): Note[] {
    const own = didYouMean(name, this.visibleNames());
    return own.length || !builtins ? own : didYouMean(name, BUILTINS.keys(), 'builtin');
  }
}
