// The bytecode compiler's expressions: conditions compiled as branches, values into registers
// (a destination register when the caller has one), calls of functions, methods and builtins.
import type { Expr, ExprOf } from '../lang/ast.js';
import { BUILTINS } from '../lang/builtins.js';
import { bug } from '../lang/diag.js';
import { parseFormatSpec } from '../lang/format-spec.js';
import type { LocalSym } from '../lang/symbols.js';
import { Type, typeName } from '../lang/types.js';
import { Kind, Op, type OpName } from './opcodes.js';
import { kindOf } from './tdesc.js';
import { CHAIN_PARTS, CompilerBase, INT32_MAX, INT32_MIN } from './compile-base.js';

export abstract class ExprCompiler extends CompilerBase {
  // --- conditions -------------------------------------------------------------------------

  /** Compiles a bool expression as a branch; returns the jumps taken when it is false. */
  protected condFalse(e: Expr): number[] {
    return this.cond(e, false);
  }

  /** Returns the jumps taken when `e` is true (falls through when false). */
  protected condTrue(e: Expr): number[] {
    return this.cond(e, true);
  }

  /** The jumps taken when `e` is `when` (falling through otherwise). */
  private cond(e: Expr, when: boolean): number[] {
    if (e.kind === 'unary' && e.op === 'not') return this.cond(e.operand, !when);
    if (e.kind === 'bool') return e.value === when ? [this.emitJump(Op.jmp)] : [];
    if (e.kind === 'binary') {
      // `a or b or …` is true as soon as one operand is (`and` false as soon as one is) ...
      if (e.op === (when ? 'or' : 'and')) return this.chainJumps(operands(e, e.op), when);
      if (e.op === (when ? 'and' : 'or')) {
        // ... else every operand but the last skips the test when it decides, and the last decides.
        const ops = operands(e, e.op);
        const skip = this.chainJumps(ops.slice(0, -1), !when);
        const jumps = this.cond(ops[ops.length - 1], when);
        for (const j of skip) this.patch(j);
        return jumps;
      }
      const j = this.intCompare(e, !when);
      if (j !== null) return [j];
    }
    return [this.emitJump(when ? Op.jt : Op.jf, this.expr(e))];
  }

  /** The jumps of each operand of a chain in turn (a loop: chains can be long), taken when it is `when`. */
  private chainJumps(ops: Expr[], when: boolean): number[] {
    const jumps: number[] = [];
    for (const x of ops) for (const j of this.cond(x, when)) jumps.push(j);
    return jumps;
  }

  /** Fused compare-and-branch for int/bool comparisons; `invert` jumps when false. */
  protected intCompare(e: ExprOf<'binary'>, invert: boolean): number | null {
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

  protected arrayOp(base: 'aget' | 'aset', arr: Type): number {
    const elem = arr.k === 'array' ? arr.elem : bug(`array op on ${typeName(arr)}`);
    const suffix = elem.k === 'int' ? 'i' : elem.k === 'float' ? 'f' : elem.k === 'bool' ? 'b' : 'r';
    return Op[`${base}_${suffix}` as 'aget_i'];
  }

  protected fieldIndex(e: ExprOf<'field'>): number {
    const t = e.target.ty!;
    if (t.k !== 'struct' && t.k !== 'class') bug('field of non-object');
    return t.info.fields.findIndex((f) => f.name === e.name);
  }

  /** A literal's value (callers compare it with int32 bounds; see bigConst for exact values). */
  protected intConst(e: Expr): number | null {
    const v = this.bigConst(e);
    return v === null ? null : Number(v);
  }

  protected bigConst(e: Expr): bigint | null {
    if (e.kind === 'int') return BigInt.asIntN(64, e.value);
    if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'int') return BigInt.asIntN(64, -e.operand.value);
    return null;
  }

  // --- expressions ------------------------------------------------------------------------

  protected varReg(sym: LocalSym): number {
    const r = this.vars.get(sym);
    if (r === undefined) bug(`no register for '${sym.name}'`, sym.span);
    return r;
  }

  /** Compiles `e` into register `dst`. */
  protected exprInto(e: Expr, dst: number): void {
    const r = this.expr(e, dst);
    if (r !== dst) this.emit(Op.mov, dst, r);
  }

  /**
   * Compiles `e`; returns the register holding its value. With `dst`, the final instruction
   * writes there when it can (operands are always read before the result is written).
   */
  protected expr(e: Expr, dst?: number): number {
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
        if (t.k === 'array') this.emit(Op.newarr, d, kindOf(this.mb.desc(t.elem)), regs.length, regs);
        else this.emit(Op.newtuple, d, this.mb.constant({ tag: 'type', value: this.mb.desc(t) }), regs.length, regs);
        return d;
      }
      case 'map': {
        const regs: number[] = [];
        for (const en of e.entries) regs.push(this.expr(en.key), this.expr(en.value));
        const d = out();
        this.emit(Op.newmap, d, this.mb.constant({ tag: 'type', value: this.mb.desc(e.ty!) }), regs.length, regs);
        return d;
      }
      case 'structlit': {
        const info = e.info!;
        const byName = new Map(e.fields.map((f) => [f.name, this.expr(f.value)]));
        const d = out();
        this.emit(Op.newstruct, d, this.mb.structIndex(info), info.fields.length, info.fields.map((f) => byName.get(f.name)!));
        return d;
      }
      case 'fstr': return this.fstring(e, dst);
      case 'lambda': {
        const fn = e.fn!;
        const caps = fn.captures.map((c) => this.varReg(c));
        const d = out();
        this.emit(Op.closure, d, this.mb.fnIndex.get(fn)!, caps.length, caps);
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
          this.emit(Op.call, this.tmp('v'), this.mb.fnIndex.get(init)!, args.length + 1, obj, args);
        }
        return obj;
      }
      case 'super': {
        const self = this.varReg(e.selfSym as LocalSym);
        const args = e.args.map((a) => this.expr(a));
        const d = out();
        this.at(e);
        this.emit(Op.call, d, this.mb.fnIndex.get(e.fn!)!, args.length + 1, self, args);
        return d;
      }
    }
  }

  protected loadInt(v: bigint, d: number): number {
    if (v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX)) this.emit(Op.loadi, d, Number(v));
    else this.emit(Op.loadk, d, this.mb.constant({ tag: 'int', value: v }));
    return d;
  }

  protected nameExpr(e: ExprOf<'name'> | ExprOf<'self'>, dst?: number): number {
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

  protected unary(e: ExprOf<'unary'>, dst?: number): number {
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

  protected binary(e: ExprOf<'binary'>, dst?: number): number {
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
    // A chain `a + b + c + …` (a left-deep tree) is compiled bottom up with a loop; each step's
    // temporaries are released once its result is computed, so a chain of any length needs
    // neither the JavaScript stack nor more than a few registers.
    const spine: ExprOf<'binary'>[] = [];
    let x: Expr = e;
    for (; x.kind === 'binary' && x.op !== 'and' && x.op !== 'or'; x = x.left) spine.push(x);
    if (e.ty!.k === 'str') return this.concatenation(x, spine, dst);
    const m = this.mark();
    let acc = this.expr(x);
    for (let i = spine.length - 1; i >= 0; i--) {
      acc = this.binaryStep(spine[i], acc, i === 0 ? dst : undefined);
      if (i > 0) this.releaseKeeping(m, acc);
    }
    return acc;
  }

  /**
   * A chain of string `+` — `line + w + to_str(i) + " "`, `first` and then the right operands
   * of `spine` (outermost first) — as one instruction over its parts in order, an int converted
   * by to_str being a part of its own (written in decimal in place): one string made instead of
   * one per `+`. A longer chain than CHAIN_PARTS is several, each the first part of the next.
   */
  protected concatenation(first: Expr, spine: ExprOf<'binary'>[], dst?: number): number {
    const m = this.mark();
    let parts = [this.concatPart(first)];
    for (let i = spine.length - 1; i >= 0; i--) {
      parts.push(this.concatPart(spine[i].right));
      if (i > 0 && parts.length === CHAIN_PARTS) {
        const t = this.tmp('s');
        this.at(spine[i]);
        this.emitConcat(t, parts);
        this.releaseKeeping(m, t);
        parts = [t];
      }
    }
    const d = dst ?? this.tmp('s');
    this.at(spine[0]);
    this.emitConcat(d, parts);
    return d;
  }

  /** The register of a concatenation's part: an int for to_str of an int, else the string. */
  private concatPart(x: Expr): number {
    const int = x.kind === 'call' && x.target?.kind === 'builtin' && x.target.name === 'to_str' && x.args[0].ty!.k === 'int';
    return this.expr(int ? x.args[0] : x);
  }

  /**
   * d = the parts (str or int registers) one after another: concat for two strings, else
   * concatn — also for two when d is the first, which bytecode/append.ts may make an appendn.
   */
  protected emitConcat(d: number, parts: number[]): void {
    if (parts.length === 2 && parts[0] !== d && parts.every((r) => this.regKinds[r] !== Kind.Int)) this.emit(Op.concat, d, parts[0], parts[1]);
    else this.emit(Op.concatn, d, parts.length, parts);
  }

  /** One operation of a chain: `a` holds the left operand's value. */
  private binaryStep(e: ExprOf<'binary'>, a: number, dst?: number): number {
    const lt = e.left.ty!;
    if ((e.op === '+' || e.op === '-') && lt.k === 'int') {
      const c = this.intConst(e.right);
      if (c !== null && c >= INT32_MIN + 1 && c <= INT32_MAX) {
        const d = dst ?? this.tmp(e.ty!);
        this.emit(Op.addk_i, d, a, e.op === '+' ? c : -c);
        return d;
      }
    }
    const b = this.expr(e.right);
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    this.emit(this.binaryOp(e.op, lt), d, a, b);
    return d;
  }

  /** For `a and b` returns the jumps taken when false; for `a or b` those taken when true. */
  protected condFalseOrTrue(e: ExprOf<'binary'>): number[] {
    return e.op === 'and' ? this.condFalse(e) : this.condTrue(e);
  }

  protected binaryOp(op: string, t: Type): number {
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

  /**
   * The parts as a concatenation (see concatenation): ints are parts as they are, other values
   * are converted first; at most CHAIN_PARTS parts an instruction, so an f-string of thousands of
   * parts needs a few registers, not one per part.
   */
  protected fstring(e: ExprOf<'fstr'>, dst?: number): number {
    const parts = e.parts.filter((p) => p !== '');
    if (parts.length === 0) {
      const d = dst ?? this.tmp('s');
      this.emit(Op.loadk, d, this.mb.constant({ tag: 'str', value: '' }));
      return d;
    }
    if (parts.length === 1) {
      const r = this.fstringPart(parts[0], false);
      if (dst !== undefined && r !== dst) { this.emit(Op.mov, dst, r); return dst; }
      return r;
    }
    const m = this.mark();
    let pieces: number[] = [];
    parts.forEach((p, i) => {
      pieces.push(this.fstringPart(p, true));
      if (i < parts.length - 1 && pieces.length === CHAIN_PARTS) {
        const t = this.tmp('s');
        this.emitConcat(t, pieces);
        this.releaseKeeping(m, t);
        pieces = [t];
      }
    });
    const d = dst ?? this.tmp('s');
    this.emitConcat(d, pieces);
    return d;
  }

  /** The string of one f-string part (`ints`: an int may stay an int, a concatenation's part). */
  private fstringPart(p: ExprOf<'fstr'>['parts'][number], ints: boolean): number {
    if (typeof p === 'string') {
      const r = this.tmp('s');
      this.emit(Op.loadk, r, this.mb.constant({ tag: 'str', value: p }));
      return r;
    }
    const v = this.expr(p.expr);
    const t = p.expr.ty!;
    if ((t.k === 'str' || (ints && t.k === 'int')) && p.spec === null) return v;
    const r = this.tmp('s');
    if (p.spec === null) this.emit(Op.tostr, r, v, this.typeConst(t));
    else {
      if (typeof parseFormatSpec(p.spec, t.k) === 'string') bug(`format spec ${p.spec}`);
      this.emit(Op.fmt, r, v, this.typeConst(t), this.mb.constant({ tag: 'spec', value: p.spec }));
    }
    return r;
  }

  protected typeConst(t: Type): number {
    return this.mb.constant({ tag: 'type', value: this.mb.desc(t) });
  }

  /** A constant describing a builtin call: argument types and result type. */
  protected callDesc(args: Type[], ret: Type): number {
    return this.mb.constant({ tag: 'type', value: `${args.map((a) => this.mb.desc(a)).join(',')}->${this.mb.desc(ret)}` });
  }

  protected call(e: ExprOf<'call'>, dst?: number): number {
    const target = e.target!;
    if (target.kind === 'builtin') return this.builtin(e, target.name, dst);
    const args = e.args.map((a) => this.expr(a));
    if (target.kind === 'value') {
      const f = this.expr(e.callee);
      const d = dst ?? this.tmp(e.ty!);
      this.at(e);
      this.emit(Op.callv, d, f, args.length, args);
      return d;
    }
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    if (target.kind === 'extern') this.emit(Op.callx, d, this.mb.externIndex.get(target.fn)!, args.length, args);
    else this.emit(Op.call, d, this.mb.fnIndex.get(target.fn)!, args.length, args);
    return d;
  }

  protected method(e: ExprOf<'method'>, dst?: number): number {
    const r = e.resolved!;
    if (r.kind === 'module') {
      const args = e.args.map((a) => this.expr(a));
      const d = dst ?? this.tmp(e.ty!);
      this.at(e);
      this.emit(Op.call, d, this.mb.fnIndex.get(r.fn)!, args.length, args);
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
      this.emit(Op.callv, d, f, args.length, args);
      return d;
    }
    const args = e.args.map((a) => this.expr(a));
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    const owner = r.fn.owner!;
    if (r.virtual && owner.kind === 'class') {
      const t = e.target.ty!;
      const cls = t.k === 'class' ? t.info : owner;
      this.emit(Op.callm, d, cls.slots.get(e.name)!, args.length + 1, self, args);
    } else this.emit(Op.call, d, this.mb.fnIndex.get(r.fn)!, args.length + 1, self, args);
    return d;
  }

  protected builtin(e: ExprOf<'call'>, name: string, dst?: number): number {
    const args = e.args.map((a) => this.expr(a));
    const d = dst ?? this.tmp(e.ty!);
    this.at(e);
    const t0 = e.args[0]?.ty;
    const b = BUILTINS.get(name)!;
    if (b.op) { this.emit(Op[b.op as OpName], d, args); return d; }
    switch (name) {
      case 'print':
        this.emit(Op.print, args.length, args.flatMap((r, i) => [r, this.typeConst(e.args[i].ty!)]));
        return d;
      case 'to_str': this.emit(Op.tostr, d, args[0], this.typeConst(t0!)); return d;
      case 'typeof': {
        const s = staticTypeof(t0!);
        if (s !== null) { this.emit(Op.loadk, d, this.mb.constant({ tag: 'str', value: s })); return d; }
        break;
      }
    }
    this.emit(Op.callb, d, b.id, this.callDesc(e.args.map((a) => a.ty!), e.ty!), args.length, args);
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

/** The operands of a chain `a op b op c …` (left-deep), in order, collected with a loop. */
function operands(e: Expr, op: string): Expr[] {
  const rights: Expr[] = [];
  let x = e;
  for (; x.kind === 'binary' && x.op === op; x = x.left) rights.push(x.right);
  return [x, ...rights.reverse()];
}
