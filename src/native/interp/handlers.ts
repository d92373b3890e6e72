// The native interpreter's instruction handlers: a table keyed by opcode, each entry emitting
// the handler's x86-64 with the interpreter's macro layer (Masm below). Scalar work, jumps,
// calls, array and field access are written here; every other instruction (strings, maps,
// builtins, printing, allocation) runs a stub that the same lowering as compiled code produces
// for its shape (see src/native/stubs.ts), so both tiers share one implementation of them.
import { O, OP_DEFS } from '../../bytecode/opcodes.js';
import { CLOSURE_CAPS, ERR, VTABLES, RT } from '../abi.js';
import { ARRAY, HEADER, STR, STRUCT } from '../heap.js';
import {
  Assembler, Gp64, Label, Mem, al, cl, eax, ecx, edi, edx, esi, qword, dword, r11, r12, r13, r14, r15, r8, r8d, rax, rbp, rbx, rcx, rdi, rdx, rip, rsi, rsp, sym,
  xmm0, xmm1,
} from '../../x64/index.js';
import { CALLBACK, END, FN, FRAME, SITE, SYM, TRAMP_SIZE } from './layout.js';
import { INT_CC, boundsCheck } from '../masm.js';

/** The macro layer the handlers are written in: operands, dispatch, errors, calls out. */
export class Masm {
  readonly a = new Assembler();
  /** Emitting the counting variants of the handlers (bpjit profile: see COUNTING_OPS). */
  counting = false;
  private readonly errors = new Map<number, Label>();
  /** Routines shared by handlers, bound after them. */
  readonly hotLoop = this.a.newLabel();
  readonly dispatchLabel = this.a.newLabel();
  readonly callInterp = this.a.newLabel();

  /** Operand word k (1-based) of the current instruction, zero-extended (register and constant offsets). */
  word(k: number, into = ecx): void { this.a.mov(into, dword(rbx, 4 * k)); }
  /** Operand word k, sign-extended (immediates, jump displacements). */
  sword(k: number, into: Gp64): void { this.a.movsxd(into, dword(rbx, 4 * k)); }
  /** The register whose offset is operand k, as a memory operand (clobbers `idx`). */
  reg(k: number, idx: Gp64 = rcx): Mem {
    this.word(k, gp32(idx));
    return qword(r12, idx, 1, 0);
  }
  load(into: Gp64, k: number, idx: Gp64 = rcx): void { this.a.mov(into, this.reg(k, idx)); }
  store(k: number, from: Gp64, idx: Gp64 = rcx): void { this.a.mov(this.reg(k, idx), from); }

  /** Next instruction: `len` words on. */
  next(len: number): void {
    this.a.add(rbx, 4 * len);
    this.dispatch();
  }
  dispatch(): void {
    this.a.mov(eax, dword(rbx, 0));
    this.a.jmp(qword(r13, rax, 8, 0));
  }
  /** Jump by the displacement in operand k (bytes from this instruction). */
  jumpBy(k: number): void {
    this.sword(k, rax);
    this.a.add(rbx, rax);
    this.dispatch();
  }
  savePc(): void { this.a.mov(qword(rbp, FRAME.pc), rbx); }
  /** In a counting handler: one more at this instruction's profile slot (1: the next word's). */
  count(slot = 0): void {
    if (!this.counting) return;
    this.a.mov(r11, qword(r14, FN.profBias));
    this.a.inc(qword(r11, rbx, 2, 8 * slot));
  }
  /** Runtime error `id` at the current instruction (its location is found from the frame). */
  fail(id: number): Label {
    let l = this.errors.get(id);
    if (!l) this.errors.set(id, (l = this.a.newLabel()));
    return l;
  }
  /** The error stubs: every one reports through bp_rt_error with no location of its own. */
  emitErrors(): void {
    for (const [id, l] of this.errors) {
      this.a.bind(l);
      this.savePc();
      this.a.mov(edi, id);
      this.a.xor(esi, esi);
      this.a.xor(edx, edx);
      this.a.call(sym(RT.error));
    }
  }
}

const gp32 = (r: Gp64) => ({ 0: eax, 1: ecx, 2: edx, 6: esi, 7: edi, 8: r8d } as Record<number, typeof eax>)[r.num] ?? (() => { throw new Error(`no 32-bit name for ${r.name}`); })();

type Handler = (m: Masm, op: number) => void;

const INT_BIN: Partial<Record<number, (a: Assembler, d: Gp64, s: Mem) => void>> = {
  [O.add_i]: (a, d, s) => a.add(d, s), [O.sub_i]: (a, d, s) => a.sub(d, s), [O.mul_i]: (a, d, s) => a.imul(d, s),
  [O.and_i]: (a, d, s) => a.and(d, s), [O.or_i]: (a, d, s) => a.or(d, s), [O.xor_i]: (a, d, s) => a.xor(d, s),
};
const FLOAT_BIN: Partial<Record<number, 'addsd' | 'subsd' | 'mulsd' | 'divsd'>> = { [O.add_f]: 'addsd', [O.sub_f]: 'subsd', [O.mul_f]: 'mulsd', [O.div_f]: 'divsd' };
/** The condition code of an int comparison or branch (its `rel` column). */
const ccOf = (op: number) => INT_CC[OP_DEFS[op].rel!];
/** The conditional branches on two ints or an int and an immediate. */
const INT_BRANCHES = OP_DEFS.flatMap((d, op) => (d.rel && (d.ops === 'rrj' || d.ops === 'rij') ? [op] : []));

/** d = a OP b over ints. */
const intBinary: Handler = (m, op) => {
  m.load(rax, 2);
  INT_BIN[op]!(m.a, rax, m.reg(3));
  m.store(1, rax);
  m.next(4);
};

const divide: Handler = (m, op) => {
  const { a } = m;
  const neg = a.newLabel();
  m.load(r8, 3);
  a.test(r8, r8);
  a.jz(m.fail(ERR.DIV_ZERO));
  m.load(rax, 2);
  a.cmp(r8, -1);
  a.je(neg);
  a.cqo();
  a.idiv(r8);
  m.store(1, op === O.div_i ? rax : rdx);
  m.next(4);
  a.bind(neg); // MIN / -1 wraps to MIN and MIN % -1 is 0 instead of trapping
  if (op === O.div_i) a.neg(rax); else a.xor(eax, eax);
  m.store(1, rax);
  m.next(4);
};

const unary: Handler = (m, op) => {
  m.load(rax, 2);
  if (op === O.neg_i) m.a.neg(rax);
  else if (op === O.not_i) m.a.not(rax);
  else if (op === O.neg_f) m.a.btc(rax, 63);
  else m.a.xor(rax, 1);
  m.store(1, rax);
  m.next(3);
};

const shift: Handler = (m, op) => {
  m.load(r8, 3);
  m.load(rax, 2);
  m.a.mov(rcx, r8);
  if (op === O.shl_i) m.a.shl(rax, cl); else m.a.sar(rax, cl);
  m.store(1, rax, rdx);
  m.next(4);
};

const floatBinary: Handler = (m, op) => {
  m.a.movsd(xmm0, m.reg(2));
  m.a.emit(FLOAT_BIN[op]!, xmm0, m.reg(3));
  m.a.movsd(m.reg(1), xmm0);
  m.next(4);
};

function finishBool(m: Masm): void {
  m.a.movzx(eax, al);
  m.store(1, rax);
  m.next(4);
}

const floatEquality: Handler = (m, op) => {
  const { a } = m;
  a.movsd(xmm0, m.reg(2));
  a.ucomisd(xmm0, m.reg(3));
  if (op === O.eq_f) { a.sete(al); a.setnp(cl); a.and(al, cl); } else { a.setne(al); a.setp(cl); a.or(al, cl); }
  finishBool(m);
};

const floatOrder: Handler = (m, op) => {
  // a < b is b > a: "above" is false for unordered (NaN) operands, as < must be.
  const swap = op === O.lt_f || op === O.le_f;
  m.a.movsd(xmm0, m.reg(swap ? 3 : 2));
  m.a.ucomisd(xmm0, m.reg(swap ? 2 : 3));
  m.a.setcc(op === O.lt_f || op === O.gt_f ? 'a' : 'ae', al);
  finishBool(m);
};

/** Conditional branch: `test` emits the comparison, then taken → jump by operand `j`. */
function branch(m: Masm, cc: string, j: number, length: number): void {
  const taken = m.a.newLabel();
  m.a.jcc(cc, taken);
  m.count(1);
  m.next(length);
  m.a.bind(taken);
  m.count();
  m.jumpBy(j);
}

function truth(m: Masm, op: number): void {
  m.a.cmp(m.reg(1), 0);
  branch(m, op === O.jt ? 'ne' : 'e', 2, 3);
}

/** A loop back-edge taken: count it (hot loops call the compiler), then jump by operand `j`. */
function backEdge(m: Masm, j: number): void {
  m.a.dec(dword(r14, FN.loops));
  m.a.jz(m.hotLoop);
  m.jumpBy(j);
}

const HANDLERS: Partial<Record<number, Handler>> = {
  [O.nop]: (m) => m.next(1),
  [O.loadi]: (m) => { m.sword(2, rax); m.store(1, rax); m.next(3); },
  [O.loadb]: (m) => { m.sword(2, rax); m.store(1, rax); m.next(3); },
  [O.loadk]: (m) => { m.word(2, eax); m.a.mov(rax, qword(r15, rax, 1, 0)); m.store(1, rax); m.next(3); },
  [O.loadnull]: (m) => { m.a.mov(m.reg(1), 0); m.next(2); },
  [O.mov]: (m) => { m.load(rax, 2); m.store(1, rax); m.next(3); },
  [O.addk_i]: (m) => { m.load(rax, 2); m.sword(3, rcx); m.a.add(rax, rcx); m.store(1, rax); m.next(4); },
  [O.div_i]: divide, [O.mod_i]: divide,
  [O.neg_i]: unary, [O.not_i]: unary, [O.not]: unary, [O.neg_f]: unary,
  [O.shl_i]: shift, [O.shr_i]: shift,
  [O.eq_f]: floatEquality, [O.ne_f]: floatEquality,
  [O.lt_f]: floatOrder, [O.le_f]: floatOrder, [O.gt_f]: floatOrder, [O.ge_f]: floatOrder,
  [O.mod_f]: (m) => {
    m.a.movsd(xmm0, m.reg(2));
    m.a.movsd(xmm1, m.reg(3));
    m.a.call(sym(RT.fmod));
    m.a.movsd(m.reg(1), xmm0);
    m.next(4);
  },
  [O.i2f]: (m) => { m.a.xorps(xmm0, xmm0); m.a.cvtsi2sd(xmm0, m.reg(2)); m.a.movsd(m.reg(1), xmm0); m.next(3); },
  [O.f2i]: (m) => { m.a.cvttsd2si(rax, m.reg(2)); m.store(1, rax); m.next(3); },
  [O.jmp]: (m) => m.jumpBy(1),
  [O.loop]: (m) => { m.count(); backEdge(m, 1); },
  [O.jt]: truth, [O.jf]: truth,
  [O.forlt]: forLoop, [O.forgt]: forLoop,
  [O.call]: (m) => call(m, 'direct'),
  [O.callv]: (m) => call(m, 'closure'),
  [O.callm]: (m) => call(m, 'method'),
  [O.ret]: (m) => { m.load(rax, 1); m.a.movq(xmm0, rax); m.a.leave(); m.a.ret(); },
  [O.retv]: (m) => { m.a.xor(eax, eax); m.a.xorps(xmm0, xmm0); m.a.leave(); m.a.ret(); },
  [O.aget_i]: arrayGet, [O.aget_f]: arrayGet, [O.aget_b]: arrayGet, [O.aget_r]: arrayGet,
  [O.aset_i]: arraySet, [O.aset_f]: arraySet, [O.aset_b]: arraySet, [O.aset_r]: arraySet,
  [O.alen]: (m) => { m.load(rax, 2); m.a.mov(rax, qword(rax, ARRAY.len)); m.store(1, rax); m.next(3); },
  [O.strlen]: (m) => { m.load(rax, 2); m.a.mov(rax, qword(rax, STR.len)); m.store(1, rax); m.next(3); },
  [O.getf]: fieldGet, [O.tget]: fieldGet,
  [O.setf]: (m) => {
    m.load(rdx, 1);
    m.a.test(rdx, rdx);
    m.a.jz(m.fail(ERR.NULL));
    m.load(rax, 3);
    m.word(2);
    m.a.mov(qword(rdx, rcx, 8, STRUCT.fields), rax);
    m.next(4);
  },
  [O.loadg]: (m) => { m.word(2, eax); m.a.lea(rdx, qword(rip(sym('bp_globals')))); m.a.mov(rax, qword(rdx, rax, 1, 0)); m.store(1, rax); m.next(3); },
  [O.storeg]: (m) => { m.load(rax, 1); m.word(2); m.a.lea(rdx, qword(rip(sym('bp_globals')))); m.a.mov(qword(rdx, rcx, 1, 0), rax); m.next(3); },
  [O.rterr]: (m) => { m.savePc(); m.word(1, edi); m.a.xor(esi, esi); m.a.xor(edx, edx); m.a.call(sym(RT.error)); },
  [O.throw]: (m) => {
    // (an uncaught exception is reported from this frame: its pc says where)
    m.savePc();
    m.load(rdi, 1);
    m.a.xor(esi, esi);
    m.a.call(sym(RT.throw));
  },
};
for (const op of [O.eq_i, O.ne_i, O.lt_i, O.le_i, O.gt_i, O.ge_i]) HANDLERS[op] = (m, o) => { m.load(rax, 2); m.a.cmp(rax, m.reg(3)); m.a.setcc(ccOf(o), al); finishBool(m); };
for (const op of Object.keys(INT_BIN).map(Number)) HANDLERS[op] = intBinary;
for (const op of Object.keys(FLOAT_BIN).map(Number)) HANDLERS[op] = floatBinary;
for (const op of INT_BRANCHES) {
  HANDLERS[op] = OP_DEFS[op].ops === 'rrj'
    ? (m, o) => { m.load(rax, 1); m.a.cmp(rax, m.reg(2)); branch(m, ccOf(o), 3, 4); }
    : (m, o) => { m.load(rax, 1); m.sword(2, rcx); m.a.cmp(rax, rcx); branch(m, ccOf(o), 3, 4); };
}

function forLoop(m: Masm, op: number): void {
  // a += step; while a < b (forlt) or a > b (forgt): back to the loop's start
  const { a } = m;
  m.word(1, edx);
  m.sword(3, rax);
  a.add(rax, qword(r12, rdx, 1, 0));
  a.mov(qword(r12, rdx, 1, 0), rax);
  a.cmp(rax, m.reg(2));
  const taken = a.newLabel();
  a.jcc(op === O.forlt ? 'l' : 'g', taken);
  m.count(1);
  m.next(5);
  a.bind(taken);
  m.count();
  backEdge(m, 4);
}

/** rax = the element index of operand `i` in the array in rdx, negative from the end; checked. */
function arrayIndex(m: Masm, arr: number, i: number): void {
  const { a } = m;
  const ok = a.newLabel();
  m.load(rdx, arr);
  m.load(rax, i);
  boundsCheck(a, rdx, ok, m.fail(ERR.INDEX));
  a.mov(rdx, qword(rdx, ARRAY.data));
}

function arrayGet(m: Masm): void {
  arrayIndex(m, 2, 3);
  m.a.mov(rax, qword(rdx, rax, 8, 0));
  m.store(1, rax);
  m.next(4);
}

function arraySet(m: Masm): void {
  arrayIndex(m, 1, 2);
  m.load(r8, 3);
  m.a.mov(qword(rdx, rax, 8, 0), r8);
  m.next(4);
}

function fieldGet(m: Masm): void {
  m.load(rdx, 2);
  m.a.test(rdx, rdx);
  m.a.jz(m.fail(ERR.NULL));
  m.word(3);
  m.a.mov(rax, qword(rdx, rcx, 8, STRUCT.fields));
  m.store(1, rax);
  m.next(4);
}

/**
 * call d f n args…, callv d c n args…, callm d slot n self args…: the callee's register block
 * below this frame, its captured values and arguments copied in, then its interp-convention
 * entry (the interpreter or compiled code) called with r11 = its FnInfo; the result comes back
 * in rax. Closures and methods name their function by trampoline address (TRAMP_SIZE apart).
 */
function call(m: Masm, kind: 'direct' | 'closure' | 'method'): void {
  const { a } = m;
  m.count();
  m.savePc();
  if (kind === 'direct') m.word(2, eax);
  else {
    if (kind === 'closure') m.load(rdx, 2);
    else {
      m.load(rdx, 4);
      a.test(rdx, rdx);
      a.jz(m.fail(ERR.NULL));
      a.mov(rax, qword(rdx, 0));
      a.shr(rax, HEADER.classShift); // the class index
      a.lea(rcx, qword(rip(sym(VTABLES))));
      a.mov(rax, qword(rcx, rax, 8, 0));
      m.word(2);
      a.mov(rax, qword(rax, rcx, 8, 0));
    }
    if (kind === 'closure') {
      a.test(rdx, rdx);
      a.jz(m.fail(ERR.NULL));
      a.mov(rax, qword(rdx, STRUCT.fields));
    }
    a.lea(rcx, qword(rip(sym(SYM.tramps))));
    a.sub(rax, rcx);
    a.shr(rax, Math.log2(TRAMP_SIZE));
  }
  a.jmp(m.callInterp);
}

/**
 * The shared tail of the call handlers: eax = callee index, rdx = closure (callv) or anything;
 * the instruction's argument count is word 3, its arguments from word 4.
 */
export function emitCallInterp(m: Masm): void {
  const { a } = m;
  a.bind(m.callInterp);
  const blockOverflow = a.newLabel();
  registerBlock(a, rax, rdx, blockOverflow);
  // the arguments after the captured values
  a.mov(r8d, dword(rbx, 12));
  a.xor(edx, edx);
  const args = a.newLabel(), argsDone = a.newLabel();
  a.bind(args);
  a.cmp(edx, r8d);
  a.jae(argsDone);
  a.mov(edi, dword(rbx, rdx, 4, 16));
  a.mov(rdi, qword(r12, rdi, 1, 0));
  a.mov(qword(rsp, rsi, 8, 0), rdi);
  a.add(esi, 1);
  a.add(edx, 1);
  a.jmp(args);
  a.bind(argsDone);
  a.lea(rcx, qword(rip(sym(SYM.ieTable))));
  a.call(qword(rcx, rax, 8, 0));
  resumeAfterCall(m);
  m.store(1, rax);
  a.mov(ecx, dword(rbx, 12));
  a.lea(rbx, qword(rbx, rcx, 4, 16));
  m.dispatch();
  // A block that does not fit is the overflow the callee's entry reports when its frame does
  // not: from a frame begun for the callee (r11), which the traceback leaves out, so the
  // caller's frame is the innermost shown whichever of the two checks failed.
  a.bind(blockOverflow);
  m.savePc();
  const begun = a.newLabel();
  a.call(begun);
  a.bind(begun);
  a.push(rbp);
  a.mov(rbp, rsp);
  a.push(r11);
  a.push(rbx);
  a.mov(edi, ERR.STACK_OVERFLOW);
  a.xor(esi, esi);
  a.xor(edx, edx);
  a.call(sym(RT.error));
}

/** After a call out of a handler: the frame's state back in its registers (only rsp, rbp survive). */
export function resumeAfterCall(m: Masm): void {
  const { a } = m;
  a.lea(rsp, qword(rbp, FRAME.rspOffset));
  a.mov(r14, qword(rbp, FRAME.info));
  a.mov(rbx, qword(rbp, FRAME.pc));
  a.lea(r12, qword(rbp, FRAME.regs));
}

/**
 * The callee's register block below rsp, its captured values copied in from `closure` (when it
 * has any: only lambdas do): r11 = its FnInfo (the function `index` names), esi = the next slot.
 * A block that would reach below the stack's limit goes to `overflow` with rsp unchanged: a
 * function of many registers takes more than the limit's margin, and nothing may be written
 * below it. Clobbers rcx and rdi.
 */
export function registerBlock(a: Assembler, index: Gp64, closure: Gp64, overflow: Label): void {
  a.lea(rcx, qword(rip(sym(SYM.infos))));
  a.mov(r11, qword(rcx, index, 8, 0));
  a.mov(ecx, dword(r11, FN.frame));
  belowLimit(a, rcx, overflow);
  a.mov(ecx, dword(r11, FN.ncaps));
  a.xor(esi, esi);
  const caps = a.newLabel(), done = a.newLabel();
  a.bind(caps);
  a.cmp(esi, ecx);
  a.jae(done);
  a.mov(rdi, qword(closure, rsi, 8, STRUCT.fields + 8 * CLOSURE_CAPS));
  a.mov(qword(rsp, rsi, 8, 0), rdi);
  a.add(esi, 1);
  a.jmp(caps);
  a.bind(done);
}

/** rsp -= bytes, unless that goes below the stack's limit (then to `overflow`, rsp unchanged). Clobbers rdi. */
function belowLimit(a: Assembler, bytes: Gp64, overflow: Label): void {
  a.mov(rdi, rsp);
  a.sub(rdi, bytes);
  a.cmp(rdi, qword(rip(sym(RT.stackLimit))));
  a.jb(overflow);
  a.mov(rsp, rdi);
}

/**
 * Stubbed instructions: word 1 is a site index. The site record names the stub (an
 * interp-convention entry of compiled code), the registers it reads, the one it writes and
 * the instruction's length in bytes.
 */
export function emitStubbed(m: Masm): void {
  const { a } = m;
  const start = a.newLabel(), lazy = a.newLabel();
  m.savePc();
  a.bind(start);
  m.word(1, eax);
  a.lea(rcx, qword(rip(sym(SYM.sites))));
  a.mov(rsi, qword(rcx, rax, 8, 0));
  // A stub is lowered the first time one of its sites runs (most sites of a program never do).
  a.cmp(qword(rsi, SITE.entry), 0);
  a.je(lazy);
  a.mov(ecx, dword(rsi, SITE.nargs));
  a.lea(rdx, qword(null, rcx, 8, 15));
  a.and(rdx, -16);
  // (not checked against the stack's limit: running an instruction is not a call, and on the
  // other tiers takes no frame — the few bytes come from the margin below the limit)
  a.sub(rsp, rdx);
  a.xor(edx, edx);
  const copy = a.newLabel(), done = a.newLabel();
  a.bind(copy);
  a.cmp(edx, ecx);
  a.jae(done);
  a.mov(edi, dword(rsi, rdx, 4, SITE.args));
  a.mov(rdi, qword(r12, rdi, 1, 0));
  a.mov(qword(rsp, rdx, 8, 0), rdi);
  a.add(edx, 1);
  a.jmp(copy);
  a.bind(done);
  a.call(qword(rsi, SITE.entry));
  resumeAfterCall(m);
  m.word(1, ecx);
  a.lea(rdx, qword(rip(sym(SYM.sites))));
  a.mov(rsi, qword(rdx, rcx, 8, 0));
  a.movsxd(rcx, dword(rsi, SITE.dest));
  const skip = a.newLabel();
  a.test(rcx, rcx);
  a.js(skip);
  a.mov(qword(r12, rcx, 1, 0), rax);
  a.bind(skip);
  a.movsxd(rcx, dword(rsi, SITE.length));
  a.add(rbx, rcx);
  m.dispatch();
  a.bind(lazy);
  a.mov(edx, eax);
  a.mov(edi, CALLBACK.stub);
  a.mov(esi, dword(r14, FN.index));
  a.call(sym('bp_native_call_ts'));
  resumeAfterCall(m);
  a.jmp(start);
}

/**
 * A hot loop (its back-edge counter ran out): ask the compiler, which answers with an
 * on-stack-replacement entry for the loop header (or 0). The compiled code takes the register
 * block in rdi and finishes the function; its result is this frame's result. Word `j` of the
 * back-edge instruction holds the header's displacement; rbx still points at the instruction.
 */
export function emitHotLoop(m: Masm, jumpWord: (op: number) => number): void {
  const { a } = m;
  a.bind(m.hotLoop);
  m.savePc();
  // the header's displacement: word 1 of `loop`, word 4 of forlt/forgt
  a.mov(eax, dword(rbx, 0));
  a.cmp(eax, O.loop);
  const other = a.newLabel(), have = a.newLabel();
  a.jne(other);
  a.movsxd(rdx, dword(rbx, 4 * jumpWord(O.loop)));
  a.jmp(have);
  a.bind(other);
  a.movsxd(rdx, dword(rbx, 4 * jumpWord(O.forlt)));
  a.bind(have);
  a.add(rdx, rbx);
  a.sub(rdx, qword(r14, FN.code));
  a.shr(rdx, 2); // the header's pc
  a.mov(edi, CALLBACK.hotLoop);
  a.mov(esi, dword(r14, FN.index));
  a.call(sym('bp_native_call_ts'));
  resumeAfterCall(m);
  const stay = a.newLabel();
  a.test(rax, rax);
  a.jz(stay);
  // From here the function runs compiled, in this frame's place, as a call from the interpreter
  // into compiled code does (gen.ts, the hot call): its registers go to the OSR area, the frame
  // and its block are given back, and the compiled code returns to this frame's caller — one
  // frame, not this one with a compiled frame under it (a recursion below would overflow frames
  // early). The OSR entry loads the registers from rdi[] before it calls anything.
  a.mov(r8, rax);
  a.lea(rdi, qword(rip(sym(SYM.osrRegs))));
  a.mov(rsi, r12);
  a.mov(ecx, dword(r14, FN.frame));
  a.rep_movsb();
  a.mov(ecx, dword(r14, FN.frame));
  a.mov(rax, qword(rbp, 8));
  a.mov(rdx, qword(rbp, 0));
  a.lea(rsp, qword(rbp, rcx, 1, FRAME.regs - 8)); // the block's top, less the return address
  a.mov(qword(rsp, 0), rax);
  a.mov(rbp, rdx);
  a.lea(rdi, qword(rip(sym(SYM.osrRegs))));
  a.jmp(r8);
  a.bind(stay);
  a.mov(eax, dword(rbx, 0));
  a.cmp(eax, O.loop);
  const notLoop = a.newLabel();
  a.jne(notLoop);
  m.jumpBy(jumpWord(O.loop));
  a.bind(notLoop);
  m.jumpBy(jumpWord(O.forlt));
}

/** The instructions whose handlers count when profiling (the rest are the same in both tables). */
export const COUNTING_OPS = new Set<number>([O.jt, O.jf, O.loop, O.forlt, O.forgt, O.call, O.callv, O.callm, ...INT_BRANCHES]);

/** The handler of `op`, or null when the instruction runs a stub. */
export function handlerOf(op: number): Handler | null {
  return HANDLERS[op] ?? null;
}
