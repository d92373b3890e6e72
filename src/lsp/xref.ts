// The cross-reference index of a checked module: every name in its source (declarations and
// uses) with what it refers to, and for every local variable the range of source where it is
// visible. Hover, go to definition, rename, completion and semantic highlighting all read it.
import type { Block, Decl, Expr, FuncDecl, Param, Stmt, TypeExpr } from '../lang/ast.js';
import { BUILTINS } from '../lang/builtins.js';
import type { Span } from '../lang/source.js';
import type { ClassInfo, EnumInfo, FieldInfo, FuncInfo, GlobalSym, LocalSym, ModuleInfo, StructInfo } from '../lang/symbols.js';
import { walkExpr } from '../lang/walk.js';

export type Target =
  | { kind: 'local'; sym: LocalSym }
  | { kind: 'global'; sym: GlobalSym }
  | { kind: 'func'; fn: FuncInfo }
  | { kind: 'field'; owner: StructInfo | ClassInfo; field: FieldInfo }
  | { kind: 'type'; info: StructInfo | ClassInfo }
  | { kind: 'enum'; info: EnumInfo }
  | { kind: 'member'; info: EnumInfo; name: string; span: Span | null }
  | { kind: 'builtin'; name: string }
  | { kind: 'module'; module: ModuleInfo };

export interface Ref {
  readonly span: Span;
  readonly target: Target;
  /** The declaration itself (not a use). */
  readonly def: boolean;
}

export interface Scope {
  readonly sym: LocalSym;
  /** Byte offsets: from the declaration to the end of the block that holds it. */
  readonly from: number;
  readonly to: number;
}

export interface ModuleIndex {
  readonly module: ModuleInfo;
  /** In source order. */
  readonly refs: Ref[];
  readonly scopes: Scope[];
}

/** The object a target stands for: two refs with the same key name the same thing. */
export function targetKey(t: Target): unknown {
  switch (t.kind) {
    case 'local': case 'global': return t.sym;
    case 'func': return t.fn;
    case 'field': return t.field;
    case 'type': case 'enum': return t.info;
    case 'member': return `${t.info.name}.${t.name}@${String(t.info.span.start)}`;
    case 'builtin': return `builtin:${t.name}`;
    case 'module': return t.module;
  }
}

export function indexModule(m: ModuleInfo): ModuleIndex {
  return new Indexer(m).run();
}

class Indexer {
  private readonly refs: Ref[] = [];
  private readonly scopes: Scope[] = [];
  constructor(private readonly m: ModuleInfo) {}

  run(): ModuleIndex {
    for (const d of this.m.ast.decls) this.decl(d);
    this.refs.sort((a, b) => a.span.start - b.span.start);
    return { module: this.m, refs: this.refs, scopes: this.scopes };
  }

  private add(span: Span, target: Target, def = false): void {
    if (span.end > span.start) this.refs.push({ span, target, def });
  }

  private decl(d: Decl): void {
    const m = this.m;
    switch (d.kind) {
      case 'func': this.func(d); break;
      case 'extern':
        if (d.info) this.add(d.nameSpan, { kind: 'func', fn: d.info }, true);
        for (const p of d.params) if (p.type) this.type(p.type);
        this.type(d.ret);
        break;
      case 'struct': case 'class': {
        const info = d.kind === 'struct' ? m.structs.get(d.name) : m.classes.get(d.name);
        if (!info) break;
        this.add(d.nameSpan, { kind: 'type', info }, true);
        if (d.kind === 'class' && d.baseSpan && info.kind === 'class' && info.base) this.add(d.baseSpan, { kind: 'type', info: info.base });
        for (const f of d.fields) {
          const field = info.fields.find((x) => x.name === f.name && x.span === f.span);
          if (field) this.add(f.span, { kind: 'field', owner: info, field }, true);
          this.type(f.type);
        }
        for (const md of d.methods) this.func(md);
        break;
      }
      case 'enum': {
        const info = m.enums.get(d.name);
        if (!info) break;
        this.add(d.nameSpan, { kind: 'enum', info }, true);
        for (const mem of d.members) this.add(mem.span, { kind: 'member', info, name: mem.name, span: mem.span }, true);
        break;
      }
      case 'import': {
        const target = m.imports.get(d.alias ?? d.module);
        if (target) this.add(d.moduleSpan, { kind: 'module', module: target });
        break;
      }
      case 'global':
        if (d.stmt.sym?.kind === 'global') this.add(d.stmt.nameSpan, { kind: 'global', sym: d.stmt.sym }, true);
        this.type(d.stmt.type);
        this.expr(d.stmt.init);
        break;
    }
  }

  private func(d: FuncDecl): void {
    if (d.info) this.add(d.nameSpan, { kind: 'func', fn: d.info }, true);
    const end = blockEnd(d.body, d.span.end);
    this.params(d.params, d.span.start, end);
    this.type(d.ret);
    this.block(d.body, end);
  }

  private params(ps: Param[], from: number, to: number): void {
    for (const p of ps) {
      if (p.type) this.type(p.type);
      if (p.sym?.kind !== 'local' || p.name === 'self') continue;
      this.add(p.span, { kind: 'local', sym: p.sym }, true);
      this.scopes.push({ sym: p.sym, from, to });
    }
  }

  private local(sym: LocalSym | undefined, span: Span | null, to: number): void {
    if (!sym || !span) return;
    this.add(span, { kind: 'local', sym }, true);
    this.scopes.push({ sym, from: span.start, to });
  }

  private block(b: Block, end: number): void {
    for (const s of b) this.stmt(s, end);
  }

  private stmt(s: Stmt, end: number): void {
    const body = (b: Block | null) => { if (b) this.block(b, blockEnd(b, 0)); };
    switch (s.kind) {
      case 'let':
        this.type(s.type);
        this.expr(s.init);
        this.local(s.sym?.kind === 'local' ? s.sym : undefined, s.nameSpan, end);
        break;
      case 'assign': this.expr(s.target); this.expr(s.value); break;
      case 'expr': this.expr(s.expr); break;
      case 'if': for (const br of s.branches) { this.expr(br.cond); body(br.body); } body(s.elseBody); break;
      case 'while': this.expr(s.cond); body(s.body); break;
      case 'for_range': case 'for_in':
        if (s.kind === 'for_range') { this.expr(s.start); this.expr(s.end); if (s.step) this.expr(s.step); }
        else this.expr(s.iter);
        this.local(s.sym?.kind === 'local' ? s.sym : undefined, s.nameSpan, blockEnd(s.body, 0));
        body(s.body);
        break;
      case 'return': if (s.value) this.expr(s.value); break;
      case 'throw': this.expr(s.value); break;
      case 'try':
        body(s.body);
        if (s.catchBody) this.local(s.catchSym?.kind === 'local' ? s.catchSym : undefined, s.catchSpan, blockEnd(s.catchBody, 0));
        body(s.catchBody);
        body(s.finallyBody);
        break;
      case 'match': this.expr(s.subject); for (const c of s.cases) { if (c.pattern) this.expr(c.pattern); body(c.body); } break;
      case 'break': case 'continue': break;
    }
  }

  private expr(root: Expr): void {
    walkExpr(root, { expr: (e) => this.exprRef(e) });
  }

  private exprRef(e: Expr): void {
    switch (e.kind) {
      case 'name':
        if (e.sym?.kind === 'local') this.add(e.span, { kind: 'local', sym: e.sym });
        else if (e.sym?.kind === 'global') this.add(e.span, { kind: 'global', sym: e.sym });
        else if (e.sym?.kind === 'func') this.add(e.span, { kind: 'func', fn: e.sym.fn });
        break;
      case 'call': {
        const c = e.callee;
        if (c.kind !== 'name' || !e.target) break;
        if (e.target.kind === 'builtin' && BUILTINS.has(c.name)) this.add(c.span, { kind: 'builtin', name: c.name });
        else if (e.target.kind === 'func' || e.target.kind === 'extern') this.add(c.span, { kind: 'func', fn: e.target.fn });
        break;
      }
      case 'field': this.field(e); break;
      case 'method': {
        const r = e.resolved;
        if (r?.kind === 'module') {
          if (e.target.kind === 'name') this.add(e.target.span, { kind: 'module', module: r.fn.module });
          this.add(e.nameSpan, { kind: 'func', fn: r.fn });
        } else if (r?.kind === 'method') this.add(e.nameSpan, { kind: 'func', fn: r.fn });
        else if (r?.kind === 'fieldcall') this.memberField(e.target.ty, e.name, e.nameSpan);
        break;
      }
      case 'structlit':
        if (!e.info) break;
        this.add(e.nameSpan, { kind: 'type', info: e.info });
        for (const f of e.fields) this.memberField({ k: 'struct', info: e.info }, f.name, f.nameSpan);
        break;
      case 'new': if (e.info) this.add(e.clsSpan, { kind: 'type', info: e.info }); break;
      case 'super': if (e.fn) this.add(e.nameSpan, { kind: 'func', fn: e.fn }); break;
      case 'lambda': {
        const end = e.span.end;
        this.params(e.params, e.span.start, end);
        this.type(e.ret);
        break;
      }
    }
  }

  private field(e: Extract<Expr, { kind: 'field' }>): void {
    if (e.enumValue !== undefined && e.target.kind === 'name') {
      const info = this.m.enums.get(e.target.name);
      if (!info) return;
      this.add(e.target.span, { kind: 'enum', info });
      const decl = this.m.ast.decls.find((d) => d.kind === 'enum' && d.name === info.name);
      const span = decl?.kind === 'enum' ? decl.members.find((x) => x.name === e.name)?.span ?? null : null;
      this.add(e.nameSpan, { kind: 'member', info, name: e.name, span });
      return;
    }
    this.memberField(e.target.ty, e.name, e.nameSpan);
  }

  private memberField(t: Expr['ty'], name: string, span: Span): void {
    if (t?.k !== 'struct' && t?.k !== 'class') return;
    const field = t.info.fields.find((f) => f.name === name);
    if (!field) return;
    // An inherited field belongs to the class that declares it.
    let owner: StructInfo | ClassInfo = t.info;
    while (owner.kind === 'class' && owner.base?.fields.includes(field)) owner = owner.base;
    this.add(span, { kind: 'field', owner, field });
  }

  private type(t: TypeExpr): void {
    switch (t.kind) {
      case 'named': {
        const info = this.m.structs.get(t.name) ?? this.m.classes.get(t.name);
        if (info) this.add(t.span, { kind: 'type', info });
        else if (this.m.enums.has(t.name)) this.add(t.span, { kind: 'enum', info: this.m.enums.get(t.name)! });
        break;
      }
      case 'array': this.type(t.elem); break;
      case 'map': this.type(t.key); this.type(t.value); break;
      case 'tuple': t.elems.forEach((x) => this.type(x)); break;
      case 'fn': t.params.forEach((x) => this.type(x)); this.type(t.ret); break;
    }
  }
}

/** Where a block's last statement ends, nested blocks included (`fallback` for an empty one). */
export function blockEnd(b: Block, fallback: number): number {
  let end = fallback;
  const last = b[b.length - 1];
  if (!last) return end;
  end = Math.max(last.span.end, end);
  const nested: (Block | null)[] = [];
  switch (last.kind) {
    case 'if': nested.push(...last.branches.map((br) => br.body), last.elseBody); break;
    case 'while': case 'for_range': case 'for_in': nested.push(last.body); break;
    case 'try': nested.push(last.body, last.catchBody, last.finallyBody); break;
    case 'match': nested.push(...last.cases.map((c) => c.body)); break;
  }
  for (const n of nested) if (n) end = Math.max(end, blockEnd(n, end));
  return end;
}
