// Lowerings of strings, conversions to text and printing: concatenation (a chain of parts is one
// call of bp_rt_str_concat_n, appending in place for appendn), comparison, length, to_str,
// f-string formatting and print. The runtime
// (runtime-asm) does the work; values it walks (containers, structs) go with their type
// descriptor as a C string.
import { Kind, O } from '../bytecode/opcodes.js';
import { eax, edi, edx, qword, rax, rcx, rdi, rdx, rip, rsi, rsp, sym, xmm0 } from '../x64/index.js';
import { RT } from './abi.js';
import { STR } from './heap.js';
import { regList, rows, type LowerTable, type Lowering } from './masm.js';

/**
 * concatn/appendn d, n, parts…: two strings are one bp_rt_str_concat; otherwise the parts go to
 * the stack as (kind, value) pairs — an int part is written in decimal in place — for one
 * bp_rt_str_concat_n, which grows d's string in place for appendn.
 */
const concatenation: Lowering = (m, pc, op) => {
  const d = m.code[pc + 1];
  const parts = regList(m.code, pc, 2);
  const ints = parts.map((r) => m.fn.regKinds[r] === Kind.Int);
  if (op === O.concatn && parts.length === 2 && !ints.some(Boolean)) { m.callAlloc(RT.strConcat, parts, d); return; }
  const { a } = m;
  a.sub(rsp, 16 * parts.length);
  parts.forEach((r, i) => {
    a.mov(qword(rsp, 16 * i), ints[i] ? 1 : 0);
    a.mov(qword(rsp, 16 * i + 8), m.gp(r));
  });
  a.mov(edi, parts.length);
  a.mov(rsi, rsp);
  a.mov(edx, op === O.appendn ? 1 : 0);
  m.callSym(RT.strConcatN, [], -1);
  a.add(rsp, 16 * parts.length);
  m.checkAlloc();
  m.setGp(d, rax);
};

const strEquality: Lowering = (m, pc, op) => {
  m.callSym(RT.strEq, [m.code[pc + 2], m.code[pc + 3]], -1);
  if (op === O.ne_s) m.a.xor(eax, 1);
  m.setGp(m.code[pc + 1], rax);
};

/** to_str of a value of type t: runtime conversions of numbers, the words for bools. */
const toStr: Lowering = (m, pc) => {
  const { a, code } = m;
  const d = code[pc + 1], x = code[pc + 2], t = m.mod.consts[code[pc + 3]].value as string;
  if (t === 'i') m.callAlloc(RT.strFromI64, [x], d);
  else if (t === 'f') m.callAlloc(RT.strFromF64, [x], d);
  else if (t === 'b') {
    a.lea(rax, qword(rip(m.strConst('true'))));
    a.lea(rcx, qword(rip(m.strConst('false'))));
    a.cmp(m.rm(x), 0);
    a.cmove(rax, rcx);
    m.setGp(d, rax);
  } else if (t === 's') m.setGp(d, m.gp(x));
  else {
    // Containers, structs, objects: their printed text (runtime-asm: bp_rt_repr_str).
    m.callBits(RT.reprStr, [x], false, t);
    m.checkAlloc();
    m.setGp(d, rax);
  }
};

/** fmt d, x, type, spec: bp_rt_format(value bits, spec, type descriptor), Python's format-spec mini-language. */
const format: Lowering = (m, pc) => {
  const { a, code } = m;
  const x = code[pc + 2];
  const spec = m.mod.consts[code[pc + 4]].value as string;
  m.spillXmm(true);
  if (m.isFloat(x)) { m.loadSpilledX(x, xmm0); a.movq(rdi, xmm0); } else a.mov(rdi, m.rm(x));
  a.lea(rsi, qword(rip(m.strConst(spec), STR.data)));
  a.lea(rdx, qword(rip(m.strConst(m.mod.consts[code[pc + 3]].value as string), STR.data)));
  m.location(rcx);
  a.call(sym(RT.format));
  m.spillXmm(false);
  m.checkAlloc();
  m.setGp(code[pc + 1], rax);
};

/** The runtime's printer of each scalar type; other values are printed by their descriptor. */
const PRINT: Readonly<Record<string, string>> = { i: RT.printI64, f: RT.printF64, b: RT.printBool, s: RT.printStr };

const print: Lowering = (m, pc) => {
  const { a, code } = m;
  for (let i = 0; i < code[pc + 1]; i++) {
    const r = code[pc + 2 + 2 * i];
    const t = m.mod.consts[code[pc + 3 + 2 * i]].value as string;
    if (i > 0) m.callSym(RT.printSpace, [], -1);
    if (PRINT[t]) m.callSym(PRINT[t], [r], -1);
    else {
      // Containers: the runtime walks the value by its type descriptor (a C string).
      m.spillXmm(true);
      a.mov(rdi, m.rm(r));
      a.lea(rsi, qword(rip(m.strConst(t), STR.data)));
      a.call(sym(RT.printValue));
      m.spillXmm(false);
    }
  }
  m.callSym(RT.printNewline, [], -1);
};

export const LOWER_STRING: LowerTable = {
  [O.concat]: (m, pc) => m.callAlloc(RT.strConcat, [m.code[pc + 2], m.code[pc + 3]], m.code[pc + 1]),
  [O.concatn]: concatenation,
  [O.appendn]: concatenation,
  [O.strlen]: (m, pc) => {
    m.a.mov(rax, qword(m.gp(m.code[pc + 2], rcx), STR.len));
    m.setGp(m.code[pc + 1], rax);
  },
  [O.tostr]: toStr,
  [O.fmt]: format,
  [O.print]: print,
  ...rows({ [O.eq_s]: 1, [O.ne_s]: 1 }, strEquality),
};
