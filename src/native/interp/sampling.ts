// Time by sampling (bpjit profile): a timer sends SIGPROF to the running thread every interval, and the handler records the interrupted registers and the frame-pointer chain into a
// buffer (layout.ts: SAMPLE), which the loader decodes into stacks after the run. Interpreter
// frames and compiled frames are walked alike, because both keep rbp chained; a frame of the
// interpreter also yields its function and instruction (FRAME.info, FRAME.pc), and the
// innermost one's come from the interrupted rbx and r14. Everything here is plain system calls,
// safe in a signal handler.
import { Assembler, eax, edi, edx, esi, qword, dword, r10, r10d, r11, r8, rax, rbx, rcx, rdi, rdx, rip, rsi, rsp, sym } from '../../x64/index.js';
import { SAMPLE, SAMPLE_HEADER, SAMPLE_PEEK, SYM } from './layout.js';
import { STACK_MARGIN } from '../../bytecode/limits.js';

const SIGPROF = 27;
const SYS = { rtSigaction: 13, gettid: 186, timerCreate: 222, timerSettime: 223, timerDelete: 226 } as const;
const SA_SIGINFO = 4, SA_RESTORER = 0x04000000, SA_RESTART = 0x10000000;
// Wall-clock time: the kernel checks CPU-time timers only at its scheduler tick (10 ms here),
// while a monotonic timer fires on time; time blocked in a system call shows where it waits.
const CLOCK_MONOTONIC = 1, SIGEV_THREAD_ID = 4;
/** ucontext_t: the general registers from byte 40 (uc_mcontext.gregs), in the kernel's order. */
const UC = (reg: 'r14' | 'rbp' | 'rbx' | 'rsp' | 'rip') => 40 + 8 * { r14: 6, rbp: 10, rbx: 11, rsp: 15, rip: 16 }[reg];
/** The saved SIGPROF action (32 bytes) and the timer's id, in SYM.samplingState. */
const STATE = { oldAction: 0, timer: 32, size: 40 } as const;
export const SAMPLING_STATE_BYTES = STATE.size;

export function emitSampling(a: Assembler, entry: (name: 'bp_native_sample' | 'bp_native_sampling') => void): void {
  // --- the handler: (edi signal, rsi siginfo, rdx ucontext) -----------------------------------
  a.align(16);
  entry('bp_native_sample');
  {
    const out = r8, lo = r10, hi = r11, fp = rcx, n = edi;
    const ok = a.newLabel(), noPeek = a.newLabel(), peeked = a.newLabel(), walk = a.newLabel(), last = a.newLabel(), done = a.newLabel();
    a.mov(out, qword(rip(sym(SYM.samplePos))));
    a.lea(rax, qword(out, 8 * (SAMPLE_HEADER + 3 * SAMPLE.maxFrames)));
    a.cmp(rax, qword(rip(sym(SYM.sampleEnd))));
    a.jbe(ok);
    a.inc(qword(rip(sym(SYM.sampleDropped))));
    a.ret();
    a.bind(ok);
    for (const [field, reg] of [[SAMPLE.rip, 'rip'], [SAMPLE.rbx, 'rbx'], [SAMPLE.r14, 'r14']] as const) {
      a.mov(rax, qword(rdx, UC(reg)));
      a.mov(qword(out, 8 * field), rax);
    }
    // The stack's readable part: from above its guard (with room for a frame's two words below
    // rbp) to its top. Anything else in rbp or rsp is not ours (V8's, or 0).
    a.mov(lo, qword(rip(sym('bp_rt_stack_limit'))));
    a.sub(lo, STACK_MARGIN - 16);
    a.mov(hi, qword(rip(sym('bp_rt_stack_top'))));
    // the frame rbp points at, as an interpreter frame would describe itself
    const noFp = a.newLabel(), fpDone = a.newLabel();
    a.mov(fp, qword(rdx, UC('rbp')));
    a.cmp(fp, lo);
    a.jb(noFp);
    a.cmp(fp, hi);
    a.jae(noFp);
    a.mov(rax, qword(fp, -8));
    a.mov(qword(out, 8 * SAMPLE.fpInfo), rax);
    a.mov(rax, qword(fp, -16));
    a.mov(qword(out, 8 * SAMPLE.fpPc), rax);
    a.jmp(fpDone);
    a.bind(noFp);
    a.mov(qword(out, 8 * SAMPLE.fpInfo), 0);
    a.mov(qword(out, 8 * SAMPLE.fpPc), 0);
    a.bind(fpDone);
    // the top of the stack, where a frameless function keeps its return address
    a.mov(fp, qword(rdx, UC('rsp')));
    a.cmp(fp, lo);
    a.jb(noPeek);
    a.lea(rax, qword(fp, 8 * SAMPLE_PEEK));
    a.cmp(rax, hi);
    a.ja(noPeek);
    for (let i = 0; i < SAMPLE_PEEK; i++) { a.mov(rax, qword(fp, 8 * i)); a.mov(qword(out, 8 * (SAMPLE.peek + i)), rax); }
    a.jmp(peeked);
    a.bind(noPeek);
    for (let i = 0; i < SAMPLE_PEEK; i++) a.mov(qword(out, 8 * (SAMPLE.peek + i)), 0);
    a.bind(peeked);
    a.mov(fp, qword(rdx, UC('rbp')));
    a.lea(rsi, qword(out, 8 * SAMPLE_HEADER));
    a.xor(n, n);
    a.bind(walk);
    a.cmp(n, SAMPLE.maxFrames);
    a.jae(done);
    a.cmp(fp, lo);
    a.jb(done);
    a.lea(rax, qword(fp, 16));
    a.cmp(rax, hi);
    a.ja(done);
    a.mov(rax, qword(fp, 8));
    a.mov(qword(rsi, 0), rax);
    a.mov(rdx, qword(fp, 0)); // the caller's frame: above this one, or the end of the chain
    a.cmp(rdx, fp);
    a.jbe(last);
    a.lea(rax, qword(rdx, 0));
    a.cmp(rax, hi);
    a.jae(last);
    a.mov(rax, qword(rdx, -8));
    a.mov(qword(rsi, 8), rax);
    a.mov(rax, qword(rdx, -16));
    a.mov(qword(rsi, 16), rax);
    a.add(rsi, 24);
    a.add(n, 1);
    a.mov(fp, rdx);
    a.jmp(walk);
    a.bind(last);
    a.mov(qword(rsi, 8), 0);
    a.mov(qword(rsi, 16), 0);
    a.add(rsi, 24);
    a.add(n, 1);
    a.bind(done);
    a.mov(qword(out, 8 * SAMPLE.frames), rdi);
    a.mov(qword(rip(sym(SYM.samplePos))), rsi);
    a.ret();
  }

  // --- bp_native_sampling(rdi = interval in ns; 0 stops): the timer and the handler ----------
  a.align(16);
  entry('bp_native_sampling');
  {
    const state = (off: number) => qword(rip(sym(SYM.samplingState, off)));
    const stop = a.newLabel(), sys = (n: number) => { a.mov(eax, n); a.syscall(); };
    a.push(rbx);
    a.sub(rsp, 128);
    a.test(rdi, rdi);
    a.jz(stop);
    a.mov(rbx, rdi);
    // sigaction(SIGPROF, {handler, flags, restorer, mask 0}, old state)
    a.lea(rax, qword(rip(sym('bp_native_sample'))));
    a.mov(qword(rsp, 0), rax);
    a.mov(qword(rsp, 8), SA_SIGINFO | SA_RESTORER | SA_RESTART);
    a.lea(rax, qword(rip(sym('bp_rt_sigreturn'))));
    a.mov(qword(rsp, 16), rax);
    a.mov(qword(rsp, 24), 0);
    a.mov(edi, SIGPROF);
    a.mov(rsi, rsp);
    a.lea(rdx, state(STATE.oldAction));
    a.mov(r10d, 8);
    sys(SYS.rtSigaction);
    // a timer that signals this thread
    sys(SYS.gettid);
    for (let i = 0; i < 8; i++) a.mov(qword(rsp, 32 + 8 * i), 0);
    a.mov(dword(rsp, 32 + 8), SIGPROF);
    a.mov(dword(rsp, 32 + 12), SIGEV_THREAD_ID);
    a.mov(dword(rsp, 32 + 16), eax);
    a.mov(edi, CLOCK_MONOTONIC);
    a.lea(rsi, qword(rsp, 32));
    a.lea(rdx, state(STATE.timer));
    sys(SYS.timerCreate);
    // every interval from one interval on: {interval {0, ns}, value {0, ns}}
    a.mov(qword(rsp, 96), 0);
    a.mov(qword(rsp, 104), rbx);
    a.mov(qword(rsp, 112), 0);
    a.mov(qword(rsp, 120), rbx);
    a.mov(edi, dword(rip(sym(SYM.samplingState, STATE.timer))));
    a.xor(esi, esi);
    a.lea(rdx, qword(rsp, 96));
    a.xor(r10d, r10d);
    sys(SYS.timerSettime);
    const out = a.newLabel();
    a.jmp(out);
    a.bind(stop);
    a.mov(edi, dword(rip(sym(SYM.samplingState, STATE.timer))));
    sys(SYS.timerDelete);
    a.mov(edi, SIGPROF);
    a.lea(rsi, state(STATE.oldAction));
    a.xor(edx, edx);
    a.mov(r10d, 8);
    sys(SYS.rtSigaction);
    a.bind(out);
    a.add(rsp, 128);
    a.pop(rbx);
    a.ret();
  }
}
