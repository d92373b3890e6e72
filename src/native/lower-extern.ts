// Lowering of calls of C functions declared `extern` (callx d, extern, n, args…), through the
// extern's slot (the dynamic loader or the in-process loader fill it; abi.ts externSlot).
import { O } from '../bytecode/opcodes.js';
import { Gp64, Mem, XMM, al, eax, qword, rax, rdi, rip, rsp, sym, xmm0 } from '../x64/index.js';
import { RT, SYSV_INT_ARGS, externSlot } from './abi.js';
import { PTR, STR, STRUCT } from './heap.js';
import { regList, type LowerTable, type Lowering } from './masm.js';

/**
 * System V: int and bool in 64-bit registers, float as double, str as the address of its bytes
 * (a NUL follows them), ptr as the C address it holds (NULL for null, mutexes and conditions);
 * past six integer or eight float arguments, on the stack. rsp is 16-byte aligned between
 * instructions (frame.ts), so an odd number of stack words takes one word of padding; rbx and
 * r12–r15 are preserved by C, the xmm homes are spilled, and nothing lives in r10/r11 across a
 * call (callx is a call for frame.ts). al holds the number of vector registers used, for
 * variadic callees. A str result is copied into a new string, a ptr result boxed.
 */
const externCall: Lowering = (m, pc) => {
  const { a, code } = m;
  const d = code[pc + 1], index = code[pc + 2], ext = m.mod.externs[index];
  const args = regList(code, pc, 3);
  m.spillXmm(true);
  const ints: number[] = [], floats: number[] = [], stack: number[] = [];
  args.forEach((r, i) => {
    if (m.isFloat(r)) (floats.length < 8 ? floats : stack).push(i);
    else (ints.length < 6 ? ints : stack).push(i);
  });
  const cValue = (i: number, into: Gp64) => {
    a.mov(into, m.rm(args[i]));
    if (ext.params[i] === 's') a.add(into, STR.data);
    else if (ext.params[i] === 'p') {
      const done = a.newLabel();
      a.test(into, into);
      a.jz(done);
      a.cmp(qword(into, STRUCT.fields + PTR.kind), PTR.c);
      a.mov(into, qword(into, STRUCT.fields + PTR.payload));
      a.je(done);
      a.xor(into, into);
      a.bind(done);
    }
  };
  // A str result may point into a str argument: the arguments stay on the stack, where the
  // collector sees them, until the result is copied (an argument in r10/r11 would be lost).
  const keep = ext.ret === 's' ? args.filter((_, i) => ext.params[i] === 's') : [];
  const keepBytes = 8 * keep.length + (keep.length % 2 ? 8 : 0);
  if (keep.length % 2) a.sub(rsp, 8);
  for (const r of keep) a.push(m.rm(r));
  const pad = stack.length % 2 === 1 ? 8 : 0;
  if (pad) a.sub(rsp, 8);
  for (const i of [...stack].reverse()) {
    if (m.isFloat(args[i])) a.push(m.rm(args[i]) as Mem); // (its spill slot)
    else { cValue(i, rax); a.push(rax); }
  }
  floats.forEach((i, k) => m.loadSpilledX(args[i], XMM[k]));
  ints.forEach((i, k) => cValue(i, SYSV_INT_ARGS[k]));
  a.mov(eax, floats.length);
  a.call(qword(rip(sym(externSlot(index)))));
  if (stack.length || pad) a.add(rsp, 8 * stack.length + pad);
  switch (ext.ret) {
    case 'f': m.spillXmmExcept(d); m.setFx(d, xmm0); return;
    case 'b': a.test(al, al); a.setne(al); a.movzx(eax, al); break;
    case 's':
      a.mov(rdi, rax);
      a.call(sym(RT.strFromCString));
      if (keepBytes) a.add(rsp, keepBytes);
      m.checkAlloc();
      break;
    case 'p': a.mov(rdi, rax); a.call(sym(RT.ptrFromC)); m.checkAlloc(); break;
  }
  m.spillXmm(false);
  if (ext.ret !== 'v' && d >= 0) m.setGp(d, rax);
};

export const LOWER_EXTERN: LowerTable = { [O.callx]: externCall };
