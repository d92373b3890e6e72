// The native interpreter, generated with bpjit's own encoder (the way V8 builds Ignition with
// its macro-assembler): the interp-convention entry, one handler per instruction (handlers.ts),
// exception landing, the System V adapter through which compiled code, closures and methods
// reach interpreted functions, and the glue to the TypeScript side (entering native code on a
// stack of its own, calling the compiler back on koffi's stack, and the runtime's exit and error
// hooks, which unwind to the entry). The output is position-independent code with relocations
// against the runtime's and the program's symbols; the loader places it beside the runtime.
import { SYSV_ADAPTER_BYTES } from '../../bytecode/limits.js';
import { OPS } from '../../bytecode/opcodes.js';
import { ERR, RT, SYSV_INT_ARGS } from '../abi.js';
import {
  Assembler, MachineCode, eax, ecx, edi, edx, esi, qword, dword, byte, r10, r10d, r11, r11d, r12, r13, r14, r15, r8, r8d, r9, r9d, rax, rbp, rbx, rcx, rdi,
  rdx, rip, rsi, rsp, sym, xmm0, GP64, XMM,
} from '../../x64/index.js';
import { CALLBACK, END, END_KIND, FN, FRAME, SYM } from './layout.js';
import { COUNTING_OPS, Masm, emitCallInterp, emitHotLoop, emitStubbed, handlerOf, registerBlock, resumeAfterCall } from './handlers.js';
import { emitSampling } from './sampling.js';

export interface InterpCode {
  code: MachineCode;
  /** Offsets of the entry points (see ENTRIES). */
  entries: Record<(typeof ENTRIES)[number], number>;
  /** Offset of each opcode's handler (the dispatch table's contents), and the counting table's. */
  handlers: number[];
  countingHandlers: number[];
  /** [start, end) of the code whose frames are interpreter frames (the handler table's row). */
  frames: [number, number];
}

export const ENTRIES = ['bp_interp_enter', 'bp_interp_enter_counting', 'bp_interp_catch', 'bp_interp_from_sysv', 'bp_native_enter', 'bp_native_on_error',
  'bp_native_on_exit', 'bp_native_call_ts', 'bp_interp_stub', 'bp_native_sample', 'bp_native_sampling'] as const;


export function generateInterpreter(): InterpCode {
  const m = new Masm();
  const { a } = m;
  const at = new Map<string, ReturnType<Assembler['newLabel']>>();
  const entry = (name: (typeof ENTRIES)[number]) => { const l = a.newLabel(); a.bind(l); at.set(name, l); };
  const framesStart = a.newLabel(), framesEnd = a.newLabel();
  a.bind(framesStart);

  // --- bp_interp_enter: r11 = FnInfo, the register block above the return address ----------
  // (bp_interp_enter_counting counts the call first: bpjit profile)
  const enter = a.newLabel();
  entry('bp_interp_enter_counting');
  a.mov(rax, qword(r11, FN.prof));
  a.inc(qword(rax, 0));
  a.jmp(enter);
  a.align(16);
  entry('bp_interp_enter');
  a.bind(enter);
  a.push(rbp);
  a.mov(rbp, rsp);
  a.push(r11);
  a.push(rbx); // the pc slot, written before anything is called
  const overflow = a.newLabel(), hotCall = a.newLabel();
  a.cmp(rsp, qword(rip(sym(RT.stackLimit))));
  a.jb(overflow);
  a.mov(r14, r11);
  a.lea(r12, qword(rbp, FRAME.regs));
  a.mov(rbx, qword(r14, FN.code));
  a.dec(dword(r14, FN.calls));
  a.jz(hotCall);
  a.bind(m.dispatchLabel);
  m.dispatch();
  a.bind(hotCall);
  m.savePc();
  a.mov(edi, CALLBACK.hotCall);
  a.mov(esi, dword(r14, FN.index));
  a.mov(edx, -1);
  a.call(sym('bp_native_call_ts'));
  // Compiled now (rax: its entry in this convention): this call too goes on in compiled code, as
  // a call through the table would have — its frame alone, not this one and, at a hot loop, a
  // compiled frame under it (the recursion below would end a frame early). The stack is as the
  // caller's call left it once this frame is gone; the caller restores its registers from rbp.
  const interpreted = a.newLabel();
  a.test(rax, rax);
  a.jz(interpreted);
  a.lea(rsp, qword(rbp, FRAME.rspOffset));
  a.pop(rbx);
  a.pop(r11);
  a.pop(rbp);
  a.jmp(rax);
  a.bind(interpreted);
  resumeAfterCall(m);
  m.dispatch();
  a.bind(overflow);
  // (reported at the function's definition, as compiled code reports it)
  a.mov(rbx, qword(r11, FN.code));
  a.mov(r14, r11);
  a.jmp(m.fail(ERR.STACK_OVERFLOW));

  // --- the handlers -------------------------------------------------------------------------
  const handlerLabels = OPS.map(() => a.newLabel());
  const countingLabels = new Map([...COUNTING_OPS].map((op) => [op, a.newLabel()]));
  const stubbed = a.newLabel();
  OPS.forEach((_, op) => {
    const h = handlerOf(op);
    if (!h) return;
    a.align(16);
    a.bind(handlerLabels[op]);
    h(m, op);
  });
  m.counting = true;
  for (const [op, l] of countingLabels) {
    a.align(16);
    a.bind(l);
    handlerOf(op)!(m, op);
  }
  m.counting = false;
  a.align(16);
  entry('bp_interp_stub');
  a.bind(stubbed);
  emitStubbed(m);
  emitCallInterp(m);
  emitHotLoop(m, (op) => OPS[op].ops.indexOf('j') + 1);
  m.emitErrors();
  a.bind(framesEnd);

  // --- bp_interp_catch: the unwinder found this frame (rbp) with rsp = rbp-16, rax = message,
  // r13 = the throw's location. A handler of this function covering the instruction that was
  // executing takes it; otherwise the unwinder's search goes on at the caller.
  a.align(16);
  entry('bp_interp_catch');
  {
    const msg = r8, loc = r9;
    a.mov(msg, rax);
    a.mov(loc, r13);
    a.mov(r14, qword(rbp, FRAME.info));
    a.mov(rbx, qword(rbp, FRAME.pc));
    a.lea(r12, qword(rbp, FRAME.regs));
    a.mov(r13, qword(rip(sym(SYM.dispatchActive))));
    a.lea(r15, qword(rip(sym(SYM.consts))));
    const search = a.newLabel(), skip = a.newLabel(), propagate = a.newLabel(), noReg = a.newLabel();
    a.test(rbx, rbx);
    a.jz(propagate);
    a.mov(rcx, rbx);
    a.sub(rcx, qword(r14, FN.code));
    a.mov(rdx, qword(r14, FN.handlers));
    a.mov(esi, dword(r14, FN.nhandlers));
    a.bind(search);
    a.test(esi, esi);
    a.jz(propagate);
    a.movsxd(rax, dword(rdx, 0));
    a.cmp(rcx, rax);
    a.jl(skip);
    a.movsxd(rax, dword(rdx, 4));
    a.cmp(rcx, rax);
    a.jge(skip);
    a.movsxd(rax, dword(rdx, 12));
    a.test(rax, rax);
    a.js(noReg);
    a.mov(qword(r12, rax, 1, 0), msg);
    a.bind(noReg);
    a.movsxd(rax, dword(rdx, 8));
    a.mov(rbx, qword(r14, FN.code));
    a.add(rbx, rax);
    m.dispatch();
    a.bind(skip);
    a.add(rdx, 16);
    a.sub(esi, 1);
    a.jmp(search);
    a.bind(propagate);
    // The search goes on at the caller; this frame and those below stay as the throw left them.
    a.mov(r12, msg);
    a.mov(r13, loc);
    a.mov(r9, rbp);
    a.jmp(sym('bp_rt_throw_next'));
  }

  // --- bp_interp_from_sysv: a System V call of an interpreted function (r11d = its index,
  // rax = the closure of a lambda): the arguments move into a register block by the kinds the
  // FnInfo lists, then the interpreter runs it. Saves what System V wants saved.
  a.align(16);
  entry('bp_interp_from_sysv');
  {
    a.push(rbp);
    a.mov(rbp, rsp);
    for (const g of [rbx, r12, r13, r14, r15]) a.push(g);
    // the argument registers: rdi… at rbp-96…, xmm0… at rbp-160… (rsp stays 16-aligned); the
    // return address, rbp and the five saved registers make up the rest of the frame
    a.sub(rsp, SYSV_ADAPTER_BYTES - 56);
    const INT_SAVE = -48 - 48, FLOAT_SAVE = INT_SAVE - 64;
    SYSV_INT_ARGS.forEach((g, i) => a.mov(qword(rbp, INT_SAVE + 8 * i), g));
    for (let i = 0; i < 8; i++) a.movsd(qword(rbp, FLOAT_SAVE + 8 * i), XMM[i]);
    a.mov(r13, qword(rip(sym(SYM.dispatchActive))));
    a.lea(r15, qword(rip(sym(SYM.consts))));
    // A call that makes the function hot is compiled first and goes there with its arguments as
    // they came: this frame and an interpreter's would stay above the compiled one for as long
    // as it runs (a recursion entered so would end frames early). Not the program's first call,
    // whose caller's frame is the chain's last (saved rbp 0): every tier counts this frame there.
    const interpreted = a.newLabel();
    a.mov(rcx, qword(rbp, 0));
    a.cmp(qword(rcx, 0), 0);
    a.je(interpreted);
    a.lea(rcx, qword(rip(sym(SYM.infos))));
    a.mov(rcx, qword(rcx, r11, 8, 0));
    a.cmp(dword(rcx, FN.calls), 1);
    a.jne(interpreted);
    a.push(r11);
    a.push(rax);
    a.mov(edi, CALLBACK.hotSysvCall);
    a.mov(esi, r11d);
    a.mov(edx, -1);
    a.call(sym('bp_native_call_ts'));
    // (r10: no argument travels in it)
    a.mov(r10, rax);
    a.pop(rax);
    a.pop(r11);
    a.test(r10, r10);
    a.jz(interpreted);
    SYSV_INT_ARGS.forEach((g, i) => a.mov(g, qword(rbp, INT_SAVE + 8 * i)));
    for (let i = 0; i < 8; i++) a.movsd(XMM[i], qword(rbp, FLOAT_SAVE + 8 * i));
    a.mov(r11, r10);
    a.lea(rsp, qword(rbp, -40));
    for (const g of [r15, r14, r13, r12, rbx]) a.pop(g);
    a.pop(rbp);
    a.jmp(r11);
    a.bind(interpreted);
    // (a block too big for the stack left: the overflow is reported without a frame of its own,
    // as the interpreter's entry would report it)
    const overflow = a.newLabel();
    registerBlock(a, r11, rax, overflow);
    // then each parameter from the next integer or xmm register, or from the caller's stack
    const ints = r8, floats = r9, stack = r10;
    a.xor(r8d, r8d);
    a.xor(r9d, r9d);
    a.xor(r10d, r10d);
    a.mov(rdi, qword(r11, FN.kinds));
    const loop = a.newLabel(), done = a.newLabel(), float = a.newLabel(), fromStack = a.newLabel(), put = a.newLabel();
    a.bind(loop);
    a.cmp(esi, dword(r11, FN.nargs));
    a.jae(done);
    a.cmp(byte(rdi, rsi, 1, 0), 0);
    a.jne(float);
    a.cmp(ints, 6);
    a.jae(fromStack);
    a.mov(rdx, qword(rbp, ints, 8, INT_SAVE));
    a.add(ints, 1);
    a.jmp(put);
    a.bind(float);
    a.cmp(floats, 8);
    a.jae(fromStack);
    a.mov(rdx, qword(rbp, floats, 8, FLOAT_SAVE));
    a.add(floats, 1);
    a.jmp(put);
    a.bind(fromStack);
    a.mov(rdx, qword(rbp, stack, 8, 16));
    a.add(stack, 1);
    a.bind(put);
    a.mov(qword(rsp, rsi, 8, 0), rdx);
    a.add(esi, 1);
    a.jmp(loop);
    a.bind(done);
    a.call(qword(rip(sym(SYM.enterActive))));
    a.movq(xmm0, rax);
    a.lea(rsp, qword(rbp, -40));
    for (const g of [r15, r14, r13, r12, rbx]) a.pop(g);
    a.pop(rbp);
    a.ret();
    a.bind(overflow);
    a.mov(edi, ERR.STACK_OVERFLOW);
    a.xor(esi, esi);
    a.xor(edx, edx);
    a.call(sym(RT.error));
  }

  // --- bp_native_enter(rdi = System V function, rsi = top of the program's stack): runs it on
  // that stack with rbp = 0 (the end of the frame chain); returns its rax. The exit and error
  // hooks unwind to here.
  a.align(16);
  entry('bp_native_enter');
  const unwind = a.newLabel();
  {
    a.push(rbp);
    a.mov(rbp, rsp);
    for (const g of [rbx, r12, r13, r14, r15]) a.push(g);
    a.sub(rsp, 8);
    a.mov(qword(rip(sym(SYM.entryRsp))), rsp);
    a.mov(qword(rip(sym(SYM.end, 8 * END.kind))), END_KIND.returned);
    a.mov(rsp, rsi);
    a.xor(r10d, r10d);
    a.mov(rbp, r10);
    a.call(rdi);
    a.bind(unwind);
    a.mov(rsp, qword(rip(sym(SYM.entryRsp))));
    a.add(rsp, 8);
    for (const g of [r15, r14, r13, r12, rbx]) a.pop(g);
    a.pop(rbp);
    a.ret();
  }

  // --- the runtime's hooks: the error (edi id, rsi location, rdx argument) and exit (edi) --
  a.align(16);
  entry('bp_native_on_error');
  {
    const end = (slot: number) => qword(rip(sym(SYM.end, 8 * slot)));
    a.mov(end(END.kind), END_KIND.error);
    a.mov(end(END.id), rdi);
    a.mov(end(END.loc), rsi);
    a.mov(end(END.arg), rdx);
    a.mov(end(END.rbp), rbp);
    a.mov(rax, qword(rsp, 0));
    a.mov(end(END.ret), rax);
    a.and(rsp, -16);
    a.call(sym('bp_rt_flush'));
    a.jmp(unwind);
    a.align(16);
    entry('bp_native_on_exit');
    a.mov(end(END.kind), END_KIND.exit);
    a.mov(end(END.status), rdi);
    a.and(rsp, -16);
    a.call(sym('bp_rt_flush'));
    a.jmp(unwind);
  }

  // --- bp_native_call_ts(edi, esi, edx): TypeScript's callback, run on the stack native code
  // was entered from (V8 refuses to run on another); returns its rax.
  a.align(16);
  entry('bp_native_call_ts');
  {
    a.push(rbp);
    a.mov(rbp, rsp);
    a.push(rbx);
    a.push(r12);
    a.mov(rbx, rsp);
    a.mov(rsp, qword(rip(sym(SYM.entryRsp))));
    a.and(rsp, -16);
    a.call(qword(rip(sym(SYM.callback))));
    a.mov(rsp, rbx);
    a.pop(r12);
    a.pop(rbx);
    a.pop(rbp);
    a.ret();
  }
  emitSampling(a, entry);

  const code = a.finish();
  const entries = Object.fromEntries(ENTRIES.map((n) => [n, code.labelOffset(at.get(n)!)])) as InterpCode['entries'];
  const stubAt = code.labelOffset(stubbed);
  const handlers = OPS.map((_, op) => (handlerOf(op) ? code.labelOffset(handlerLabels[op]) : stubAt));
  return {
    code,
    entries,
    handlers,
    countingHandlers: handlers.map((off, op) => (countingLabels.has(op) ? code.labelOffset(countingLabels.get(op)!) : off)),
    frames: [code.labelOffset(framesStart), code.labelOffset(framesEnd)],
  };
}
