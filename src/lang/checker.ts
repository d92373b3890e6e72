// Type checker: parsed modules → CheckedProgram (the typed AST plus program tables). Works in
// passes — declare every type name, resolve layouts and signatures, check global initialisers,
// then bodies — so declarations may appear in any order. Each failed expression gets the
// poison type `error`, which every rule accepts silently, so one mistake gives one message.
// The rules are the reference's (spec §3) with bpjit's section-8 changes: classes, closures,
// tuples, empty literals typed by context, structural `==`, and a missing-return error.
import path from 'node:path';
import fs from 'node:fs';
import type { Block, Decl, Expr, ExprOf, FuncDecl, Module, Param, Stmt, TypeExpr } from './ast.js';
import { BUILTINS, instantiate, patName, Pat } from './builtins.js';
import { DiagBag } from './diag.js';
import { parseModule } from './parser.js';
import { SourceFile, Span, lineOf, readSource } from './source.js';
import type { CheckedProgram, ClassInfo, EnumInfo, FieldInfo, FuncInfo, GlobalSym, LocalSym, ModuleInfo, StructInfo, Sym } from './symbols.js';
import { parseFormatSpec } from './format-spec.js';
import {
  BOOL, ERROR, FLOAT, INT, PTR, STR, Type, VOID, arrayOf, assignable, fnOf, isKeyType, mapOf, tupleOf, typeEq, typeName,
} from './types.js';

/** Per-function checking state: the scope stack and the loop depth. */
interface FnCtx {
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

export interface CheckOptions {
  /** Reads a module's source; defaults to the file system. */
  readFile?: (path: string) => SourceFile;
  /** Extra module search directories (BETTERPYTHON_PATH). */
  searchPath?: string[];
  /** Report a program whose entry point cannot be called (default true; false for fragments). */
  requireEntry?: boolean;
}

const FIXED_INTS = new Set(['i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64']);

export function checkProgram(entryPath: string, diags: DiagBag, opts: CheckOptions = {}): CheckedProgram {
  return new Checker(diags, opts).run(entryPath);
}

class Checker {
  private readonly modules: ModuleInfo[] = [];
  private readonly byPath = new Map<string, ModuleInfo | 'loading'>();
  private readonly functions: FuncInfo[] = [];
  private readonly externs: FuncInfo[] = [];
  private readonly globals: GlobalSym[] = [];
  private readonly structs: StructInfo[] = [];
  private readonly classes: ClassInfo[] = [];
  private readonly globalInits: { sym: GlobalSym; init: Expr }[] = [];
  private entryDir = '.';
  private mod!: ModuleInfo;
  private ctx: FnCtx | null = null;
  /** While checking a global initialiser: the globals visible so far. */
  private visibleGlobals: Set<GlobalSym> | null = null;

  constructor(private readonly diags: DiagBag, private readonly opts: CheckOptions) {}

  private err(span: Span, msg: string): void {
    this.diags.error(span, msg);
  }

  run(entryPath: string): CheckedProgram {
    this.entryDir = path.dirname(entryPath);
    const entry = this.load(entryPath, null);
    // Type errors after a syntax error are mostly cascades of the broken declaration.
    if (this.diags.hasErrors) return this.result(null);
    for (const m of this.modules) this.declareTypes(m);
    for (const m of this.modules) this.resolveLayouts(m);
    for (const m of this.modules) this.declareFunctions(m);
    for (const c of this.classes) this.buildVtable(c, new Set());
    for (const m of this.modules) this.checkGlobals(m);
    for (const m of this.modules) this.checkBodies(m);
    let main: FuncInfo | null = null;
    if (entry) {
      main = entry.functions.get('main') ?? null;
      if (main && main.params.length > 0) this.err(main.span, `'main' must not take parameters (use argv() for arguments)`);
      if (!main) {
        // As in the reference, a file without main starts at its first function.
        const first = entry.ast.decls.find((d): d is FuncDecl => d.kind === 'func');
        const f = first ? entry.functions.get(first.name) ?? null : null;
        if (f && f.params.length > 0 && this.opts.requireEntry !== false) this.err(f.span, `no 'main' function, and the first function '${f.name}', which would be the entry point, takes parameters`);
        main = f && f.params.length === 0 ? f : null;
      }
    }
    return this.result(main);
  }

  private result(main: FuncInfo | null): CheckedProgram {
    return {
      modules: this.modules, functions: this.functions, externs: this.externs, globals: this.globals,
      structs: this.structs, classes: this.classes, entry: main, globalInits: this.globalInits,
    };
  }

  // --- modules ----------------------------------------------------------------------------

  /** Loads and parses a module and (first) its imports; modules end up in dependency order. */
  private load(file: string, from: { span: Span } | null): ModuleInfo | null {
    const key = path.resolve(file);
    const known = this.byPath.get(key);
    if (known === 'loading') {
      if (from) this.err(from.span, `circular import of module '${path.basename(file, '.bp')}'`);
      return null;
    }
    if (known) return known;
    let src: SourceFile;
    try {
      src = (this.opts.readFile ?? readSource)(file);
    } catch {
      if (from) this.err(from.span, `cannot find module '${path.basename(file, '.bp')}'`);
      else throw new Error(`cannot open ${file}`);
      return null;
    }
    this.byPath.set(key, 'loading');
    const name = path.basename(file, '.bp');
    const ast = parseModule(src, name, this.diags);
    const info: ModuleInfo = {
      name, ast, functions: new Map(), structs: new Map(), classes: new Map(), enums: new Map(), globals: new Map(), imports: new Map(),
    };
    for (const d of ast.decls) {
      if (d.kind !== 'import') continue;
      const found = this.findModule(d.module, path.dirname(file));
      if (!found) {
        this.err(d.moduleSpan, `cannot find module '${d.module}'`);
        continue;
      }
      const m = this.load(found, { span: d.moduleSpan });
      if (m) {
        const alias = d.alias ?? d.module;
        if (info.imports.has(alias)) this.err(d.moduleSpan, `duplicate import of '${alias}'`);
        info.imports.set(alias, m);
      }
    }
    this.byPath.set(key, info);
    this.modules.push(info);
    return info;
  }

  private findModule(name: string, fromDir: string): string | null {
    const envPath = (process.env.BETTERPYTHON_PATH ?? '').split(':').filter(Boolean);
    const dirs = [fromDir, this.entryDir, ...(this.opts.searchPath ?? []), ...envPath];
    for (const d of dirs) {
      const p = path.join(d, `${name}.bp`);
      if (this.opts.readFile) {
        try { this.opts.readFile(p); return p; } catch { continue; }
      }
      if (fs.existsSync(p)) return p;
    }
    return null;
  }

  private qualify(m: ModuleInfo, name: string): string {
    return m === this.modules[this.modules.length - 1] || this.modules.length === 0 ? name : `${m.name}.${name}`;
  }

  // --- declarations -----------------------------------------------------------------------

  private declareTypes(m: ModuleInfo): void {
    const taken = new Map<string, Span>();
    const claim = (name: string, span: Span) => {
      if (taken.has(name)) { this.err(span, `duplicate type name '${name}'`); return false; }
      taken.set(name, span);
      return true;
    };
    for (const d of m.ast.decls) {
      if (d.kind === 'struct' && claim(d.name, d.nameSpan)) {
        const s: StructInfo = { kind: 'struct', name: d.name, module: m, span: d.nameSpan, fields: [], methods: new Map() };
        m.structs.set(d.name, s);
        this.structs.push(s);
      } else if (d.kind === 'class' && claim(d.name, d.nameSpan)) {
        const c: ClassInfo = { kind: 'class', name: d.name, module: m, span: d.nameSpan, base: null, fields: [], methods: new Map(), vtable: [], slots: new Map(), id: this.classes.length };
        m.classes.set(d.name, c);
        this.classes.push(c);
      } else if (d.kind === 'enum' && claim(d.name, d.nameSpan)) {
        const members = new Map<string, bigint>();
        let next = 0n;
        for (const mem of d.members) {
          if (members.has(mem.name)) this.err(mem.span, `duplicate enum member '${mem.name}'`);
          const v = mem.value ?? next;
          members.set(mem.name, v);
          next = BigInt.asIntN(64, v + 1n);
        }
        m.enums.set(d.name, { name: d.name, members, span: d.nameSpan });
      }
    }
  }

  private resolveLayouts(m: ModuleInfo): void {
    this.mod = m;
    for (const d of m.ast.decls) {
      if (d.kind === 'class' && d.base) {
        const c = m.classes.get(d.name)!;
        const b = m.classes.get(d.base);
        if (!b) this.err(d.baseSpan!, m.structs.has(d.base) ? `'${d.base}' is a struct; classes can only extend classes` : `unknown base class '${d.base}'`);
        else c.base = b;
      }
    }
    for (const c of m.classes.values()) {
      const seen = new Set<ClassInfo>();
      for (let k: ClassInfo | null = c; k; k = k.base) {
        if (seen.has(k)) { this.err(c.span, `class '${c.name}' inherits from itself`); c.base = null; break; }
        seen.add(k);
      }
    }
    for (const d of m.ast.decls) {
      if (d.kind === 'struct') m.structs.get(d.name)!.fields = this.fieldList(d.fields, []);
    }
    const done = new Set<ClassInfo>();
    const layout = (c: ClassInfo) => {
      if (done.has(c)) return;
      done.add(c);
      if (c.base) layout(c.base);
      const d = m.ast.decls.find((x) => x.kind === 'class' && x.name === c.name) as Extract<Decl, { kind: 'class' }>;
      c.fields = this.fieldList(d.fields, c.base ? c.base.fields : []);
    };
    for (const c of m.classes.values()) layout(c);
  }

  private fieldList(decls: { name: string; span: Span; type: TypeExpr }[], inherited: FieldInfo[]): FieldInfo[] {
    const fields = [...inherited];
    for (const f of decls) {
      if (fields.some((x) => x.name === f.name)) this.err(f.span, `duplicate field '${f.name}'`);
      else fields.push({ name: f.name, type: this.resolveType(f.type), span: f.span });
    }
    return fields;
  }

  resolveType(t: TypeExpr, allowFixed = false): Type {
    switch (t.kind) {
      case 'named': {
        switch (t.name) {
          case 'int': return INT;
          case 'float': return FLOAT;
          case 'bool': return BOOL;
          case 'str': return STR;
          case 'void': return VOID;
          case 'ptr': return PTR;
        }
        if (FIXED_INTS.has(t.name)) {
          if (!allowFixed) this.err(t.span, `type '${t.name}' is only allowed in extern declarations`);
          return INT;
        }
        const s = this.mod.structs.get(t.name);
        if (s) return { k: 'struct', info: s };
        const c = this.mod.classes.get(t.name);
        if (c) return { k: 'class', info: c };
        if (this.mod.enums.has(t.name)) return INT; // bpjit: an enum name is an alias of int
        this.err(t.span, `unknown type '${t.name}'`);
        return ERROR;
      }
      case 'array': return arrayOf(this.nonVoid(t.elem));
      case 'map': {
        const k = this.nonVoid(t.key);
        if (!isKeyType(k)) this.err(t.key.span, `map keys must be int, float, bool or str, not ${typeName(k)}`);
        return mapOf(k, this.nonVoid(t.value));
      }
      case 'tuple': return tupleOf(t.elems.map((e) => this.nonVoid(e)));
      case 'fn': return fnOf(t.params.map((p) => this.nonVoid(p)), this.resolveType(t.ret));
    }
  }

  private nonVoid(t: TypeExpr): Type {
    const r = this.resolveType(t);
    if (r.k === 'void') { this.err(t.span, "'void' is only allowed as a return type"); return ERROR; }
    return r;
  }

  private newFunc(m: ModuleInfo, name: string, shortName: string, kind: FuncInfo['kind'], decl: FuncInfo['decl'], span: Span, exported: boolean, owner: FuncInfo['owner'], extern?: FuncInfo['extern']): FuncInfo {
    return { name, shortName, kind, module: m, params: [], paramTypes: [], ret: VOID, decl, span, exported, owner, locals: [], captures: [], extern };
  }

  private addParams(fn: FuncInfo, params: Param[], selfType: Type | null, allowFixed = false): void {
    for (const p of params) {
      const type = p.type ? this.nonVoid2(p.type, allowFixed) : selfType ?? ERROR;
      const sym: LocalSym = { kind: 'local', name: p.name, type, span: p.span, fn, isParam: true, captured: false };
      if (fn.params.some((q) => q.name === p.name)) this.err(p.span, `duplicate parameter '${p.name}'`);
      else if (this.isGlobalName(p.name)) this.err(p.span, `duplicate symbol '${p.name}': a parameter cannot share a global's name`);
      p.sym = sym;
      fn.params.push(sym);
      fn.paramTypes.push(type);
      fn.locals.push(sym);
    }
  }

  private nonVoid2(t: TypeExpr, allowFixed: boolean): Type {
    if (allowFixed && t.kind === 'named' && FIXED_INTS.has(t.name)) return INT;
    return this.nonVoid(t);
  }

  private isGlobalName(name: string): boolean {
    return this.mod.globals.has(name);
  }

  private declareFunctions(m: ModuleInfo): void {
    this.mod = m;
    // Globals first: parameter names are checked against them.
    for (const d of m.ast.decls) {
      if (d.kind !== 'global') continue;
      const s = d.stmt;
      if (m.globals.has(s.name)) { this.err(s.nameSpan, `duplicate symbol '${s.name}'`); continue; }
      const type = this.nonVoid(s.type);
      const sym: GlobalSym = { kind: 'global', name: s.name, type, span: s.nameSpan, module: m, index: this.globals.length };
      s.sym = sym;
      m.globals.set(s.name, sym);
      this.globals.push(sym);
    }
    for (const d of m.ast.decls) {
      if (d.kind === 'func') {
        if (m.functions.has(d.name)) { this.err(d.nameSpan, `duplicate function '${d.name}'`); continue; }
        const fn = this.newFunc(m, this.qualify(m, d.name), d.name, 'func', d, d.nameSpan, d.exported || false, null);
        this.addParams(fn, d.params, null);
        fn.ret = this.resolveType(d.ret);
        d.info = fn;
        m.functions.set(d.name, fn);
        this.functions.push(fn);
      } else if (d.kind === 'extern') {
        if (m.functions.has(d.name)) { this.err(d.nameSpan, `duplicate function '${d.name}'`); continue; }
        const fn = this.newFunc(m, this.qualify(m, d.name), d.name, 'extern', null, d.nameSpan, d.exported, null, { lib: d.lib, symbol: d.symbol ?? d.name });
        this.addParams(fn, d.params, null, true);
        fn.ret = d.ret.kind === 'named' && FIXED_INTS.has(d.ret.name) ? INT : this.resolveType(d.ret);
        if (d.params.length > 8) this.err(d.nameSpan, 'extern functions take at most 8 parameters');
        for (const t of [...fn.paramTypes, fn.ret]) {
          if (!['int', 'float', 'bool', 'str', 'ptr', 'void', 'error'].includes(t.k)) this.err(d.nameSpan, `extern functions can only pass int, float, bool, str and ptr values, not ${typeName(t)}`);
        }
        d.info = fn;
        m.functions.set(d.name, fn);
        this.externs.push(fn);
      } else if (d.kind === 'struct' || d.kind === 'class') {
        const owner = d.kind === 'struct' ? m.structs.get(d.name) : m.classes.get(d.name);
        if (!owner) continue;
        const selfType: Type = owner.kind === 'struct' ? { k: 'struct', info: owner } : { k: 'class', info: owner };
        for (const md of d.methods) {
          if (owner.methods.has(md.name)) { this.err(md.nameSpan, `duplicate method '${md.name}'`); continue; }
          if (owner.fields.some((f) => f.name === md.name)) this.err(md.nameSpan, `'${md.name}' is both a field and a method`);
          if (md.params.length === 0 || md.params[0].name !== 'self' || md.params[0].type !== null) {
            this.err(md.nameSpan, `method '${md.name}' must take 'self' as its first parameter`);
          }
          const fn = this.newFunc(m, this.qualify(m, `${d.name}.${md.name}`), md.name, 'method', md, md.nameSpan, false, owner);
          this.addParams(fn, md.params, selfType);
          fn.ret = this.resolveType(md.ret);
          if (md.name === '__init__' && fn.ret.k !== 'void') this.err(md.ret.span, '__init__ must return void');
          md.info = fn;
          owner.methods.set(md.name, fn);
          this.functions.push(fn);
        }
      }
    }
  }

  /** Slots: a base's slots first, then new methods; an override must keep the signature. */
  private buildVtable(c: ClassInfo, busy: Set<ClassInfo>): void {
    if (c.vtable.length > 0 || busy.has(c)) return;
    busy.add(c);
    if (c.base) {
      this.buildVtable(c.base, busy);
      c.vtable = [...c.base.vtable];
      for (const [n, s] of c.base.slots) c.slots.set(n, s);
    }
    for (const [name, fn] of c.methods) {
      const slot = c.slots.get(name);
      if (slot !== undefined) {
        const old = c.vtable[slot];
        const same = name === '__init__' || (typeEq(fnOf(old.paramTypes.slice(1), old.ret), fnOf(fn.paramTypes.slice(1), fn.ret)));
        if (!same) this.err(fn.span, `'${c.name}.${name}' overrides '${old.name}' with a different signature`);
        c.vtable[slot] = fn;
      } else {
        c.slots.set(name, c.vtable.length);
        c.vtable.push(fn);
      }
    }
  }

  // --- globals and bodies -----------------------------------------------------------------

  private checkGlobals(m: ModuleInfo): void {
    this.mod = m;
    this.visibleGlobals = new Set();
    const initFn = this.newFunc(m, `${this.qualify(m, '')}<globals>`, '<globals>', 'func', null, m.ast.decls[0]?.span ?? { file: m.ast.file, start: 0, end: 0 }, false, null);
    for (const d of m.ast.decls) {
      if (d.kind !== 'global' || !d.stmt.sym) continue;
      const sym = d.stmt.sym as GlobalSym;
      this.ctx = this.newCtx(initFn, null);
      this.checkExpr(d.stmt.init, sym.type);
      this.expectAssignable(d.stmt.init, sym.type, () => `type error: let ${sym.name}: ${typeName(sym.type)} initialized with ${typeName(d.stmt.init.ty!)}`);
      this.globalInits.push({ sym, init: d.stmt.init });
      this.visibleGlobals.add(sym);
    }
    this.ctx = null;
    this.visibleGlobals = null;
  }

  private newCtx(fn: FuncInfo, outer: FnCtx | null): FnCtx {
    const scope = new Map<string, LocalSym>();
    for (const p of fn.params) scope.set(p.name, p);
    return { fn, scopes: [scope], loops: 0, outer, assigns: [], captureSites: [], lambdaCount: outer ? outer.lambdaCount : { n: 0 } };
  }

  private checkBodies(m: ModuleInfo): void {
    this.mod = m;
    for (const d of m.ast.decls) {
      if (d.kind === 'func' && d.info) this.checkFunction(d, d.info);
      if (d.kind === 'struct' || d.kind === 'class') for (const md of d.methods) if (md.info) this.checkFunction(md, md.info);
    }
  }

  private checkFunction(d: FuncDecl, fn: FuncInfo): void {
    this.ctx = this.newCtx(fn, null);
    this.checkBlock(d.body);
    if (fn.ret.k !== 'void' && fn.ret.k !== 'error' && !this.terminates(d.body)) {
      this.err(d.nameSpan, `function '${d.name}' can reach its end without returning a value of type ${typeName(fn.ret)}`);
    }
    this.checkCaptureAssignments(this.ctx);
    this.ctx = null;
  }

  /** bpjit: a lambda captures by value, so assigning a captured local afterwards is an error. */
  private checkCaptureAssignments(ctx: FnCtx): void {
    for (const site of ctx.captureSites) {
      for (const a of ctx.assigns) {
        if (a.sym === site.sym && a.at > site.at) {
          this.err(a.span, `cannot assign to '${a.sym.name}' after a lambda captured it (captures are by value)`);
        }
      }
    }
  }

  /** Whether control can never fall off the end of `b` (returns or throws on every path). */
  private terminates(b: Block): boolean {
    for (const s of b) {
      switch (s.kind) {
        case 'return': case 'throw': return true;
        case 'if':
          if (s.elseBody && s.branches.every((br) => this.terminates(br.body)) && this.terminates(s.elseBody)) return true;
          break;
        case 'while':
          if (s.cond.kind === 'bool' && s.cond.value && !this.hasBreak(s.body)) return true;
          break;
        case 'match':
          if (s.cases.some((c) => c.pattern === null) && s.cases.every((c) => this.terminates(c.body))) return true;
          break;
        case 'try':
          if (s.finallyBody && this.terminates(s.finallyBody)) return true;
          if (this.terminates(s.body) && (!s.catchBody || this.terminates(s.catchBody))) return true;
          break;
      }
    }
    return false;
  }

  private hasBreak(b: Block): boolean {
    return b.some((s) => {
      switch (s.kind) {
        case 'break': return true;
        case 'if': return s.branches.some((br) => this.hasBreak(br.body)) || (!!s.elseBody && this.hasBreak(s.elseBody));
        case 'match': return s.cases.some((c) => this.hasBreak(c.body));
        case 'try': return this.hasBreak(s.body) || (!!s.catchBody && this.hasBreak(s.catchBody)) || (!!s.finallyBody && this.hasBreak(s.finallyBody));
        default: return false;
      }
    });
  }

  // --- scopes -----------------------------------------------------------------------------

  private declareLocal(name: string, type: Type, span: Span): LocalSym {
    const ctx = this.ctx!;
    const sym: LocalSym = { kind: 'local', name, type, span, fn: ctx.fn, isParam: false, captured: false };
    if (this.lookupLocal(name, false) || this.isGlobalName(name)) {
      this.err(span, `duplicate symbol '${name}' (a name cannot be redeclared while it is visible)`);
    }
    ctx.scopes[ctx.scopes.length - 1].set(name, sym);
    ctx.fn.locals.push(sym);
    return sym;
  }

  /** Finds a local in this function or (capturing it) in enclosing functions of a lambda. */
  private lookupLocal(name: string, capture: boolean, at = 0): LocalSym | null {
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

  private withScope<T>(f: () => T): T {
    this.ctx!.scopes.push(new Map());
    try { return f(); } finally { this.ctx!.scopes.pop(); }
  }

  private lookupGlobal(name: string): GlobalSym | null {
    const g = this.mod.globals.get(name);
    if (!g) return null;
    if (this.visibleGlobals && !this.visibleGlobals.has(g)) return null;
    return g;
  }

  /** A function visible by plain name: this module's, else a unique exported one of an import. */
  private lookupFunction(name: string, span: Span): FuncInfo | null {
    const own = this.mod.functions.get(name);
    if (own) return own;
    const found: FuncInfo[] = [];
    for (const m of new Set(this.mod.imports.values())) {
      const f = m.functions.get(name);
      if (f && f.exported) found.push(f);
    }
    if (found.length > 1) this.err(span, `'${name}' is exported by several imported modules (${found.map((f) => f.module.name).join(', ')}); qualify the call`);
    return found[0] ?? null;
  }

  // --- statements -------------------------------------------------------------------------

  private checkBlock(b: Block): void {
    this.withScope(() => { for (const s of b) this.checkStmt(s); });
  }

  private checkStmt(s: Stmt): void {
    switch (s.kind) {
      case 'let': {
        const type = this.nonVoid(s.type);
        this.checkExpr(s.init, type);
        this.expectAssignable(s.init, type, () => `type error: let ${s.name}: ${typeName(type)} initialized with ${typeName(s.init.ty!)}`);
        s.sym = this.declareLocal(s.name, type, s.nameSpan);
        break;
      }
      case 'assign': this.checkAssign(s); break;
      case 'expr': this.checkExpr(s.expr); break;
      case 'if':
        for (const br of s.branches) {
          this.checkCond(br.cond, 'if');
          this.checkBlock(br.body);
        }
        if (s.elseBody) this.checkBlock(s.elseBody);
        break;
      case 'while':
        this.checkCond(s.cond, 'while');
        this.loop(() => this.checkBlock(s.body));
        break;
      case 'for_range':
        for (const [e, what] of [[s.start, 'start'], [s.end, 'end'], [s.step, 'step']] as const) {
          if (!e) continue;
          this.checkExpr(e, INT);
          if (e.ty!.k !== 'int' && e.ty!.k !== 'error') this.err(e.span, `for range ${what} must be int, got ${typeName(e.ty!)}`);
        }
        this.withScope(() => {
          s.sym = this.declareLocal(s.name, INT, s.nameSpan);
          this.loop(() => this.checkBlock(s.body));
        });
        break;
      case 'for_in': {
        this.checkExpr(s.iter);
        const t = s.iter.ty!;
        let elem: Type = ERROR;
        if (t.k === 'array') elem = t.elem;
        else if (t.k === 'map') elem = t.key;
        else if (t.k !== 'error') this.err(s.iter.span, `for-in requires an array or a map, got ${typeName(t)}${t.k === 'str' ? ' (iterate over str_split(s, "") or use str_char_at)' : ''}`);
        this.withScope(() => {
          s.sym = this.declareLocal(s.name, elem, s.nameSpan);
          this.loop(() => this.checkBlock(s.body));
        });
        break;
      }
      case 'break': case 'continue':
        if (this.ctx!.loops === 0) this.err(s.span, `${s.kind} outside of loop`);
        break;
      case 'return': {
        const ret = this.ctx!.fn.ret;
        if (s.value) {
          this.checkExpr(s.value, ret);
          if (ret.k === 'void') this.err(s.value.span, 'return value in void function');
          else this.expectAssignable(s.value, ret, () => `return type mismatch: expected ${typeName(ret)}, got ${typeName(s.value!.ty!)}`);
        } else if (ret.k !== 'void' && ret.k !== 'error') this.err(s.span, `missing return value (the function returns ${typeName(ret)})`);
        break;
      }
      case 'throw':
        this.checkExpr(s.value, STR);
        if (s.value.ty!.k !== 'str' && s.value.ty!.k !== 'error') this.err(s.value.span, `throw value must be string, got ${typeName(s.value.ty!)}`);
        break;
      case 'try':
        this.checkBlock(s.body);
        if (s.catchBody) {
          this.withScope(() => {
            if (s.catchName) s.catchSym = this.declareLocal(s.catchName, STR, s.catchSpan!);
            this.checkBlock(s.catchBody!);
          });
        }
        if (s.finallyBody) this.checkBlock(s.finallyBody);
        break;
      case 'match': {
        this.checkExpr(s.subject);
        const st = s.subject.ty!;
        for (const c of s.cases) {
          if (c.pattern) {
            this.checkExpr(c.pattern, st);
            const pt = c.pattern.ty!;
            if (!assignable(pt, st) && !assignable(st, pt)) this.err(c.pattern.span, `case value of type ${typeName(pt)} can never match a subject of type ${typeName(st)}`);
          }
          this.checkBlock(c.body);
        }
        break;
      }
    }
  }

  private loop(f: () => void): void {
    this.ctx!.loops++;
    try { f(); } finally { this.ctx!.loops--; }
  }

  private checkCond(e: Expr, what: string): void {
    this.checkExpr(e, BOOL);
    if (e.ty!.k !== 'bool' && e.ty!.k !== 'error') this.err(e.span, `${what} condition must be bool, got ${typeName(e.ty!)}`);
  }

  private checkAssign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const t = s.target;
    if (t.kind === 'name') {
      const local = this.lookupLocal(t.name, false);
      const sym: Sym | null = local ?? this.lookupGlobal(t.name);
      if (!sym) {
        this.err(t.span, `undefined variable '${t.name}'`);
        this.checkExpr(s.value);
        return;
      }
      if (local && local.fn !== this.ctx!.fn) {
        this.err(t.span, `cannot assign to '${t.name}' inside a lambda (it is captured by value)`);
      }
      t.sym = sym;
      t.ty = sym.type;
      if (local) this.ctx!.assigns.push({ sym: local, at: s.span.start, span: t.span });
      this.checkExpr(s.value, sym.type);
      this.expectAssignable(s.value, sym.type, () => `type error: assigning ${typeName(s.value.ty!)} to ${typeName(sym.type)} variable '${t.name}'`);
      return;
    }
    if (t.kind === 'index') {
      this.checkExpr(t.target);
      const ct = t.target.ty!;
      if (ct.k === 'array') {
        this.checkExpr(t.index, INT);
        if (t.index.ty!.k !== 'int' && t.index.ty!.k !== 'error') this.err(t.index.span, `array index must be int, got ${typeName(t.index.ty!)}`);
        t.ty = ct.elem;
        this.checkExpr(s.value, ct.elem);
        this.expectAssignable(s.value, ct.elem, () => `type error: assigning ${typeName(s.value.ty!)} to array of ${typeName(ct.elem)}`);
      } else if (ct.k === 'map') {
        this.checkExpr(t.index, ct.key);
        this.expectAssignable(t.index, ct.key, () => `map key type mismatch: expected ${typeName(ct.key)}, got ${typeName(t.index.ty!)}`);
        t.ty = ct.value;
        this.checkExpr(s.value, ct.value);
        this.expectAssignable(s.value, ct.value, () => `type error: assigning ${typeName(s.value.ty!)} to map with value type ${typeName(ct.value)}`);
      } else {
        if (ct.k !== 'error') this.err(t.span, ct.k === 'tuple' ? 'tuples are immutable' : `cannot index type for assignment: ${typeName(ct)}`);
        this.checkExpr(t.index);
        this.checkExpr(s.value);
      }
      return;
    }
    if (t.kind === 'field') {
      this.checkExpr(t);
      const ft = t.ty!;
      if (t.enumValue !== undefined) this.err(t.span, 'cannot assign to an enum member');
      this.checkExpr(s.value, ft);
      this.expectAssignable(s.value, ft, () => `type error: assigning ${typeName(s.value.ty!)} to field of type ${typeName(ft)}`);
    }
  }

  private expectAssignable(e: Expr, to: Type, msg: () => string): void {
    if (!assignable(e.ty!, to)) this.err(e.span, msg());
  }

  // --- expressions ------------------------------------------------------------------------

  /** Types `e` (and its children) in place; `expected` guides empty literals, tuples and lambdas. */
  checkExpr(e: Expr, expected?: Type): Type {
    const t = this.exprType(e, expected);
    e.ty = t;
    return t;
  }

  private exprType(e: Expr, expected?: Type): Type {
    switch (e.kind) {
      case 'int': return INT;
      case 'float': return FLOAT;
      case 'str': return STR;
      case 'bool': return BOOL;
      case 'fstr':
        for (const p of e.parts) {
          if (typeof p === 'string') continue;
          this.checkExpr(p.expr);
          if (p.spec !== null) {
            const problem = parseFormatSpec(p.spec, p.expr.ty!.k);
            if (typeof problem === 'string') this.err(p.specSpan!, problem);
          }
        }
        return STR;
      case 'name': return this.nameType(e);
      case 'self': {
        const s = this.lookupLocal('self', true, e.span.start);
        if (!s) { this.err(e.span, "'self' is only available inside methods"); return ERROR; }
        e.sym = s;
        return s.type;
      }
      case 'unary': return this.unaryType(e);
      case 'binary': return this.binaryType(e);
      case 'call': return this.callType(e);
      case 'index': return this.indexType(e);
      case 'field': return this.fieldType(e);
      case 'method': return this.methodType(e);
      case 'array': return this.arrayLit(e, expected);
      case 'map': return this.mapLit(e, expected);
      case 'tuple': return this.tupleLit(e, expected);
      case 'structlit': return this.structLit(e);
      case 'lambda': return this.lambda(e);
      case 'new': return this.newExpr(e);
      case 'super': return this.superCall(e);
    }
  }

  private nameType(e: ExprOf<'name'>): Type {
    const local = this.lookupLocal(e.name, true, e.span.start);
    if (local) { e.sym = local; return local.type; }
    const g = this.lookupGlobal(e.name);
    if (g) { e.sym = g; return g.type; }
    const fn = this.mod.functions.get(e.name) ?? this.lookupFunction(e.name, e.span);
    if (fn && fn.kind !== 'extern') { e.sym = { kind: 'func', fn }; return fnOf(fn.paramTypes, fn.ret); }
    if (this.mod.globals.has(e.name)) this.err(e.span, `global '${e.name}' is used before its initialisation`);
    else if (this.mod.enums.has(e.name)) this.err(e.span, `enum '${e.name}' is not a value; use a member such as ${e.name}.${[...this.mod.enums.get(e.name)!.members.keys()][0] ?? 'X'}`);
    else this.err(e.span, `undefined variable '${e.name}'`);
    return ERROR;
  }

  private unaryType(e: ExprOf<'unary'>): Type {
    const t = this.checkExpr(e.operand);
    if (t.k === 'error') return ERROR;
    if (e.op === '-' && (t.k === 'int' || t.k === 'float')) return t;
    if (e.op === 'not' && t.k === 'bool') return BOOL;
    if (e.op === '~' && t.k === 'int') return INT;
    const want = e.op === '-' ? 'int or float' : e.op === 'not' ? 'bool' : 'int';
    this.err(e.span, `unary ${e.op} expects ${want}, got ${typeName(t)}`);
    return ERROR;
  }

  private binaryType(e: ExprOf<'binary'>): Type {
    const l = this.checkExpr(e.left);
    const r = this.checkExpr(e.right, l);
    if (l.k === 'error' || r.k === 'error') return ['==', '!=', '<', '<=', '>', '>=', 'and', 'or'].includes(e.op) ? BOOL : ERROR;
    const both = (k: Type['k']) => l.k === k && r.k === k;
    const fail = (msg: string): Type => { this.err(e.span, msg); return ERROR; };
    switch (e.op) {
      case '+':
        if (both('int') || both('float') || both('str')) return l;
        return fail(`type error: + supports int+int, float+float, or str+str (got ${typeName(l)} + ${typeName(r)})`);
      case '-': case '*': case '/':
        if (both('int') || both('float')) return l;
        return fail(`arithmetic '${e.op}' expects int or float operands of the same type (got ${typeName(l)} and ${typeName(r)})`);
      case '%':
        if (both('int') || both('float')) return l;
        return fail(`mod expects int or float operands of the same type (got ${typeName(l)} and ${typeName(r)})`);
      case '==': case '!=':
        if (assignable(l, r) || assignable(r, l)) return BOOL;
        return fail(`==/!= requires same types (got ${typeName(l)} and ${typeName(r)})`);
      case '<': case '<=': case '>': case '>=':
        if (both('int') || both('float')) return BOOL;
        return fail(`comparisons expect int or float operands of the same type (got ${typeName(l)} and ${typeName(r)})`);
      case 'and': case 'or':
        if (both('bool')) return BOOL;
        return fail(`and/or expect bool (got ${typeName(l)} and ${typeName(r)})`);
      default:
        if (both('int')) return INT;
        return fail(`bitwise ops expect int (got ${typeName(l)} and ${typeName(r)})`);
    }
  }

  private checkArgs(args: Expr[], params: Type[], what: string, span: Span): void {
    if (args.length !== params.length) {
      this.err(span, `${what} expects ${params.length} arg${params.length === 1 ? '' : 's'}, got ${args.length}`);
      for (const a of args) this.checkExpr(a);
      return;
    }
    args.forEach((a, i) => {
      this.checkExpr(a, params[i]);
      this.expectAssignable(a, params[i], () => `${what} arg ${i + 1}: expected ${typeName(params[i])}, got ${typeName(a.ty!)}`);
    });
  }

  private callType(e: ExprOf<'call'>): Type {
    const c = e.callee;
    if (c.kind === 'name') {
      const b = BUILTINS.get(c.name);
      if (b) {
        e.target = { kind: 'builtin', name: b.name };
        if (b.unsupported) this.err(c.span, `builtin '${b.name}' is not supported by bpjit: ${b.unsupported}`);
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
        this.err(c.span, `unknown function '${c.name}'`);
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
      this.err(c.span, `cannot call a value of type ${typeName(ft)}`);
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
      this.err(e.span, `${name} expects ${b.params.length} arg${b.params.length === 1 ? '' : 's'}, got ${e.args.length}`);
      for (const a of e.args) this.checkExpr(a);
      return instantiate(b.ret, env) ?? ERROR;
    }
    const types: Type[] = [];
    e.args.forEach((a, i) => {
      const pat = b.params[Math.min(i, b.params.length - 1)];
      const t = this.checkExpr(a, instantiate(pat, env) ?? undefined);
      types.push(t);
      if (t.k === 'void') this.err(a.span, `${name} arg ${i + 1}: a void value cannot be used`);
      else if (!this.matchPat(pat, t, env)) {
        // Name what is expected concretely once the type variables are bound (`expected int`).
        const want = instantiate(pat, env);
        this.err(a.span, `${name} arg ${i + 1}: expected ${want ? typeName(want) : patName(pat)}, got ${typeName(t)}`);
      }
    });
    const msg = b.rule?.(types);
    if (msg) this.err(e.span, msg);
    return instantiate(b.ret, env) ?? ERROR;
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

  private indexType(e: ExprOf<'index'>): Type {
    const t = this.checkExpr(e.target);
    if (t.k === 'array') {
      const it = this.checkExpr(e.index, INT);
      if (it.k !== 'int' && it.k !== 'error') this.err(e.index.span, `array index must be int, got ${typeName(it)}`);
      return t.elem;
    }
    if (t.k === 'map') {
      this.checkExpr(e.index, t.key);
      this.expectAssignable(e.index, t.key, () => `map key type mismatch: expected ${typeName(t.key)}, got ${typeName(e.index.ty!)}`);
      return t.value;
    }
    if (t.k === 'tuple') {
      this.checkExpr(e.index, INT);
      const ix = this.constIndex(e.index);
      if (ix === null) { this.err(e.index.span, 'a tuple index must be an integer constant'); return ERROR; }
      const n = t.elems.length;
      const k = ix < 0 ? ix + n : ix;
      if (k < 0 || k >= n) { this.err(e.index.span, `tuple index ${ix} out of range for ${typeName(t)}`); return ERROR; }
      return t.elems[k];
    }
    this.checkExpr(e.index);
    if (t.k !== 'error') this.err(e.target.span, `cannot index type: ${typeName(t)}${t.k === 'str' ? ' (use str_char_at or substr)' : ''}`);
    return ERROR;
  }

  /** Integer constant value of a tuple index (a literal, possibly negated). */
  constIndex(e: Expr): number | null {
    if (e.kind === 'int') return Number(e.value);
    if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'int') return -Number(e.operand.value);
    return null;
  }

  private fieldType(e: ExprOf<'field'>): Type {
    if (e.target.kind === 'name' && !this.lookupLocal(e.target.name, false) && !this.lookupGlobal(e.target.name)) {
      const en = this.mod.enums.get(e.target.name);
      if (en) {
        const v = en.members.get(e.name);
        if (v === undefined) { this.err(e.nameSpan, `enum '${en.name}' has no member '${e.name}'`); return ERROR; }
        e.enumValue = v;
        e.target.ty = INT;
        return INT;
      }
      if (this.mod.imports.has(e.target.name)) {
        this.err(e.span, `only functions can be used from module '${e.target.name}'`);
        return ERROR;
      }
    }
    const t = this.checkExpr(e.target);
    if (t.k === 'struct' || t.k === 'class') {
      const f = t.info.fields.find((x) => x.name === e.name);
      if (f) return f.type;
      const kind = t.k === 'struct' ? 'struct' : 'class';
      this.err(e.nameSpan, this.findMethod(t, e.name) ? `'${e.name}' is a method of ${t.info.name}; call it with ()` : `${kind} '${t.info.name}' has no field '${e.name}'`);
      return ERROR;
    }
    if (t.k !== 'error') this.err(e.nameSpan, `cannot access field '${e.name}' on type ${typeName(t)}`);
    return ERROR;
  }

  private findMethod(t: Type, name: string): FuncInfo | null {
    if (t.k === 'struct') return t.info.methods.get(name) ?? null;
    if (t.k === 'class') {
      for (let c: ClassInfo | null = t.info; c; c = c.base) {
        const m = c.methods.get(name);
        if (m) return m;
      }
    }
    return null;
  }

  private methodType(e: ExprOf<'method'>): Type {
    const tgt = e.target;
    if (tgt.kind === 'name' && !this.lookupLocal(tgt.name, false) && !this.lookupGlobal(tgt.name) && this.mod.imports.has(tgt.name)) {
      const m = this.mod.imports.get(tgt.name)!;
      const fn = m.functions.get(e.name);
      if (!fn) {
        this.err(e.nameSpan, `module '${tgt.name}' has no function '${e.name}'`);
        for (const a of e.args) this.checkExpr(a);
        return ERROR;
      }
      if (!fn.exported) this.err(e.nameSpan, `function '${e.name}' is not exported from module '${m.name}'`);
      e.resolved = { kind: 'module', fn };
      this.checkArgs(e.args, fn.paramTypes, `function '${m.name}.${e.name}'`, e.span);
      return fn.ret;
    }
    const t = this.checkExpr(tgt);
    if (t.k === 'error') { for (const a of e.args) this.checkExpr(a); return ERROR; }
    if (t.k === 'struct' || t.k === 'class') {
      const m = this.findMethod(t, e.name);
      if (m) {
        if (e.name === '__init__') this.err(e.nameSpan, '__init__ runs when the object is created with new; it cannot be called directly');
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
      this.err(e.nameSpan, `${t.k} '${t.info.name}' has no method '${e.name}'`);
    } else {
      const hint = BUILTINS.has(e.name) ? ` (call the builtin as ${e.name}(value, ...))` : '';
      this.err(e.nameSpan, `cannot call method '${e.name}' on type ${typeName(t)}${hint}`);
    }
    for (const a of e.args) this.checkExpr(a);
    return ERROR;
  }

  private arrayLit(e: ExprOf<'array'>, expected?: Type): Type {
    if (expected?.k === 'array') {
      for (const el of e.elems) {
        this.checkExpr(el, expected.elem);
        this.expectAssignable(el, expected.elem, () => `array element of type ${typeName(el.ty!)} in an array of ${typeName(expected.elem)}`);
      }
      return expected;
    }
    if (e.elems.length === 0) {
      this.err(e.span, 'cannot infer the element type of an empty array literal here; give it a declared type (let a: [int] = [])');
      return ERROR;
    }
    const first = this.checkExpr(e.elems[0]);
    for (const el of e.elems.slice(1)) {
      this.checkExpr(el, first);
      this.expectAssignable(el, first, () => `array literal: inconsistent element types: ${typeName(first)} vs ${typeName(el.ty!)}`);
    }
    if (first.k === 'void') { this.err(e.elems[0].span, 'a void value cannot be stored'); return ERROR; }
    return arrayOf(first);
  }

  private mapLit(e: ExprOf<'map'>, expected?: Type): Type {
    if (expected?.k === 'map') {
      for (const en of e.entries) {
        this.checkExpr(en.key, expected.key);
        this.expectAssignable(en.key, expected.key, () => `map literal: key of type ${typeName(en.key.ty!)} in a map with ${typeName(expected.key)} keys`);
        this.checkExpr(en.value, expected.value);
        this.expectAssignable(en.value, expected.value, () => `map literal: value of type ${typeName(en.value.ty!)} in a map with ${typeName(expected.value)} values`);
      }
      return expected;
    }
    if (e.entries.length === 0) {
      this.err(e.span, 'cannot infer the types of an empty map literal here; give it a declared type (let m: {str: int} = {})');
      return ERROR;
    }
    const k = this.checkExpr(e.entries[0].key);
    const v = this.checkExpr(e.entries[0].value);
    if (!isKeyType(k)) this.err(e.entries[0].key.span, `map keys must be int, float, bool or str, not ${typeName(k)}`);
    for (const en of e.entries.slice(1)) {
      this.checkExpr(en.key, k);
      this.expectAssignable(en.key, k, () => `map literal: inconsistent key types: ${typeName(k)} vs ${typeName(en.key.ty!)}`);
      this.checkExpr(en.value, v);
      this.expectAssignable(en.value, v, () => `map literal: inconsistent value types: ${typeName(v)} vs ${typeName(en.value.ty!)}`);
    }
    return mapOf(k, v);
  }

  private tupleLit(e: ExprOf<'tuple'>, expected?: Type): Type {
    if (expected?.k === 'array') {
      // bpjit: a tuple of one element type still converts to an array (programs rely on it).
      for (const el of e.elems) {
        this.checkExpr(el, expected.elem);
        this.expectAssignable(el, expected.elem, () => `tuple element of type ${typeName(el.ty!)} where an array of ${typeName(expected.elem)} is expected`);
      }
      return expected;
    }
    if (expected?.k === 'tuple' && expected.elems.length === e.elems.length) {
      e.elems.forEach((el, i) => this.checkExpr(el, expected.elems[i]));
      return tupleOf(e.elems.map((el, i) => (assignable(el.ty!, expected.elems[i]) ? expected.elems[i] : el.ty!)));
    }
    const ts = e.elems.map((el) => this.checkExpr(el));
    for (const [i, t] of ts.entries()) if (t.k === 'void') this.err(e.elems[i].span, 'a void value cannot be stored');
    return tupleOf(ts);
  }

  private structLit(e: ExprOf<'structlit'>): Type {
    const s = this.mod.structs.get(e.name);
    if (!s) {
      this.err(e.nameSpan, this.mod.classes.has(e.name) ? `'${e.name}' is a class; create it with new ${e.name}(...)` : `unknown struct type '${e.name}'`);
      for (const f of e.fields) this.checkExpr(f.value);
      return ERROR;
    }
    e.info = s;
    const seen = new Set<string>();
    for (const f of e.fields) {
      const decl = s.fields.find((x) => x.name === f.name);
      if (!decl) { this.err(f.nameSpan, `struct '${s.name}' has no field '${f.name}'`); this.checkExpr(f.value); continue; }
      if (seen.has(f.name)) this.err(f.nameSpan, `field '${f.name}' is given twice`);
      seen.add(f.name);
      this.checkExpr(f.value, decl.type);
      this.expectAssignable(f.value, decl.type, () => `struct field '${s.name}.${f.name}' expects ${typeName(decl.type)}, got ${typeName(f.value.ty!)}`);
    }
    const missing = s.fields.filter((f) => !seen.has(f.name)).map((f) => f.name);
    if (missing.length) this.err(e.span, `struct '${s.name}' requires ${s.fields.length} fields; missing ${missing.map((m) => `'${m}'`).join(', ')}`);
    return { k: 'struct', info: s };
  }

  private lambda(e: ExprOf<'lambda'>): Type {
    const outer = this.ctx!;
    const n = ++outer.lambdaCount.n;
    let top = outer;
    while (top.outer) top = top.outer;
    const fn = this.newFunc(this.mod, `${top.fn.name}$lambda${n}`, `lambda`, 'lambda', e, e.span, false, null);
    for (const p of e.params) {
      if (this.lookupLocal(p.name, false) || this.isGlobalName(p.name)) this.err(p.span, `duplicate symbol '${p.name}': a lambda parameter cannot reuse a visible name`);
    }
    this.addParams(fn, e.params, null);
    fn.ret = this.resolveType(e.ret);
    e.fn = fn;
    this.functions.push(fn);
    const saved = this.ctx;
    this.ctx = this.newCtx(fn, outer);
    const bt = this.checkExpr(e.body, fn.ret);
    if (!assignable(bt, fn.ret)) this.err(e.body.span, `lambda body type ${typeName(bt)} doesn't match declared return type ${typeName(fn.ret)}`);
    // Captures found in nested lambdas are recorded on the outer context by lookupLocal.
    this.ctx = saved;
    return fnOf(fn.paramTypes, fn.ret);
  }

  private newExpr(e: ExprOf<'new'>): Type {
    const c = this.mod.classes.get(e.cls);
    if (!c) {
      this.err(e.clsSpan, this.mod.structs.has(e.cls) ? `'${e.cls}' is a struct; create it with a literal ${e.cls}{...}` : `unknown class '${e.cls}'`);
      for (const a of e.args) this.checkExpr(a);
      return ERROR;
    }
    e.info = c;
    const slot = c.slots.get('__init__');
    if (slot === undefined) {
      if (e.args.length > 0) this.err(e.span, `class '${c.name}' has no __init__, so new ${c.name}() takes no arguments`);
      for (const a of e.args) this.checkExpr(a);
    } else {
      const init = c.vtable[slot];
      this.checkArgs(e.args, init.paramTypes.slice(1), `${c.name}.__init__`, e.span);
    }
    return { k: 'class', info: c };
  }

  private superCall(e: ExprOf<'super'>): Type {
    const fn = this.ctx?.fn;
    let owner: ClassInfo | null = null;
    for (let c = this.ctx; c; c = c.outer) if (c.fn.owner?.kind === 'class') { owner = c.fn.owner; break; }
    if (!fn || !owner) {
      this.err(e.span, "'super' is only available inside class methods");
      for (const a of e.args) this.checkExpr(a);
      return ERROR;
    }
    if (!owner.base) {
      this.err(e.span, `class '${owner.name}' has no base class`);
      for (const a of e.args) this.checkExpr(a);
      return ERROR;
    }
    const m = this.findMethod({ k: 'class', info: owner.base }, e.method);
    if (!m) {
      this.err(e.nameSpan, `base class '${owner.base.name}' has no method '${e.method}'`);
      for (const a of e.args) this.checkExpr(a);
      return ERROR;
    }
    e.fn = m;
    e.selfSym = this.lookupLocal('self', true, e.span.start) ?? undefined;
    this.checkArgs(e.args, m.paramTypes.slice(1), `method '${e.method}'`, e.span);
    return m.ret;
  }
}

export { lineOf };
