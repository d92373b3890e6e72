// Lowering of builtin calls (callb d, builtin, type, n, args…), by the builtin table's native
// column (src/lang/builtins.ts): a runtime call with the builtin's arguments, or a few
// instructions inline — INLINE below, one entry per builtin the table marks 'inline'.
import { O } from '../bytecode/opcodes.js';
import type { BcFunction } from '../bytecode/module.js';
import { builtinById, type InlineBuiltin, type RuntimeCall } from '../lang/builtins.js';
import { al, cl, eax, qword, rax, rcx, rdi, rdx, rip, rsi, sym, xmm0, xmm1 } from '../x64/index.js';
import { ERR, RT } from './abi.js';
import { ARRAY, MAP } from './heap.js';
import { regList, type LowerTable, type Masm } from './masm.js';
import { nativeType } from './unsupported.js';
import { f64Bits } from './lower-scalar.js';

/** A builtin lowered inline: d = the result register (-1: none), args its argument registers. */
type Inline = (m: Masm, d: number, args: number[]) => void;

/** max(a, min(b…)) shapes: rax = a, then rax = b when the condition holds. */
function select(m: Masm, a: number, b: number, cc: string): void {
  m.a.mov(rax, m.rm(a));
  m.a.mov(rcx, m.rm(b));
  m.a.cmp(rax, rcx);
  m.a.cmovcc(cc, rax, rcx);
}

/** d = the flag in al, as 0/1. */
function setBool(m: Masm, d: number): void {
  m.a.movzx(eax, al);
  m.setGp(d, rax);
}

const INLINE = {
  abs: (m, d, [x]) => {
    const { a } = m;
    a.mov(rax, m.rm(x));
    a.mov(rdx, rax);
    a.sar(rdx, 63);
    a.xor(rax, rdx);
    a.sub(rax, rdx);
    m.setGp(d, rax);
  },
  min: (m, d, [x, y]) => { select(m, x, y, 'g'); m.setGp(d, rax); },
  max: (m, d, [x, y]) => { select(m, x, y, 'l'); m.setGp(d, rax); },
  clamp: (m, d, [v, lo, hi]) => {
    const { a } = m;
    select(m, v, lo, 'l');
    a.mov(rcx, m.rm(hi));
    a.cmp(rax, rcx);
    a.cmovcc('g', rax, rcx);
    // clamp(v, lo, hi) is lo when v < lo even if lo > hi (spec §5.4).
    a.mov(rcx, m.rm(lo));
    a.cmp(rcx, m.rm(v));
    a.cmovcc('g', rax, rcx);
    m.setGp(d, rax);
  },
  sign: (m, d, [x]) => {
    const { a } = m;
    a.xor(eax, eax);
    a.cmp(m.rm(x), 0);
    a.setcc('g', al);
    a.setcc('l', cl);
    a.sub(al, cl);
    a.movsx(rax, al);
    m.setGp(d, rax);
  },
  // (ints: the identity)
  floor: (m, d, [x]) => m.setGp(d, m.gp(x)),
  ceil: (m, d, [x]) => m.setGp(d, m.gp(x)),
  round: (m, d, [x]) => m.setGp(d, m.gp(x)),
  sqrt: (m, d, [x]) => {
    const { a } = m;
    a.xorps(xmm0, xmm0);
    a.cvtsi2sd(xmm0, m.rm(x));
    a.sqrtsd(xmm0, xmm0);
    a.cvttsd2si(rax, xmm0);
    m.setGp(d, rax);
  },
  pow: (m, d, [x, y]) => {
    const { a } = m;
    a.xorps(xmm0, xmm0);
    a.cvtsi2sd(xmm0, m.rm(x));
    a.xorps(xmm1, xmm1);
    a.cvtsi2sd(xmm1, m.rm(y));
    m.callPlain(RT.pow);
    a.cvttsd2si(rax, xmm0);
    m.setGp(d, rax);
  },
  fsqrt: (m, d, [x]) => {
    m.a.sqrtsd(xmm0, m.xm(x));
    m.setFx(d, xmm0);
  },
  fabs: (m, d, [x]) => {
    m.loadF(xmm0, x);
    m.a.andpd(xmm0, qword(rip(m.floatConst((1n << 63n) - 1n, 16))));
    m.setFx(d, xmm0);
  },
  ffloor: (m, d, [x]) => { m.a.roundsd(xmm0, m.xm(x), 9); m.setFx(d, xmm0); },
  fceil: (m, d, [x]) => { m.a.roundsd(xmm0, m.xm(x), 10); m.setFx(d, xmm0); },
  is_nan: (m, d, [x]) => {
    m.loadF(xmm0, x);
    m.a.ucomisd(xmm0, xmm0);
    m.a.setp(al);
    setBool(m, d);
  },
  is_inf: (m, d, [x]) => {
    const { a } = m;
    a.movq(rax, m.fx(x));
    a.btr(rax, 63);
    a.mov(rcx, f64Bits(Infinity));
    a.cmp(rax, rcx);
    a.sete(al);
    setBool(m, d);
  },
  // arrays and maps
  array_push: (m, _, [arr, v]) => {
    const { a } = m;
    m.spillXmm(true);
    a.mov(rdi, m.rm(arr));
    if (m.isFloat(v)) { m.loadSpilledX(v, xmm0); a.movq(rsi, xmm0); } else a.mov(rsi, m.rm(v));
    a.call(sym(RT.arrayPush));
    m.spillXmm(false);
    a.test(eax, eax);
    a.jz(m.fail(ERR.OUT_OF_MEMORY));
  },
  typeof: (m, d, [x]) => {
    // Static for scalars and strings; containers and objects are null or their kind.
    const { a } = m;
    const t = m.fn.regTypes[x];
    const kind = ({ i: 'int', f: 'float', b: 'bool', s: 'str', '[': 'array', '{': 'map', '(': 'tuple', S: 'struct', C: 'class', F: 'fn' } as Record<string, string>)[t[0]] ?? 'ptr';
    a.lea(rax, qword(rip(m.strConst(kind))));
    if (!'ifbs'.includes(t[0])) {
      a.lea(rcx, qword(rip(m.strConst('null'))));
      a.cmp(m.rm(x), 0);
      a.cmove(rax, rcx);
    }
    m.setGp(d, rax);
  },
  map_len: (m, d, [x]) => {
    m.a.mov(rax, qword(m.gp(x, rcx), MAP.count));
    m.setGp(d, rax);
  },
  map_has_key: (m, d, args) => { m.callBits(RT.mapHas, args); if (d >= 0) m.setGp(d, rax); },
  map_delete: (m, d, args) => { m.callBits(RT.mapDelete, args); if (d >= 0) m.setGp(d, rax); },
  array_pop: (m, d, [arr]) => {
    const { a } = m;
    a.mov(rcx, m.rm(arr));
    a.mov(rax, qword(rcx, ARRAY.len));
    a.sub(rax, 1);
    a.jb(m.fail(ERR.ARRAY_POP_EMPTY));
    a.mov(qword(rcx, ARRAY.len), rax);
    a.mov(rdx, qword(rcx, ARRAY.data));
    m.load(d, qword(rdx, rax, 8, 0));
  },
  array_fill: (m, d, args) => {
    // The runtime returns null when memory is exhausted.
    const t = m.fn.regTypes[d];
    m.callSym(`bp_rt_array_fill_${'ifb'.includes(t[1]) ? t[1] : 'r'}`, args, d);
    m.a.cmp(m.rm(d), 0);
    m.a.je(m.fail(ERR.OUT_OF_MEMORY, m.line));
  },
} satisfies Record<InlineBuiltin, Inline>;

/** Why the builtin call at pc cannot be lowered (null: it can). */
export function builtinUnsupported(fn: BcFunction, pc: number): string | null {
  const b = builtinById(fn.code[pc + 2]);
  const native = b?.native;
  if (!native || native === 'instruction') return `builtin ${b?.name ?? '?'}`;
  // (array_fill's lowering depends on its result's element type)
  return b.name === 'array_fill' && !nativeType(fn.regTypes[fn.code[pc + 1]]) ? `builtin ${b.name}` : null;
}

/** d = call of a runtime function with the builtin's arguments (see RuntimeCall). */
function runtimeCall(m: Masm, call: RuntimeCall, d: number, args: number[], returnsValue: boolean): void {
  if (call.typed) {
    // Arguments as bits, then the first argument's type descriptor (then the location).
    m.callBits(call.symbol, args, call.located, m.fn.regTypes[args[0]]);
    if (call.allocates) m.checkAlloc();
    if (d >= 0 && returnsValue) m.setResult(d, true);
    return;
  }
  m.callSym(call.symbol, args, returnsValue ? d : -1, undefined, call.located);
  if (call.allocates) m.checkAlloc();
}

export const LOWER_BUILTIN: LowerTable = {
  [O.callb]: (m, pc) => {
    const { code } = m;
    const d = code[pc + 1];
    const b = builtinById(code[pc + 2])!;
    const args = regList(code, pc, 4);
    if (typeof b.native === 'object') runtimeCall(m, b.native, d, args, m.fn.regTypes[d] !== 'v');
    else if (b.native === 'inline') INLINE[b.name as InlineBuiltin](m, d, args);
    else throw new Error(`lowering: builtin ${b.name}`);
  },
};
