// The bytecode compiler's statements: assignments, loops (counting loops as forlt/forgt),
// if/while/match, try/except/finally and returns. `finally` is compiled by duplication: its code
// is emitted on every exit path (fall-through, return, break, continue) and in a catch-all
// handler that rethrows; handler ranges skip the duplicated copies so an exception inside
// `finally` goes outward.
import type { Block, Stmt } from '../lang/ast.js';
import { BUILTINS } from '../lang/builtins.js';
import { lineOf } from '../lang/source.js';
import type { LocalSym } from '../lang/symbols.js';
import type { Type } from '../lang/types.js';
import { ERROR_ID } from './runtime-errors.js';
import { Op } from './opcodes.js';
import { ExprCompiler } from './compile-expr.js';
import { INT32_MAX, INT32_MIN, type LoopCtx, type TryCtx } from './compile-base.js';

export abstract class StmtCompiler extends ExprCompiler {
  // --- statements -------------------------------------------------------------------------

  protected block(b: Block): void {
    const declared: LocalSym[] = [];
    for (const s of b) this.stmt(s, declared);
    this.undeclare(declared);
  }

  protected stmt(s: Stmt, declared: LocalSym[]): void {
    this.line = lineOf(s.span);
    const m = this.mark();
    switch (s.kind) {
      case 'let': {
        // The initialiser may not refer to the new variable, so it can be computed in place.
        const r = this.declare(s.sym as LocalSym);
        this.exprInto(s.init, r);
        declared.push(s.sym as LocalSym);
        break;
      }
      case 'assign': this.assign(s); break;
      case 'expr': this.expr(s.expr); break;
      case 'if': {
        const ends: number[] = [];
        s.branches.forEach((br, i) => {
          this.at(br.cond);
          const next = this.condFalse(br.cond);
          this.block(br.body);
          const last = i === s.branches.length - 1 && !s.elseBody;
          if (!last) ends.push(this.emitJump(Op.jmp));
          for (const j of next) this.patch(j);
        });
        if (s.elseBody) this.block(s.elseBody);
        for (const j of ends) this.patch(j);
        break;
      }
      case 'while': {
        const top = this.pc;
        this.at(s.cond);
        const exits = this.condFalse(s.cond);
        this.release(m);
        const loop = this.loopBody(s.body);
        this.finishLoop(loop, top, top, exits);
        break;
      }
      case 'for_range': this.forRange(s); break;
      case 'for_in': this.forIn(s); break;
      case 'break': case 'continue': {
        const loop = this.loops[this.loops.length - 1];
        const j = this.exitThrough(loop.tryDepth, () => this.emitJump(Op.jmp));
        (s.kind === 'break' ? loop.breaks : loop.continues).push(j);
        break;
      }
      case 'return': {
        if (s.value && this.fn!.ret.k !== 'void') {
          let r = this.expr(s.value);
          if (this.tries.some((t) => t.finallyBody) && this.isVarReg(r)) {
            // finally code may assign the variable; return the value it had at `return`.
            const t = this.tmp(this.regTypes[r]);
            this.emit(Op.mov, t, r);
            r = t;
          }
          this.exitThrough(0, () => this.emit(Op.ret, r));
        } else {
          if (s.value) this.expr(s.value);
          this.exitThrough(0, () => this.emit(Op.retv));
        }
        break;
      }
      case 'throw': this.emit(Op.throw, this.expr(s.value)); break;
      case 'try': this.tryStmt(s); break;
      case 'match': this.matchStmt(s); break;
    }
    this.release(m);
  }

  protected isVarReg(r: number): boolean {
    for (const v of this.vars.values()) if (v === r) return true;
    return false;
  }

  protected loopBody(body: Block): LoopCtx {
    const loop: LoopCtx = { breaks: [], continues: [], tryDepth: this.tries.length };
    this.loops.push(loop);
    this.block(body);
    this.loops.pop();
    return loop;
  }

  /** Patches continues to `cont` (already emitted or the current pc), closes with a back-edge to `top`. */
  protected finishLoop(loop: LoopCtx, top: number, cont: number | null, exits: number[]): void {
    for (const j of loop.continues) this.patch(j, cont ?? this.pc);
    this.emit(Op.loop, top);
    for (const j of [...exits, ...loop.breaks]) this.patch(j);
  }

  protected assign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const t = s.target;
    if (t.kind === 'name') {
      const sym = t.sym!;
      if (sym.kind === 'local') this.exprInto(s.value, this.varReg(sym));
      else if (sym.kind === 'global') this.emit(Op.storeg, this.expr(s.value), sym.index);
      return;
    }
    if (t.kind === 'index') {
      const c = this.expr(t.target);
      const ct = t.target.ty!;
      const i = this.expr(t.index);
      const v = this.expr(s.value);
      this.at(t);
      if (ct.k === 'map') this.emit(Op.mset, c, i, v);
      else this.emit(this.arrayOp('aset', ct), c, i, v);
      return;
    }
    if (t.kind === 'field') {
      const o = this.expr(t.target);
      const v = this.expr(s.value);
      this.at(t);
      this.emit(Op.setf, o, this.fieldIndex(t), v);
    }
  }

  protected forRange(s: Extract<Stmt, { kind: 'for_range' }>): void {
    const i = this.declare(s.sym as LocalSym);
    this.at(s.start);
    this.exprInto(s.start, i);
    let stepConst: number | null = 1;
    let step = -1;
    if (s.step) {
      const c = this.intConst(s.step);
      if (c !== null && c !== 0 && c >= INT32_MIN && c <= INT32_MAX) stepConst = c;
      else {
        stepConst = null;
        step = this.newReg('i');
        this.exprInto(s.step, step);
        const ok = this.emitJump(Op.jne_ik, step, 0);
        this.emit(Op.rterr, ERROR_ID.RANGE_STEP);
        this.patch(ok);
      }
    }
    // The bound is re-evaluated before every iteration (spec §4.11); a constant is loaded once.
    const endConst = this.bigConst(s.end);
    const fixedEnd = endConst !== null ? this.newReg('i') : -1;
    if (fixedEnd >= 0) this.loadInt(endConst!, fixedEnd);
    const evalEnd = () => {
      if (fixedEnd >= 0) return fixedEnd;
      this.at(s.end);
      return this.expr(s.end);
    };
    if (stepConst !== null) {
      // Counting loop: test once on entry, then the back-edge (forlt/forgt) steps and tests.
      const m = this.mark();
      const exit = this.emitJump(stepConst > 0 ? Op.jge_i : Op.jle_i, i, evalEnd());
      this.release(m);
      const top = this.pc;
      const loop = this.loopBody(s.body);
      for (const j of loop.continues) this.patch(j);
      this.line = lineOf(s.span);
      const m2 = this.mark();
      const end = evalEnd();
      this.emit(stepConst > 0 ? Op.forlt : Op.forgt, i, end, stepConst, top);
      this.release(m2);
      for (const j of [exit, ...loop.breaks]) this.patch(j);
    } else {
      const top = this.pc;
      const m = this.mark();
      const end = evalEnd();
      const exits: number[] = [];
      const pos = this.emitJump(Op.jgt_ik, step, 0);
      exits.push(this.emitJump(Op.jle_i, i, end));
      const body = this.emitJump(Op.jmp);
      this.patch(pos);
      exits.push(this.emitJump(Op.jge_i, i, end));
      this.patch(body);
      this.release(m);
      const loop = this.loopBody(s.body);
      for (const j of loop.continues) this.patch(j);
      loop.continues = [];
      this.line = lineOf(s.span);
      this.emit(Op.add_i, i, i, step);
      this.finishLoop(loop, top, null, exits);
    }
    this.undeclare([s.sym as LocalSym]);
  }

  protected forIn(s: Extract<Stmt, { kind: 'for_in' }>): void {
    const it = s.iter.ty!;
    this.at(s.iter);
    const coll = this.newReg(this.mb.desc(it.k === 'map' ? { k: 'array', elem: it.key } : it));
    if (it.k === 'map') {
      const m = this.expr(s.iter);
      this.emit(Op.callb, coll, BUILTINS.get('map_keys')!.id, this.callDesc([it], { k: 'array', elem: it.key }), 1, m);
    } else this.exprInto(s.iter, coll);
    const len = this.newReg('i');
    const idx = this.newReg('i');
    this.emit(Op.alen, len, coll);
    this.emit(Op.loadi, idx, 0);
    const exit = this.emitJump(Op.jge_i, idx, len);
    const top = this.pc;
    const x = this.declare(s.sym as LocalSym);
    const arrT = it.k === 'map' ? { k: 'array' as const, elem: it.key } : it;
    this.line = lineOf(s.span);
    this.emit(this.arrayOp('aget', arrT), x, coll, idx);
    const loop = this.loopBody(s.body);
    for (const j of loop.continues) this.patch(j);
    this.line = lineOf(s.span);
    this.emit(Op.forlt, idx, len, 1, top);
    for (const j of [exit, ...loop.breaks]) this.patch(j);
    this.undeclare([s.sym as LocalSym]);
  }

  // --- try / finally ------------------------------------------------------------------------

  protected tryStmt(s: Extract<Stmt, { kind: 'try' }>): void {
    const ctx: TryCtx = { finallyBody: s.finallyBody, catchOpen: -1, finOpen: -1, catchRanges: [], finRanges: [] };
    const exc = s.finallyBody ? this.newReg('s') : -1;
    const catchReg = s.catchSym ? this.declare(s.catchSym as LocalSym) : -1;
    ctx.catchOpen = s.catchBody ? this.pc : -1;
    ctx.finOpen = s.finallyBody ? this.pc : -1;
    this.tries.push(ctx);
    this.block(s.body);
    this.closeRanges(ctx);
    this.tries.pop();
    const ends: number[] = [];
    if (s.finallyBody) this.block(s.finallyBody);
    ends.push(this.emitJump(Op.jmp));
    if (s.catchBody) {
      const handler = this.pc;
      for (const [a, b] of ctx.catchRanges) if (b > a) this.handlers.push({ start: a, end: b, target: handler, reg: catchReg });
      if (s.finallyBody) {
        ctx.finOpen = this.pc;
        ctx.catchOpen = -1;
        this.tries.push(ctx);
        this.block(s.catchBody);
        this.closeRanges(ctx);
        this.tries.pop();
        this.block(s.finallyBody);
      } else this.block(s.catchBody);
      ends.push(this.emitJump(Op.jmp));
    }
    if (s.finallyBody) {
      const handler = this.pc;
      for (const [a, b] of ctx.finRanges) if (b > a) this.handlers.push({ start: a, end: b, target: handler, reg: exc });
      this.block(s.finallyBody);
      this.emit(Op.throw, exc);
    }
    for (const j of ends) this.patch(j);
    if (s.catchSym) this.undeclare([s.catchSym as LocalSym]);
  }

  protected closeRanges(ctx: TryCtx): void {
    if (ctx.catchOpen >= 0) { ctx.catchRanges.push([ctx.catchOpen, this.pc]); ctx.catchOpen = -1; }
    if (ctx.finOpen >= 0) { ctx.finRanges.push([ctx.finOpen, this.pc]); ctx.finOpen = -1; }
  }

  /**
   * Leaves every try opened since `depth` (innermost first), running each one's finally code
   * outside its own protection, then emits the jump/return via `jump`; protection resumes after.
   */
  protected exitThrough<T>(depth: number, jump: () => T): T {
    const exited = this.tries.slice(depth).reverse();
    const reopen: { ctx: TryCtx; c: boolean; f: boolean }[] = [];
    const saved = this.tries;
    for (const [n, ctx] of exited.entries()) {
      const c = ctx.catchOpen >= 0, f = ctx.finOpen >= 0;
      this.closeRanges(ctx);
      reopen.push({ ctx, c, f });
      if (ctx.finallyBody) {
        // While a finally copy runs, only the tries outside it are active.
        this.tries = saved.slice(0, saved.length - n - 1);
        this.block(ctx.finallyBody);
        this.tries = saved;
      }
    }
    const r = jump();
    for (const { ctx, c, f } of reopen) {
      if (c) ctx.catchOpen = this.pc;
      if (f) ctx.finOpen = this.pc;
    }
    return r;
  }

  protected matchStmt(s: Extract<Stmt, { kind: 'match' }>): void {
    const st = s.subject.ty!;
    const subj = this.expr(s.subject);
    const bodies: { jump: number; body: Block }[] = [];
    let dflt: Block | null = null;
    for (const c of s.cases) {
      if (!c.pattern) { dflt = c.body; continue; }
      this.at(c.pattern);
      const m = this.mark();
      const p = this.expr(c.pattern);
      bodies.push({ jump: this.jumpIfEqual(st, subj, p), body: c.body });
      this.release(m);
    }
    const ends: number[] = [];
    if (dflt) this.block(dflt);
    ends.push(this.emitJump(Op.jmp));
    for (const b of bodies) {
      this.patch(b.jump);
      this.block(b.body);
      ends.push(this.emitJump(Op.jmp));
    }
    for (const j of ends) this.patch(j);
  }

  protected jumpIfEqual(t: Type, a: number, b: number): number {
    if (t.k === 'int' || t.k === 'bool') return this.emitJump(Op.jeq_i, a, b);
    const r = this.tmp('b');
    this.emit(t.k === 'float' ? Op.eq_f : t.k === 'str' ? Op.eq_s : Op.eq_r, r, a, b);
    return this.emitJump(Op.jt, r);
  }
}
