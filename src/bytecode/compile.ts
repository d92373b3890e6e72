// Bytecode compiler: CheckedProgram → BytecodeModule, one tree walk per function.
// Registers: parameters (captures first) take the lowest numbers; every local gets a register
// for its scope; temporaries come from per-kind free lists and are released at the end of the
// statement that made them, so a register always holds values of one kind (int, float, bool or
// ref) — the native lowering relies on that. `finally` is compiled by duplication: its code is
// emitted on every exit path (fall-through, return, break, continue) and in a catch-all handler
// that rethrows; handler ranges skip the duplicated copies so an exception inside `finally`
// goes outward.
import type { Block, Expr, ExprOf, Stmt } from '../lang/ast.js';
import { BUILTINS } from '../lang/builtins.js';
import { bug } from '../lang/diag.js';
import { parseFormatSpec } from '../lang/format-spec.js';
import { lineOf } from '../lang/source.js';
import type { CheckedProgram, ClassInfo, FuncInfo, LocalSym, StructInfo } from '../lang/symbols.js';
import { Type, typeName } from '../lang/types.js';
import { ERROR_ID } from './runtime-errors.js';
import type { BcFunction, BytecodeModule, Const, Handler, LocalVar } from './module.js';
import { Kind, Op } from './opcodes.js';
import { DescContext, descOf, kindOf } from './tdesc.js';

/** Program-wide state shared by the function compilers. */
class ModuleBuilder implements DescContext {
  readonly consts: Const[] = [];
  private readonly constIndex = new Map<string, number>();
  readonly files: string[] = [];
  readonly fnIndex = new Map<FuncInfo, number>();
  readonly externIndex = new Map<FuncInfo, number>();
  private readonly structIdx: Map<StructInfo, number>;
  private readonly classIdx: Map<ClassInfo, number>;

  constructor(readonly prog: CheckedProgram) {
    prog.functions.forEach((f, i) => this.fnIndex.set(f, i));
    prog.externs.forEach((f, i) => this.externIndex.set(f, i));
    this.structIdx = new Map(prog.structs.map((s, i) => [s, i]));
    this.classIdx = new Map(prog.classes.map((c, i) => [c, i]));
  }

  structIndex(s: StructInfo): number { return this.structIdx.get(s)!; }
  classIndex(c: ClassInfo): number { return this.classIdx.get(c)!; }
  desc(t: Type): string { return descOf(t, this); }
  signature(text: string): number { return this.constant({ tag: 'type', value: text }); }

  constant(c: Const): number {
    const key = `${c.tag}:${String(c.value)}:${Object.is(c.value, -0) ? '-0' : ''}`;
    let i = this.constIndex.get(key);
    if (i === undefined) {
      i = this.consts.length;
      this.consts.push(c);
      this.constIndex.set(key, i);
    }
    return i;
  }

  file(path: string): number {
    let i = this.files.indexOf(path);
    if (i < 0) { i = this.files.length; this.files.push(path); }
    return i;
  }
}

export function compileProgram(prog: CheckedProgram): BytecodeModule {
  const mb = new ModuleBuilder(prog);
  const functions: BcFunction[] = prog.functions.map((f) => new FnCompiler(mb, f).compileFunction());
  let init = -1;
  if (prog.globalInits.length > 0) {
    init = functions.length;
    functions.push(new FnCompiler(mb, null).compileGlobalInit());
  }
  return {
    files: mb.files,
    consts: mb.consts,
    functions,
    globals: prog.globals.map((g) => ({ name: g.name, type: mb.desc(g.type) })),
    structs: prog.structs.map((s) => ({ name: s.name, fields: s.fields.map((f) => ({ name: f.name, type: mb.desc(f.type) })) })),
    classes: prog.classes.map((c) => ({
      name: c.name,
      base: c.base ? mb.classIndex(c.base) : -1,
      fields: c.fields.map((f) => ({ name: f.name, type: mb.desc(f.type) })),
      vtable: c.vtable.map((f) => mb.fnIndex.get(f)!),
      initSlot: c.slots.get('__init__') ?? -1,
    })),
    externs: prog.externs.map((f) => ({
      name: f.name, lib: f.extern!.lib, symbol: f.extern!.symbol, params: f.paramTypes.map((t) => mb.desc(t)), ret: mb.desc(f.ret),
      file: mb.file(f.span.file.path), line: lineOf(f.span),
    })),
    init,
    entry: prog.entry ? mb.fnIndex.get(prog.entry)! : -1,
  };
}

interface LoopCtx {
  breaks: number[];
  continues: number[];
  /** Number of try contexts open when the loop started (break/continue run the inner finallys). */
  tryDepth: number;
}

interface TryCtx {
  finallyBody: Block | null;
  /** Open ranges: pc where protection (re)started, or -1 while suspended/closed. */
  catchOpen: number;
  finOpen: number;
  catchRanges: [number, number][];
  finRanges: [number, number][];
}

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

class FnCompiler {
  private code: number[] = [];
  private lines: number[] = [];
  private line = 0;
  private regKinds: Kind[] = [];
  private regTypes: string[] = [];
  /** Free registers by exact type descriptor, so each register keeps one static type. */
  private free = new Map<string, number[]>();
  private temps: number[] = [];
  private vars = new Map<LocalSym, number>();
  /** Every named variable with its register and the pcs of its scope (debug information). */
  private readonly scopes: LocalVar[] = [];
  private readonly openScopes = new Map<LocalSym, LocalVar>();
  private loops: LoopCtx[] = [];
  private tries: TryCtx[] = [];
  private handlers: Handler[] = [];

  constructor(private readonly mb: ModuleBuilder, private readonly fn: FuncInfo | null) {}

  // --- emission ---------------------------------------------------------------------------

  private emit(op: number, ...operands: number[]): number {
    const pc = this.code.length;
    this.code.push(op, ...operands);
    this.lines.push(this.line);
    for (let i = 0; i < operands.length; i++) this.lines.push(0);
    return pc;
  }

  /** Emits a jump with an unresolved target; returns the operand position to patch. */
  private emitJump(op: number, ...regs: number[]): number {
    this.emit(op, ...regs, -1);
    return this.code.length - 1;
  }

  private patch(at: number, target = this.code.length): void {
    this.code[at] = target;
  }

  private get pc(): number {
    return this.code.length;
  }

  private at(e: { span: Expr['span'] }): void {
    this.line = lineOf(e.span);
  }

  // --- registers --------------------------------------------------------------------------

  private newReg(desc: string): number {
    const r = this.regKinds.length;
    this.regKinds.push(kindOf(desc));
    this.regTypes.push(desc);
    return r;
  }

  /** A temporary of the given type, released by the enclosing statement. */
  private tmp(t: Type | string): number {
    const desc = typeof t === 'string' ? t : this.mb.desc(t);
    const r = this.freeList(desc).pop() ?? this.newReg(desc);
    this.temps.push(r);
    return r;
  }

  private freeList(desc: string): number[] {
    let l = this.free.get(desc);
    if (!l) this.free.set(desc, (l = []));
    return l;
  }

  private mark(): number {
    return this.temps.length;
  }

  private release(mark: number): void {
    while (this.temps.length > mark) {
      const r = this.temps.pop()!;
      this.freeList(this.regTypes[r]).push(r);
    }
  }

  /** A register for a local variable, held until its scope ends. */
  private declare(sym: LocalSym): number {
    const desc = this.mb.desc(sym.type);
    const r = this.freeList(desc).pop() ?? this.newReg(desc);
    this.vars.set(sym, r);
    this.scope(sym, r);
    return r;
  }

  private scope(sym: LocalSym, reg: number): void {
    const v = { name: sym.name, reg, start: this.pc, end: -1 };
    this.scopes.push(v);
    this.openScopes.set(sym, v);
  }

  private undeclare(syms: LocalSym[]): void {
    for (const s of syms) {
      const r = this.vars.get(s);
      if (r === undefined) continue;
      this.vars.delete(s);
      this.openScopes.get(s)!.end = this.pc;
      this.freeList(this.regTypes[r]).push(r);
    }
  }

  // --- functions --------------------------------------------------------------------------

  compileFunction(): BcFunction {
    const fn = this.fn!;
    for (const p of [...fn.captures, ...fn.params]) {
      this.vars.set(p, this.newReg(this.mb.desc(p.type)));
      this.scope(p, this.vars.get(p)!);
    }
    this.line = lineOf(fn.span);
    const decl = fn.decl;
    if (decl && decl.kind === 'lambda') {
      this.at(decl.body);
      if (fn.ret.k === 'void') {
        this.expr(decl.body);
        this.emit(Op.retv);
      } else this.emit(Op.ret, this.expr(decl.body));
    } else if (decl) {
      this.block(decl.body);
      this.emit(Op.retv);
    }
    return this.finish(fn.name, fn.captures.length + fn.params.length, fn.captures.length, this.mb.desc(fn.ret), fn.span);
  }

  compileGlobalInit(): BcFunction {
    const prog = this.mb.prog;
    for (const { sym, init } of prog.globalInits) {
      this.at(init);
      const m = this.mark();
      this.emit(Op.storeg, this.expr(init), sym.index);
      this.release(m);
    }
    this.emit(Op.retv);
    return this.finish('$init', 0, 0, 'v', prog.globalInits[0].init.span);
  }

  private finish(name: string, arity: number, ncaps: number, ret: string, span: Expr['span']): BcFunction {
    return {
      name, arity, ncaps, ret,
      regKinds: Uint8Array.from(this.regKinds),
      regTypes: this.regTypes,
      code: Int32Array.from(this.code),
      lines: Int32Array.from(this.lines),
      file: this.mb.file(span.file.path),
      defLine: lineOf(span),
      handlers: this.handlers,
      vars: this.scopes.map((v) => (v.end < 0 ? { ...v, end: this.code.length } : v)),
    };
  }

  // --- statements -------------------------------------------------------------------------

  private block(b: Block): void {
    const declared: LocalSym[] = [];
    for (const s of b) this.stmt(s, declared);
    this.undeclare(declared);
  }

  private stmt(s: Stmt, declared: LocalSym[]): void {
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

  private isVarReg(r: number): boolean {
    for (const v of this.vars.values()) if (v === r) return true;
    return false;
  }

  private loopBody(body: Block): LoopCtx {
    const loop: LoopCtx = { breaks: [], continues: [], tryDepth: this.tries.length };
    this.loops.push(loop);
    this.block(body);
    this.loops.pop();
    return loop;
  }

  /** Patches continues to `cont` (already emitted or the current pc), closes with a back-edge to `top`. */
  private finishLoop(loop: LoopCtx, top: number, cont: number | null, exits: number[]): void {
    for (const j of loop.continues) this.patch(j, cont ?? this.pc);
    this.emit(Op.loop, top);
    for (const j of [...exits, ...loop.breaks]) this.patch(j);
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>): void {
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

  private arrayOp(base: 'aget' | 'aset', arr: Type): number {
    const elem = arr.k === 'array' ? arr.elem : bug(`array op on ${typeName(arr)}`);
    const suffix = elem.k === 'int' ? 'i' : elem.k === 'float' ? 'f' : elem.k === 'bool' ? 'b' : 'r';
    return Op[`${base}_${suffix}` as 'aget_i'];
  }

  private fieldIndex(e: ExprOf<'field'>): number {
    const t = e.target.ty!;
    if (t.k !== 'struct' && t.k !== 'class') bug('field of non-object');
    return t.info.fields.findIndex((f) => f.name === e.name);
  }

  private forRange(s: Extract<Stmt, { kind: 'for_range' }>): void {
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

  /** A literal's value (callers compare it with int32 bounds; see bigConst for exact values). */
  private intConst(e: Expr): number | null {
    const v = this.bigConst(e);
    return v === null ? null : Number(v);
  }

  private bigConst(e: Expr): bigint | null {
    if (e.kind === 'int') return BigInt.asIntN(64, e.value);
    if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'int') return BigInt.asIntN(64, -e.operand.value);
    return null;
  }

  private forIn(s: Extract<Stmt, { kind: 'for_in' }>): void {
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

  private tryStmt(s: Extract<Stmt, { kind: 'try' }>): void {
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

  private closeRanges(ctx: TryCtx): void {
    if (ctx.catchOpen >= 0) { ctx.catchRanges.push([ctx.catchOpen, this.pc]); ctx.catchOpen = -1; }
    if (ctx.finOpen >= 0) { ctx.finRanges.push([ctx.finOpen, this.pc]); ctx.finOpen = -1; }
  }

  /**
   * Leaves every try opened since `depth` (innermost first), running each one's finally code
   * outside its own protection, then emits the jump/return via `jump`; protection resumes after.
   */
  private exitThrough<T>(depth: number, jump: () => T): T {
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

  private matchStmt(s: Extract<Stmt, { kind: 'match' }>): void {
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

  private jumpIfEqual(t: Type, a: number, b: number): number {
    if (t.k === 'int' || t.k === 'bool') return this.emitJump(Op.jeq_i, a, b);
    const r = this.tmp('b');
    this.emit(t.k === 'float' ? Op.eq_f : t.k === 'str' ? Op.eq_s : Op.eq_r, r, a, b);
    return this.emitJump(Op.jt, r);
  }

  // --- conditions -------------------------------------------------------------------------

  /** Compiles a bool expression as a branch; returns the jumps taken when it is false. */
  private condFalse(e: Expr): number[] {
    if (e.kind === 'unary' && e.op === 'not') return this.condTrue(e.operand);
    if (e.kind === 'bool') return e.value ? [] : [this.emitJump(Op.jmp)];
    if (e.kind === 'binary') {
      if (e.op === 'and') return [...this.condFalse(e.left), ...this.condFalse(e.right)];
      if (e.op === 'or') {
        const t = this.condTrue(e.left);
        const f = this.condFalse(e.right);
        for (const j of t) this.patch(j);
        return f;
      }
      const inv = this.intCompare(e, true);
      if (inv !== null) return [inv];
    }
    return [this.emitJump(Op.jf, this.expr(e))];
  }

  /** Returns the jumps taken when `e` is true (falls through when false). */
  private condTrue(e: Expr): number[] {
    if (e.kind === 'unary' && e.op === 'not') return this.condFalse(e.operand);
    if (e.kind === 'bool') return e.value ? [this.emitJump(Op.jmp)] : [];
    if (e.kind === 'binary') {
      if (e.op === 'or') return [...this.condTrue(e.left), ...this.condTrue(e.right)];
      if (e.op === 'and') {
        const f = this.condFalse(e.left);
        const t = this.condTrue(e.right);
        for (const j of f) this.patch(j);
        return t;
      }
      const j = this.intCompare(e, false);
      if (j !== null) return [j];
    }
    return [this.emitJump(Op.jt, this.expr(e))];
  }

  /** Fused compare-and-branch for int/bool comparisons; `invert` jumps when false. */
  private intCompare(e: ExprOf<'binary'>, invert: boolean): number | null {
    const lt = e.left.ty!;
    if (!(lt.k === 'int' || (lt.k === 'bool' && (e.op === '==' || e.op === '!=')))) return null;
    const ops: Record<string, [number, number]> = {
      '<': [Op.jlt_i, Op.jge_i], '<=': [Op.jle_i, Op.jgt_i], '>': [Op.jgt_i, Op.jle_i],
      '>=': [Op.jge_i, Op.jlt_i], '==': [Op.jeq_i, Op.jne_i], '!=': [Op.jne_i, Op.jeq_i],
    };
    const pair = ops[e.op];
    if (!pair) return null;
    const k = lt.k === 'int' ? this.intConst(e.right) : null;
    if (k !== null && k >= INT32_MIN && k <= INT32_MAX) {
      const a = this.expr(e.left);
      this.at(e);
      const op = pair[invert ? 1 : 0];
      return this.emitJump(op + (Op.jlt_ik - Op.jlt_i), a, k);
    }
    const a = this.expr(e.left);
    const b = this.expr(e.right);
    this.at(e);
    return this.emitJump(pair[invert ? 1 : 0], a, b);
  }

  // --- expressions ------------------------------------------------------------------------

  private varReg(sym: LocalSym): number {
    const r = this.vars.get(sym);
    if (r === undefined) bug(`no register for '${sym.name}'`, sym.span);
    return r;
  }

  /** Compiles `e` into register `dst`. */
  private exprInto(e: Expr, dst: number): void {
    const r = this.expr(e, dst);
    if (r !== dst) this.emit(Op.mov, dst, r);
  }

  /**
   * Compiles `e`; returns the register holding its value. With `dst`, the final instruction
   * writes there when it can (operands are always read before the result is written).
   */
  private expr(e: Expr, dst?: number): number {
    const out = () => dst ?? this.tmp(e.ty!);
    switch (e.kind) {
      case 'int': return this.loadInt(BigInt.asIntN(64, e.value), out());
      case 'float': { const d = out(); this.emit(Op.loadk, d, this.mb.constant({ tag: 'float', value: e.value })); return d; }
      case 'str': { const d = out(); this.emit(Op.loadk, d, this.mb.constant({ tag: 'str', value: e.value })); return d; }
      case 'bool': { const d = out(); this.emit(Op.loadb, d, e.value ? 1 : 0); return d; }
      case 'name': case 'self': return this.nameExpr(e, dst);
      case 'field': {
        if (e.enumValue !== undefined) return this.loadInt(e.enumValue, out());
        const o = this.expr(e.target);
        const d = out();
        this.at(e);
        this.emit(Op.getf, d, o, this.fieldIndex(e));
        return d;
      }
      case 'unary': return this.unary(e, dst);
      case 'binary': return this.binary(e, dst);
      case 'index': {
        const t = e.target.ty!;
        const c = this.expr(e.target);
        if (t.k === 'tuple') {
          const n = t.elems.length;
          let k = Number(this.intConst(e.index));
          if (k < 0) k += n;
          const d = out();
          this.emit(Op.tget, d, c, k);
          return d;
        }
        const i = this.expr(e.index);
        const d = out();
        this.at(e);
        this.emit(t.k === 'map' ? Op.mget : this.arrayOp('aget', t), d, c, i);
        return d;
      }
      case 'call': return this.call(e, dst);
      case 'method': return this.method(e, dst);
      case 'array': case 'tuple': {
        const regs = e.elems.map((x) => this.expr(x));
        const d = out();
        const t = e.ty!;
        if (t.k === 'array') this.emit(Op.newarr, d, kindOf(this.mb.desc(t.elem)), regs.length, ...regs);
        else this.emit(Op.newtuple, d, this.mb.constant({ tag: 'type', value: this.mb.desc(t) }), regs.length, ...regs);
        return d;
      }
      case 'map': {
        const regs: number[] = [];
        for (const en of e.entries) regs.push(this.expr(en.key), this.expr(en.value));
        const d = out();
        this.emit(Op.newmap, d, this.mb.constant({ tag: 'type', value: this.mb.desc(e.ty!) }), regs.length, ...regs);
        return d;
      }
      case 'structlit': {
        const info = e.info!;
        const byName = new Map(e.fields.map((f) => [f.name, this.expr(f.value)]));
        const d = out();
        this.emit(Op.newstruct, d, this.mb.structIndex(info), info.fields.length, ...info.fields.map((f) => byName.get(f.name)!));
        return d;
      }
      case 'fstr': return this.fstring(e, dst);
      case 'lambda': {
        const fn = e.fn!;
        const caps = fn.captures.map((c) => this.varReg(c));
        const d = out();
        this.emit(Op.closure, d, this.mb.fnIndex.get(fn)!, caps.length, ...caps);
        return d;
      }
      case 'new': {
        const info = e.info!;
        const args = e.args.map((a) => this.expr(a));
        // The constructor's self is of exactly this class: not a base-class variable's register.
        const exact = dst !== undefined && !args.includes(dst) && this.regTypes[dst] === this.mb.desc(e.ty!);
        const obj = exact ? dst : this.tmp(e.ty!);
        this.at(e);
        this.emit(Op.newobj, obj, this.mb.classIndex(info));
        const slot = info.slots.get('__init__');
        if (slot !== undefined) {
          const init = info.vtable[slot];
          this.emit(Op.call, this.tmp('v'), this.mb.fnIndex.get(init)!, args.length + 1, obj, ...args);
        }
        return obj;
      }
      case 'super': {
        const self = this.varReg(e.selfSym as LocalSym);
        const args = e.args.map((a) => this.expr(a));
        const d = out();
        this.at(e);
        this.emit(Op.call, d, this.mb.fnIndex.get(e.fn!)!, args.length + 1, self, ...args);
        return d;
      }
    }
  }

  private loadInt(v: bigint, d: number): number {
    if (v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX)) this.emit(Op.loadi, d, Number(v));
    else this.emit(Op.loadk, d, this.mb.constant({ tag: 'int', value: v }));
    return d;
  }

  private nameExpr(e: ExprOf<'name'> | ExprOf<'self'>, dst?: number): number {
    const sym = e.sym!;
    if (sym.kind === 'local') {
      const r = this.varReg(sym);
      if (dst !== undefined && dst !== r) { this.emit(Op.mov, dst, r); return dst; }
      return r;
    }
    const d = dst ?? this.tmp(e.ty!);
    if (sym.kind === 'global') this.emit(Op.loadg, d, sym.index);
    else this.emit(Op.funcref, d, this.mb.fnIndex.get(sym.fn)!);
    return d;
  }

  private unary(e: ExprOf<'unary'>, dst?: number): number {
    if (e.op === '-' && e.operand.kind === 'int') return this.loadInt(BigInt.asIntN(64, -e.operand.value), dst ?? this.tmp(e.ty!));
    if (e.op === '-' && e.operand.kind === 'float') {
      const d = dst ?? this.tmp(e.ty!);
      this.emit(Op.loadk, d, this.mb.constant({ tag: 'float', value: -e.operand.value }));
      return d;
    }
    const a = this.expr(e.operand);
    const d = dst ?? this.tmp(e.ty!);
    const t = e.operand.ty!;
    this.emit(e.op === 'not' ? Op.not : e.op === '~' ? Op.not_i : t.k === 'float' ? Op.neg_f : Op.neg_i, d, a);
    return d;
  }

  private binary(e: ExprOf<'binary'>, dst?: number): number {
    if (e.op === 'and' || e.op === 'or') {
      // Short-circuit (bpjit): compute into a temporary so `b = x and b` reads b before writing.
      const r = this.tmp('b');
      const skip = this.condFalseOrTrue(e);
      this.emit(Op.loadb, r, e.op === 'and' ? 1 : 0);
      const end = this.emitJump(Op.jmp);
      for (const j of skip) this.patch(j);
      this.emit(Op.loadb, r, e.op === 'and' ? 0 : 1);
      this.patch(end);
      if (dst !== undefined) { this.emit(Op.mov, dst, r); return dst; }
      return r;
    }
    const lt = e.left.ty!;
    if ((e.op === '+' || e.op === '-') && lt.k === 'int') {
      const c = this.intConst(e.right);
      if (c !== null && c >= INT32_MIN + 1 && c <= INT32_MAX) {
        const a = this.expr(e.left);
        const d = dst ?? this.tmp(e.ty!);
        this.emit(Op.addk_i, d, a, e.op === '+' ? c : -c);
        return d;
      }
    }
    const a = this.expr(e.left);
    const b = this.expr(e.right);
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    this.emit(this.binaryOp(e.op, lt), d, a, b);
    return d;
  }

  /** For `a and b` returns the jumps taken when false; for `a or b` those taken when true. */
  private condFalseOrTrue(e: ExprOf<'binary'>): number[] {
    return e.op === 'and' ? this.condFalse(e) : this.condTrue(e);
  }

  private binaryOp(op: string, t: Type): number {
    const k = t.k;
    const I: Record<string, number> = {
      '+': Op.add_i, '-': Op.sub_i, '*': Op.mul_i, '/': Op.div_i, '%': Op.mod_i, '&': Op.and_i, '|': Op.or_i,
      '^': Op.xor_i, '<<': Op.shl_i, '>>': Op.shr_i, '==': Op.eq_i, '!=': Op.ne_i, '<': Op.lt_i, '<=': Op.le_i,
      '>': Op.gt_i, '>=': Op.ge_i,
    };
    const F: Record<string, number> = {
      '+': Op.add_f, '-': Op.sub_f, '*': Op.mul_f, '/': Op.div_f, '%': Op.mod_f, '==': Op.eq_f, '!=': Op.ne_f,
      '<': Op.lt_f, '<=': Op.le_f, '>': Op.gt_f, '>=': Op.ge_f,
    };
    if (k === 'int' || k === 'bool') return I[op] ?? bug(`int op ${op}`);
    if (k === 'float') return F[op] ?? bug(`float op ${op}`);
    if (k === 'str') return op === '+' ? Op.concat : op === '==' ? Op.eq_s : op === '!=' ? Op.ne_s : bug(`str op ${op}`);
    return op === '==' ? Op.eq_r : op === '!=' ? Op.ne_r : bug(`ref op ${op} on ${typeName(t)}`);
  }

  private fstring(e: ExprOf<'fstr'>, dst?: number): number {
    const pieces: number[] = [];
    for (const p of e.parts) {
      if (typeof p === 'string') {
        if (p === '') continue;
        const r = this.tmp('s');
        this.emit(Op.loadk, r, this.mb.constant({ tag: 'str', value: p }));
        pieces.push(r);
        continue;
      }
      const v = this.expr(p.expr);
      const t = p.expr.ty!;
      if (p.spec !== null) {
        const spec = parseFormatSpec(p.spec, t.k);
        if (typeof spec === 'string') bug(spec);
        const r = this.tmp('s');
        this.emit(Op.fmt, r, v, this.typeConst(t), this.mb.constant({ tag: 'spec', value: p.spec }));
        pieces.push(r);
      } else if (t.k === 'str') pieces.push(v);
      else {
        const r = this.tmp('s');
        this.emit(Op.tostr, r, v, this.typeConst(t));
        pieces.push(r);
      }
    }
    if (pieces.length === 0) {
      const d = dst ?? this.tmp('s');
      this.emit(Op.loadk, d, this.mb.constant({ tag: 'str', value: '' }));
      return d;
    }
    let acc = pieces[0];
    for (let i = 1; i < pieces.length; i++) {
      const d = i === pieces.length - 1 && dst !== undefined ? dst : this.tmp('s');
      this.emit(Op.concat, d, acc, pieces[i]);
      acc = d;
    }
    if (dst !== undefined && acc !== dst) { this.emit(Op.mov, dst, acc); return dst; }
    return acc;
  }

  private typeConst(t: Type): number {
    return this.mb.constant({ tag: 'type', value: this.mb.desc(t) });
  }

  /** A constant describing a builtin call: argument types and result type. */
  private callDesc(args: Type[], ret: Type): number {
    return this.mb.constant({ tag: 'type', value: `${args.map((a) => this.mb.desc(a)).join(',')}->${this.mb.desc(ret)}` });
  }

  private call(e: ExprOf<'call'>, dst?: number): number {
    const target = e.target!;
    if (target.kind === 'builtin') return this.builtin(e, target.name, dst);
    const args = e.args.map((a) => this.expr(a));
    if (target.kind === 'value') {
      const f = this.expr(e.callee);
      const d = dst ?? this.tmp(e.ty!);
      this.at(e);
      this.emit(Op.callv, d, f, args.length, ...args);
      return d;
    }
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    if (target.kind === 'extern') this.emit(Op.callx, d, this.mb.externIndex.get(target.fn)!, args.length, ...args);
    else this.emit(Op.call, d, this.mb.fnIndex.get(target.fn)!, args.length, ...args);
    return d;
  }

  private method(e: ExprOf<'method'>, dst?: number): number {
    const r = e.resolved!;
    if (r.kind === 'module') {
      const args = e.args.map((a) => this.expr(a));
      const d = dst ?? this.tmp(e.ty!);
      this.at(e);
      this.emit(Op.call, d, this.mb.fnIndex.get(r.fn)!, args.length, ...args);
      return d;
    }
    const self = this.expr(e.target);
    if (r.kind === 'fieldcall') {
      const t = e.target.ty!;
      if (t.k !== 'struct' && t.k !== 'class') bug('fieldcall');
      const field = t.info.fields.findIndex((x) => x.name === e.name);
      const f = this.tmp(t.info.fields[field].type);
      this.at(e);
      this.emit(Op.getf, f, self, field);
      const args = e.args.map((a) => this.expr(a));
      const d = dst ?? this.tmp(e.ty!);
      this.emit(Op.callv, d, f, args.length, ...args);
      return d;
    }
    const args = e.args.map((a) => this.expr(a));
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    const owner = r.fn.owner!;
    if (r.virtual && owner.kind === 'class') {
      const t = e.target.ty!;
      const cls = t.k === 'class' ? t.info : owner;
      this.emit(Op.callm, d, cls.slots.get(e.name)!, args.length + 1, self, ...args);
    } else this.emit(Op.call, d, this.mb.fnIndex.get(r.fn)!, args.length + 1, self, ...args);
    return d;
  }

  private builtin(e: ExprOf<'call'>, name: string, dst?: number): number {
    const args = e.args.map((a) => this.expr(a));
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    const t0 = e.args[0]?.ty;
    switch (name) {
      case 'print':
        this.emit(Op.print, args.length, ...args.flatMap((r, i) => [r, this.typeConst(e.args[i].ty!)]));
        return d;
      case 'len': this.emit(Op.strlen, d, args[0]); return d;
      case 'array_len': this.emit(Op.alen, d, args[0]); return d;
      case 'int_to_float': this.emit(Op.i2f, d, args[0]); return d;
      case 'float_to_int': this.emit(Op.f2i, d, args[0]); return d;
      case 'to_str': this.emit(Op.tostr, d, args[0], this.typeConst(t0!)); return d;
      case 'bit_and': this.emit(Op.and_i, d, args[0], args[1]); return d;
      case 'bit_or': this.emit(Op.or_i, d, args[0], args[1]); return d;
      case 'bit_xor': this.emit(Op.xor_i, d, args[0], args[1]); return d;
      case 'bit_not': this.emit(Op.not_i, d, args[0]); return d;
      case 'bit_shl': this.emit(Op.shl_i, d, args[0], args[1]); return d;
      case 'bit_shr': this.emit(Op.shr_i, d, args[0], args[1]); return d;
      case 'typeof': {
        const s = staticTypeof(t0!);
        if (s !== null) { this.emit(Op.loadk, d, this.mb.constant({ tag: 'str', value: s })); return d; }
        break;
      }
    }
    const b = BUILTINS.get(name)!;
    this.emit(Op.callb, d, b.id, this.callDesc(e.args.map((a) => a.ty!), e.ty!), args.length, ...args);
    return d;
  }
}

/** typeof's answer when the static type decides it (references may be null at run time). */
function staticTypeof(t: Type): string | null {
  switch (t.k) {
    case 'int': case 'float': case 'bool': case 'str': return t.k;
    case 'array': return 'array';
    case 'map': return 'map';
    case 'void': return 'null';
    default: return null;
  }
}
