// The checker's statements layer: function bodies, blocks and their scopes, assignments, loops,
// returns, and the rule that a lambda's captured variables are not assigned afterwards.
import type { Block, Expr, FuncDecl, Stmt } from './ast.js';
import { ExprChecker } from './check-expr.js';
import { bug } from './diag.js';
import { terminates } from './flow.js';
import type { FnCtx } from './check-base.js';
import type { FuncInfo, Sym } from './symbols.js';
import { BOOL, ERROR, INT, STR, Type, arrayOf, assignable, typeEq, typeName } from './types.js';

export abstract class StmtChecker extends ExprChecker {
  protected checkFunction(d: FuncDecl, fn: FuncInfo): void {
    this.ctx = this.newCtx(fn, null);
    this.checkBlock(d.body);
    if (fn.ret.k !== 'void' && fn.ret.k !== 'error' && !terminates(d.body)) {
      this.err('missing-return', d.nameSpan, [d.name, typeName(fn.ret)]);
    }
    this.checkCaptureAssignments(this.ctx);
    this.ctx = null;
  }

  /** bpjit: a lambda captures by value, so assigning a captured local afterwards is an error. */
  private checkCaptureAssignments(ctx: FnCtx): void {
    for (const site of ctx.captureSites) {
      for (const a of ctx.assigns) {
        if (a.sym === site.sym && a.at > site.at) this.err('assign-after-capture', a.span, [a.sym.name]);
      }
    }
  }

  private checkBlock(b: Block): void {
    this.withScope(() => { for (const s of b) this.checkStmt(s); });
  }

  private checkStmt(s: Stmt): void {
    switch (s.kind) {
      case 'let': {
        const type = this.nonVoid(s.type);
        this.checkExpr(s.init, type);
        this.expectAssignable(s.init, type, 'let-type-mismatch', () => [s.name, typeName(type), typeName(s.init.ty!)]);
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
          if (e.ty!.k !== 'int' && e.ty!.k !== 'error') this.err('range-bound-type', e.span, [what, typeName(e.ty!)]);
        }
        this.withScope(() => {
          s.sym = this.declareLocal(s.name, INT, s.nameSpan);
          this.loop(() => this.checkBlock(s.body));
        });
        break;
      case 'for_in': {
        const it = this.checkExpr(s.iter);
        let t = it;
        // bpjit (spec §8.2): a tuple literal whose elements share one type converts to an array,
        // here too — `for x in (10, 20, 30):` (the compiler builds what the type says).
        if (s.iter.kind === 'tuple' && it.k === 'tuple' && it.elems.length > 0 && it.elems.every((x) => typeEq(x, it.elems[0]))) t = s.iter.ty = arrayOf(it.elems[0]);
        let elem: Type = ERROR;
        if (t.k === 'array') elem = t.elem;
        else if (t.k === 'map') elem = t.key;
        else if (t.k !== 'error') this.err('for-in-type', s.iter.span, [typeName(t), t.k === 'str' ? ' (iterate over str_split(s, "") or use str_char_at)' : '']);
        this.withScope(() => {
          s.sym = this.declareLocal(s.name, elem, s.nameSpan);
          this.loop(() => this.checkBlock(s.body));
        });
        break;
      }
      case 'break': case 'continue':
        if (this.ctx!.loops === 0) this.err('outside-loop', s.span, [s.kind]);
        break;
      case 'return': this.checkReturn(s); break;
      case 'throw':
        this.checkExpr(s.value, STR);
        if (s.value.ty!.k !== 'str' && s.value.ty!.k !== 'error') this.err('throw-type', s.value.span, [typeName(s.value.ty!)]);
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
            if (!assignable(pt, st) && !assignable(st, pt)) this.err('case-never-matches', c.pattern.span, [typeName(pt), typeName(st)]);
          }
          this.checkBlock(c.body);
        }
        break;
      }
    }
  }

  private checkReturn(s: Extract<Stmt, { kind: 'return' }>): void {
    const ret = this.ctx!.fn.ret;
    const value = s.value;
    if (value) {
      this.checkExpr(value, ret);
      if (ret.k === 'void') this.err('return-value-in-void', value.span);
      else this.expectAssignable(value, ret, 'return-type-mismatch', () => [typeName(ret), typeName(value.ty!)]);
    } else if (ret.k !== 'void' && ret.k !== 'error') this.err('missing-return-value', s.span, [typeName(ret)]);
  }

  private checkCond(e: Expr, what: string): void {
    this.checkExpr(e, BOOL);
    if (e.ty!.k !== 'bool' && e.ty!.k !== 'error') this.err('condition-type', e.span, [what, typeName(e.ty!)]);
  }

  private checkAssign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const t = s.target;
    if (t.kind === 'name') {
      const local = this.lookupLocal(t.name, false);
      const sym: Sym | null = local ?? this.lookupGlobal(t.name);
      if (!sym) {
        this.err('undefined-variable', t.span, [t.name], this.nameHelp(t.name, false));
        this.checkExpr(s.value);
        return;
      }
      // A lambda's body is an expression, so no assignment can be inside one.
      if (local && local.fn !== this.ctx!.fn) bug(`assignment to '${t.name}' inside a lambda`, t.span);
      t.sym = sym;
      t.ty = sym.type;
      if (local) this.ctx!.assigns.push({ sym: local, at: s.span.start, span: t.span });
      this.checkExpr(s.value, sym.type);
      this.expectAssignable(s.value, sym.type, 'assign-type-mismatch', () => [typeName(s.value.ty!), typeName(sym.type), t.name]);
      return;
    }
    if (t.kind === 'index') {
      this.checkExpr(t.target);
      const ct = t.target.ty!;
      if (ct.k === 'array') {
        this.checkExpr(t.index, INT);
        if (t.index.ty!.k !== 'int' && t.index.ty!.k !== 'error') this.err('index-type', t.index.span, [typeName(t.index.ty!)]);
        t.ty = ct.elem;
        this.checkExpr(s.value, ct.elem);
        this.expectAssignable(s.value, ct.elem, 'assign-element-mismatch', () => [typeName(s.value.ty!), typeName(ct.elem)]);
      } else if (ct.k === 'map') {
        this.checkExpr(t.index, ct.key);
        this.expectAssignable(t.index, ct.key, 'map-key-mismatch', () => [typeName(ct.key), typeName(t.index.ty!)]);
        t.ty = ct.value;
        this.checkExpr(s.value, ct.value);
        this.expectAssignable(s.value, ct.value, 'assign-map-value-mismatch', () => [typeName(s.value.ty!), typeName(ct.value)]);
      } else {
        if (ct.k === 'tuple') this.err('tuple-immutable', t.span);
        else if (ct.k !== 'error') this.err('index-assign-type', t.span, [typeName(ct)]);
        this.checkExpr(t.index);
        this.checkExpr(s.value);
      }
      return;
    }
    if (t.kind === 'field') {
      this.checkExpr(t);
      const ft = t.ty!;
      if (t.enumValue !== undefined) this.err('assign-enum-member', t.span);
      this.checkExpr(s.value, ft);
      this.expectAssignable(s.value, ft, 'assign-field-mismatch', () => [typeName(s.value.ty!), typeName(ft)]);
    }
  }
}
