// Lowerings of the scalar instructions: loads and moves, globals, int and float arithmetic,
// comparisons and conversions. Each ALU family is a table of mnemonics (one sequence per
// family); integer division by a constant the plan found (rewrite.ts) multiplies by its magic
// number instead (magic.ts).
import { O, OP_DEFS } from '../bytecode/opcodes.js';
import { GP64, Gp64, Mem, XMM, al, cl, eax, qword, rax, rcx, rdx, rip, sym, xmm0 } from '../x64/index.js';
import { ERR, RT } from './abi.js';
import { magic } from './magic.js';
import { INT_CC, rows, type LowerTable, type Lowering, type Masm } from './masm.js';

/** d = a OP b over ints: straight into a register home when b is not that register. */
const INT_BINARY: Readonly<Partial<Record<number, string>>> = {
  [O.add_i]: 'add', [O.sub_i]: 'sub', [O.and_i]: 'and', [O.or_i]: 'or', [O.xor_i]: 'xor', [O.mul_i]: 'imul',
};
const FLOAT_BINARY: Readonly<Partial<Record<number, string>>> = { [O.add_f]: 'addsd', [O.sub_f]: 'subsd', [O.mul_f]: 'mulsd', [O.div_f]: 'divsd' };
/** d = OP a: one instruction on rax. */
const INT_UNARY: Readonly<Partial<Record<number, (m: Masm) => void>>> = {
  [O.neg_i]: (m) => m.a.neg(rax), [O.not_i]: (m) => m.a.not(rax), [O.not]: (m) => m.a.xor(rax, 1),
};
/** Float comparisons as "above" tests: a < b is b > a, false for unordered (NaN) operands as < must be. */
const FLOAT_ORDER: Readonly<Partial<Record<number, { swap: boolean; cc: string }>>> = {
  [O.lt_f]: { swap: true, cc: 'a' }, [O.le_f]: { swap: true, cc: 'ae' }, [O.gt_f]: { swap: false, cc: 'a' }, [O.ge_f]: { swap: false, cc: 'ae' },
};

const intBinary: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const d = code[pc + 1], x = code[pc + 2], y = code[pc + 3];
  const h = m.home(d);
  const imm = m.rw.immediates.get(pc);
  if (imm) {
    const src = m.rm(imm.at === 2 ? x : y), t = h.at === 'gpr' ? GP64[h.reg] : rax;
    if (op === O.mul_i) multiplyByConstant(m, t, src, imm.k);
    else {
      if (t !== src) a.mov(t, src);
      a.emit(INT_BINARY[op]!, t, BigInt(imm.k));
    }
    if (t === rax) m.setGp(d, rax);
    return;
  }
  const t = h.at === 'gpr' && d !== y ? GP64[h.reg] : rax;
  if (t !== m.rm(x)) a.mov(t, m.rm(x));
  a.emit(INT_BINARY[op]!, t, m.rm(y));
  if (t === rax) m.setGp(d, rax);
};

/** t = src * k: a shift for a power of two, one lea for 3, 5 and 9 (imul takes three cycles). */
function multiplyByConstant(m: Masm, t: Gp64, src: Gp64 | Mem, k: number): void {
  const { a } = m;
  const log = Math.log2(k);
  const lea = k === 3 || k === 5 || k === 9;
  if (!(Number.isInteger(log) && log >= 1 && log < 32) && !lea) { a.imul(t, src, k); return; }
  const r = src instanceof Mem ? t : src;
  if (src instanceof Mem) a.mov(t, src);
  if (lea) a.lea(t, qword(r, r, (k - 1) as 2 | 4 | 8, 0));
  else {
    if (t !== r) a.mov(t, r);
    a.shl(t, log);
  }
}

const divide: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const d = code[pc + 1], x = code[pc + 2], y = code[pc + 3];
  const k = m.rw.divisors.get(pc);
  if (k !== undefined) { divideByConstant(m, op === O.mod_i, d, x, k); return; }
  const neg = a.newLabel(), done = a.newLabel();
  a.mov(rcx, m.rm(y));
  a.test(rcx, rcx);
  a.jz(m.fail(ERR.DIV_ZERO));
  a.mov(rax, m.rm(x));
  a.cmp(rcx, -1);
  a.je(neg);
  a.cqo();
  a.idiv(rcx);
  m.setGp(d, op === O.div_i ? rax : rdx);
  a.jmp(done);
  a.bind(neg); // MIN / -1 wraps to MIN and MIN % -1 is 0 instead of trapping
  if (op === O.div_i) a.neg(rax);
  else a.xor(eax, eax);
  m.setGp(d, rax);
  a.bind(done);
};

/**
 * d = x / 2^s or x % 2^s: x plus 2^s - 1 when negative (the quotient truncates toward zero),
 * shifted; the remainder is x less that sum with its low s bits cleared.
 */
function divideByPowerOfTwo(m: Masm, remainder: boolean, d: number, x: number, s: number): void {
  const { a } = m;
  a.mov(rax, m.rm(x));
  a.mov(rcx, rax);
  if (s > 1) a.sar(rcx, 63);
  a.shr(rcx, 64 - s);
  a.add(rcx, rax);
  if (remainder) { a.and(rcx, -(2 ** s)); a.sub(rax, rcx); m.setGp(d, rax); return; }
  a.sar(rcx, s);
  m.setGp(d, rcx);
}

/** d = x / k or x % k for a constant k (see magic.ts). */
function divideByConstant(m: Masm, remainder: boolean, d: number, x: number, k: bigint): void {
  const { a } = m;
  const log = k.toString(2).length - 1;
  if (k > 0n && k === 1n << BigInt(log) && log < 32) { divideByPowerOfTwo(m, remainder, d, x, log); return; }
  const { m: mul, s, fix } = magic(k);
  a.mov(rcx, m.rm(x));
  a.mov(rax, mul);
  a.imul(rcx); // rdx = the high half of x * m
  if (fix === 1) a.add(rdx, rcx);
  if (fix === -1) a.sub(rdx, rcx);
  if (s) a.sar(rdx, s);
  a.mov(rax, rdx);
  a.shr(rax, 63);
  a.add(rdx, rax); // the quotient, truncated toward zero
  if (!remainder) { m.setGp(d, rdx); return; }
  if (k >= -(1n << 31n) && k < 1n << 31n) a.imul(rdx, rdx, Number(k));
  else { a.mov(rax, k); a.imul(rdx, rax); }
  a.sub(rcx, rdx);
  m.setGp(d, rcx);
}

const intUnary: Lowering = (m, pc, op) => {
  m.a.mov(rax, m.rm(m.code[pc + 2]));
  INT_UNARY[op]!(m);
  m.setGp(m.code[pc + 1], rax);
};

const shift: Lowering = (m, pc, op) => {
  const { a, code } = m;
  a.mov(rcx, m.rm(code[pc + 3]));
  a.mov(rax, m.rm(code[pc + 2]));
  if (op === O.shl_i) a.shl(rax, cl);
  else a.sar(rax, cl);
  m.setGp(code[pc + 1], rax);
};

const floatBinary: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const d = code[pc + 1], y = code[pc + 3];
  const h = m.home(d);
  const t = h.at === 'xmm' && d !== y ? XMM[h.reg] : xmm0;
  m.loadF(t, code[pc + 2]);
  a.emit(FLOAT_BINARY[op]!, t, m.xm(y));
  if (t === xmm0) m.setFx(d, xmm0);
};

/** d = the flag in al, as 0/1. */
function setBool(m: Masm, d: number): void {
  m.a.movzx(eax, al);
  m.setGp(d, rax);
}

const intCompare: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const imm = m.rw.immediates.get(pc);
  if (imm) a.cmp(m.rm(code[pc + 2]), imm.k);
  else {
    a.mov(rax, m.rm(code[pc + 2]));
    a.cmp(rax, m.rm(code[pc + 3]));
  }
  a.setcc(INT_CC[OP_DEFS[op].rel!], al);
  setBool(m, code[pc + 1]);
};

const floatEquality: Lowering = (m, pc, op) => {
  const { a, code } = m;
  m.loadF(xmm0, code[pc + 2]);
  a.ucomisd(xmm0, m.xm(code[pc + 3]));
  if (op === O.eq_f) { a.sete(al); a.setnp(cl); a.and(al, cl); }
  else { a.setne(al); a.setp(cl); a.or(al, cl); }
  setBool(m, code[pc + 1]);
};

const floatOrder: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const { swap, cc } = FLOAT_ORDER[op]!;
  const x = code[pc + 2], y = code[pc + 3];
  m.loadF(xmm0, swap ? y : x);
  a.ucomisd(xmm0, m.xm(swap ? x : y));
  a.setcc(cc, al);
  setBool(m, code[pc + 1]);
};

const loadImmediate: Lowering = (m, pc) => {
  const d = m.code[pc + 1], h = m.home(d);
  if (h.at === 'gpr') m.a.mov(GP64[h.reg], m.code[pc + 2]);
  else m.a.mov(m.rm(d) as Mem, m.code[pc + 2]);
};

/** d = the float of these bits: +0.0 by zeroing its register. */
function floatConstant(m: Masm, d: number, bits: bigint): void {
  const h = m.home(d);
  if (h.at !== 'xmm') { m.load(d, qword(rip(m.floatConst(bits)))); return; }
  if (bits === 0n) m.a.xorps(XMM[h.reg], XMM[h.reg]);
  else m.a.movsd(XMM[h.reg], qword(rip(m.floatConst(bits))));
}

const global = (m: Masm, pc: number) => qword(rip(sym('bp_globals', 8 * m.code[pc + 2])));

export const LOWER_SCALAR: LowerTable = {
  [O.nop]: () => {},
  [O.loadi]: loadImmediate,
  [O.loadb]: loadImmediate,
  [O.loadk]: (m, pc) => {
    const { a } = m;
    const d = m.code[pc + 1], k = m.mod.consts[m.code[pc + 2]];
    if (k.tag === 'int') { a.mov(rax, k.value); m.setGp(d, rax); }
    else if (k.tag === 'float') floatConstant(m, d, f64Bits(k.value));
    else if (k.tag === 'str') { a.lea(rax, qword(rip(m.strConst(k.value)))); m.setGp(d, rax); }
  },
  [O.mov]: (m, pc) => {
    const d = m.code[pc + 1], x = m.code[pc + 2];
    if (m.isFloat(d)) m.setFx(d, m.fx(x));
    else m.setGp(d, m.gp(x));
  },
  [O.loadg]: (m, pc) => m.load(m.code[pc + 1], global(m, pc)),
  [O.storeg]: (m, pc) => m.store(global(m, pc), m.code[pc + 1]),
  [O.addk_i]: (m, pc) => {
    const { a, code } = m;
    const d = code[pc + 1], x = code[pc + 2], k = code[pc + 3];
    const h = m.home(d);
    if (d === x && h.at === 'gpr') { a.add(GP64[h.reg], k); return; }
    if (d === x) { a.add(m.rm(d) as Mem, k); return; }
    const src = m.gp(x);
    if (h.at === 'gpr') { a.lea(GP64[h.reg], qword(src, k)); return; }
    a.lea(rax, qword(src, k));
    m.setGp(d, rax);
  },
  [O.div_i]: divide,
  [O.mod_i]: divide,
  [O.shl_i]: shift,
  [O.shr_i]: shift,
  [O.mod_f]: (m, pc) => m.callSym(RT.fmod, [m.code[pc + 2], m.code[pc + 3]], m.code[pc + 1]),
  [O.neg_f]: (m, pc) => {
    m.loadF(xmm0, m.code[pc + 2]);
    m.a.xorpd(xmm0, qword(rip(m.floatConst(1n << 63n, 16))));
    m.setFx(m.code[pc + 1], xmm0);
  },
  [O.eq_f]: floatEquality,
  [O.ne_f]: floatEquality,
  [O.i2f]: (m, pc) => {
    m.a.xorps(xmm0, xmm0);
    m.a.cvtsi2sd(xmm0, m.rm(m.code[pc + 2]));
    m.setFx(m.code[pc + 1], xmm0);
  },
  [O.f2i]: (m, pc) => {
    m.a.cvttsd2si(rax, m.xm(m.code[pc + 2]));
    m.setGp(m.code[pc + 1], rax);
  },
  ...rows(INT_BINARY, intBinary),
  ...rows(FLOAT_BINARY, floatBinary),
  ...rows(INT_UNARY, intUnary),
  ...rows(FLOAT_ORDER, floatOrder),
  ...rows({ [O.eq_i]: 1, [O.ne_i]: 1, [O.lt_i]: 1, [O.le_i]: 1, [O.gt_i]: 1, [O.ge_i]: 1 }, intCompare),
};

/** The IEEE bits of a double. */
export function f64Bits(x: number): bigint {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x, true);
  return b.getBigUint64(0, true);
}
