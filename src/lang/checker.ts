// Type checker: loaded modules → CheckedProgram (the typed AST plus program tables). Works in
// passes — declare every type name, resolve layouts and signatures, check global initialisers,
// then bodies — so declarations may appear in any order. Each failed expression gets the
// poison type `error`, which every rule accepts silently, so one mistake gives one message.
// The rules are the reference's (spec §3) with bpjit's section-8 changes: classes, closures,
// tuples, empty literals typed by context, structural `==`, and a missing-return error.
// The layers below (check-*.ts) hold expressions, calls and statements; the loader (loader.ts)
// has read and parsed the modules, so nothing here touches files.
import type { Decl, FuncDecl, TypeExpr } from './ast.js';
import { CheckerOptions, FIXED_INTS } from './check-base.js';
import { StmtChecker } from './check-stmt.js';
import type { DiagBag } from './diag.js';
import type { LoadedModule } from './loader.js';
import { type Span, span } from './source.js';
import { didYouMean } from './suggest.js';
import type { CheckedProgram, ClassInfo, FieldInfo, FuncInfo, GlobalSym, ModuleInfo, StructInfo } from './symbols.js';
import { INT, Type, fnOf, typeEq, typeName } from './types.js';

export type { CheckerOptions } from './check-base.js';

const EXTERN_KINDS = new Set(['int', 'float', 'bool', 'str', 'ptr', 'void', 'error']);

/** Checks `modules` (dependency order, the entry last, as loadModules returns them). */
export function check(modules: LoadedModule[], diags: DiagBag, opts: CheckerOptions = {}): CheckedProgram {
  return new Checker(diags, opts).run(modules);
}

class Checker extends StmtChecker {
  run(loaded: LoadedModule[]): CheckedProgram {
    const infos = new Map<LoadedModule, ModuleInfo>();
    for (const l of loaded) {
      const info: ModuleInfo = {
        name: l.name, ast: l.ast, functions: new Map(), structs: new Map(), classes: new Map(), enums: new Map(), globals: new Map(),
        imports: new Map([...l.imports].map(([alias, m]) => [alias, infos.get(m)!])),
      };
      infos.set(l, info);
      this.modules.push(info);
    }
    // Type errors after a syntax error are mostly cascades of the broken declaration.
    if (this.diags.hasErrors || this.modules.length === 0) return this.result(null);
    for (const m of this.modules) this.declareTypes(m);
    for (const m of this.modules) this.resolveLayouts(m);
    for (const m of this.modules) this.declareFunctions(m);
    for (const c of this.classes) this.buildVtable(c, new Set());
    for (const m of this.modules) this.checkGlobals(m);
    for (const m of this.modules) this.checkBodies(m);
    return this.result(this.entryPoint(this.modules[this.modules.length - 1]));
  }

  private entryPoint(entry: ModuleInfo): FuncInfo | null {
    const main = entry.functions.get('main') ?? null;
    if (main) {
      if (main.params.length > 0) this.err('main-with-params', main.span);
      return main;
    }
    // As in the reference, a file without main starts at its first function.
    const first = entry.ast.decls.find((d): d is FuncDecl => d.kind === 'func');
    const f = first ? entry.functions.get(first.name) ?? null : null;
    if (this.opts.requireEntry !== false) {
      if (f && f.params.length > 0) this.err('entry-with-params', f.span, [f.name]);
      // (no function at all: nothing to run — the reference fails at run time, bpjit here)
      if (!first) this.err('no-entry-function', span(entry.ast.file, 0, 0));
    }
    return f && f.params.length === 0 ? f : null;
  }

  private result(main: FuncInfo | null): CheckedProgram {
    return {
      modules: this.modules, functions: this.functions, externs: this.externs, globals: this.globals,
      structs: this.structs, classes: this.classes, entry: main, globalInits: this.globalInits,
    };
  }

  // --- declarations -----------------------------------------------------------------------

  private declareTypes(m: ModuleInfo): void {
    const taken = new Map<string, Span>();
    const claim = (name: string, span: Span) => {
      if (taken.has(name)) { this.err('duplicate-type', span, [name]); return false; }
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
          if (members.has(mem.name)) this.err('duplicate-enum-member', mem.span, [mem.name]);
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
        if (b) c.base = b;
        else if (m.structs.has(d.base)) this.err('base-is-struct', d.baseSpan!, [d.base]);
        else this.err('unknown-base-class', d.baseSpan!, [d.base], didYouMean(d.base, m.classes.keys(), 'class'));
      }
    }
    for (const c of m.classes.values()) {
      const seen = new Set<ClassInfo>();
      for (let k: ClassInfo | null = c; k; k = k.base) {
        if (seen.has(k)) { this.err('inheritance-cycle', c.span, [c.name]); c.base = null; break; }
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
      if (fields.some((x) => x.name === f.name)) this.err('duplicate-field', f.span, [f.name]);
      else fields.push({ name: f.name, type: this.resolveType(f.type), span: f.span });
    }
    return fields;
  }

  private declareFunctions(m: ModuleInfo): void {
    this.mod = m;
    // Globals first: parameter names are checked against them.
    for (const d of m.ast.decls) {
      if (d.kind !== 'global') continue;
      const s = d.stmt;
      if (m.globals.has(s.name)) { this.err('duplicate-global', s.nameSpan, [s.name]); continue; }
      const sym: GlobalSym = { kind: 'global', name: s.name, type: this.nonVoid(s.type), span: s.nameSpan, module: m, index: this.globals.length };
      s.sym = sym;
      m.globals.set(s.name, sym);
      this.globals.push(sym);
    }
    for (const d of m.ast.decls) {
      if (d.kind === 'func') this.declareFunction(m, d);
      else if (d.kind === 'extern') this.declareExtern(m, d);
      else if (d.kind === 'struct' || d.kind === 'class') this.declareMethods(m, d);
    }
  }

  private declareFunction(m: ModuleInfo, d: FuncDecl): void {
    if (m.functions.has(d.name)) { this.err('duplicate-function', d.nameSpan, [d.name]); return; }
    const fn = this.newFunc(m, this.qualify(m, d.name), d.name, 'func', d, d.nameSpan, d.exported || false, null);
    this.addParams(fn, d.params, null);
    fn.ret = this.resolveType(d.ret);
    d.info = fn;
    m.functions.set(d.name, fn);
    this.functions.push(fn);
  }

  private declareExtern(m: ModuleInfo, d: Extract<Decl, { kind: 'extern' }>): void {
    if (m.functions.has(d.name)) { this.err('duplicate-function', d.nameSpan, [d.name]); return; }
    const fn = this.newFunc(m, this.qualify(m, d.name), d.name, 'extern', null, d.nameSpan, d.exported, null, { lib: d.lib, symbol: d.symbol ?? d.name });
    this.addParams(fn, d.params, null, true);
    fn.ret = d.ret.kind === 'named' && FIXED_INTS.has(d.ret.name) ? INT : this.resolveType(d.ret);
    if (d.params.length > 8) this.err('extern-arity', d.nameSpan);
    for (const t of [...fn.paramTypes, fn.ret]) if (!EXTERN_KINDS.has(t.k)) this.err('extern-type', d.nameSpan, [typeName(t)]);
    d.info = fn;
    m.functions.set(d.name, fn);
    this.externs.push(fn);
  }

  private declareMethods(m: ModuleInfo, d: Extract<Decl, { kind: 'struct' | 'class' }>): void {
    const owner = d.kind === 'struct' ? m.structs.get(d.name) : m.classes.get(d.name);
    if (!owner) return;
    const selfType: Type = owner.kind === 'struct' ? { k: 'struct', info: owner } : { k: 'class', info: owner };
    for (const md of d.methods) {
      if (owner.methods.has(md.name)) { this.err('duplicate-method', md.nameSpan, [md.name]); continue; }
      if (owner.fields.some((f) => f.name === md.name)) this.err('field-and-method', md.nameSpan, [md.name]);
      if (md.params.length === 0 || md.params[0].name !== 'self' || md.params[0].type !== null) this.err('method-without-self', md.nameSpan, [md.name]);
      const fn = this.newFunc(m, this.qualify(m, `${d.name}.${md.name}`), md.name, 'method', md, md.nameSpan, false, owner);
      this.addParams(fn, md.params, selfType);
      fn.ret = this.resolveType(md.ret);
      if (md.name === '__init__' && fn.ret.k !== 'void') this.err('init-return-type', md.ret.span);
      md.info = fn;
      owner.methods.set(md.name, fn);
      this.functions.push(fn);
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
        const same = name === '__init__' || typeEq(fnOf(old.paramTypes.slice(1), old.ret), fnOf(fn.paramTypes.slice(1), fn.ret));
        if (!same) this.err('override-signature', fn.span, [c.name, name, old.name]);
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
      this.expectAssignable(d.stmt.init, sym.type, 'let-type-mismatch', () => [sym.name, typeName(sym.type), typeName(d.stmt.init.ty!)]);
      this.globalInits.push({ sym, init: d.stmt.init });
      this.visibleGlobals.add(sym);
    }
    this.ctx = null;
    this.visibleGlobals = null;
  }

  private checkBodies(m: ModuleInfo): void {
    this.mod = m;
    for (const d of m.ast.decls) {
      if (d.kind === 'func' && d.info) this.checkFunction(d, d.info);
      if (d.kind === 'struct' || d.kind === 'class') for (const md of d.methods) if (md.info) this.checkFunction(md, md.info);
    }
  }
}
