// The in-process tier's tracebacks: the frame-pointer chain from where a runtime error entered
// the runtime, read back after native code has returned (its stack is still intact). Each
// return address says whose frame the next one is: interpreter code — an interpreter frame,
// whose FnInfo and executing instruction sit at fixed offsets (interp/layout.ts); compiled code
// — the function installed there, its line from the MachineFunction's line rows; a stub — no
// frame of the program's own (its caller, an interpreter frame, says where). The rules are
// those of the executables' runtime (runtime-asm/traceback.asm), so both print the same.
import { lineOfPc, type BytecodeModule } from '../bytecode/module.js';
import { TraceBuilder } from '../bytecode/traceback.js';
import { ERR } from '../native/abi.js';
import { FRAME } from '../native/interp/layout.js';
import { lineOfOffset, type MachineFunction } from '../native/machine.js';
import type { Region } from './memory.js';

/** Code placed while the program runs: a compiled function or a stub, at `at`. */
export interface PlacedCode {
  kind: 'compiled' | 'stub';
  index: number;
  at: number;
  mf: MachineFunction;
}

export interface WalkContext {
  mod: BytecodeModule;
  stack: Region;
  /** [start, end) of the interpreter code whose frames are interpreter frames. */
  interp: [number, number];
  /** [start, end) of the runtime's code. */
  runtime: [number, number];
  /** Function index of a FnInfo address (-1: none). */
  fnOfInfo(info: number): number;
  /** Address of function i's interpreter code. */
  interpCode(index: number): number;
  /** The compiled function or stub placed at `addr`, if any. */
  codeAt(addr: number): PlacedCode | null;
  stringAt(addr: bigint): string;
}

export interface NativeError {
  id: number;
  /** Address of the "file:line" string the error came with (0: none). */
  loc: bigint;
  rbp: bigint;
  /** The return address on top of the stack when the error entered the runtime. */
  ret: bigint;
  /** The trips of the self-call loop whose overflow this is: a frame each (see tailTrips). */
  tailTrips: number;
}

/** The traceback text and the error's location ("file:line"; null when nothing says). */
export function nativeTraceback(ctx: WalkContext, e: NativeError): { text: string; location: string | null } {
  const { mod } = ctx;
  const trace = new TraceBuilder((i) => ({ name: mod.functions[i].name, file: mod.files[mod.functions[i].file] }));
  let location = e.loc ? ctx.stringAt(e.loc) : null;
  // A stack overflow without a location is raised by a callee's prologue: the frame it had
  // begun is not part of the chain, and the error is at the call.
  let drop = e.id === ERR.STACK_OVERFLOW && !e.loc;
  let trips = e.tailTrips;
  const add = (fn: number, line: number) => {
    if (drop) { drop = false; return; }
    location ??= `${mod.files[mod.functions[fn].file]}:${line}`;
    trace.add(fn, line, 1 + trips);
    trips = 0;
  };
  const stackBase = Number(ctx.stack.base), stackEnd = stackBase + ctx.stack.size;
  const words = new Uint32Array(ctx.stack.bytes(ctx.stack.size).buffer);
  const word = (addr: number) => { const i = (addr - stackBase) >>> 2; return words[i] + words[i + 1] * 2 ** 32; };
  const readable = (fp: number) => fp >= stackBase + 4096 && fp + 16 <= stackEnd && ((fp - stackBase) & 7) === 0;
  let pc = Number(e.ret), fp = Number(e.rbp);
  if (e.id === ERR.DEEP_VALUE) pc = callIntoRuntime(ctx, word, fp, stackBase) ?? pc;
  let last = { info: -1, at: -1, fn: -1, line: 0 };
  for (let first = true; readable(fp); first = false) {
    // (pc is a return address: pc - 1 is in the call, which may be the last instruction there is)
    if (pc - 1 >= ctx.interp[0] && pc - 1 < ctx.interp[1]) {
      const info = word(fp + FRAME.info), at = word(fp + FRAME.pc);
      // (deep recursion repeats one frame millions of times: the last one is remembered)
      if (info !== last.info || at !== last.at) {
        const fn = ctx.fnOfInfo(info);
        last = { info, at, fn, line: fn >= 0 ? lineOfPc(mod.functions[fn], (at - ctx.interpCode(fn)) / 4) : 0 };
      }
      if (last.fn >= 0) add(last.fn, last.line);
    } else {
      const c = ctx.codeAt(pc - 1);
      if (c?.kind === 'compiled') add(c.index, lineOfOffset(c.mf, pc - c.at - 1));
      else if (!c && first && e.loc) {
        // A runtime function (frameless) raised it for compiled code: the location's owner.
        const owner = ctx.codeAt(Number(e.loc));
        if (owner?.kind === 'compiled') add(owner.index, Number(location!.slice(location!.lastIndexOf(':') + 1)));
      }
    }
    const next = word(fp);
    if (next <= fp) break;
    pc = word(fp + 8);
    fp = next;
  }
  return { text: trace.text(), location };
}

/**
 * A runtime walker that ran out of stack (ERR.DEEP_VALUE) raised its error from deep inside
 * itself: the program's call into the runtime is the last return address into the program's code
 * (compiled, a stub or the interpreter) below the frame fp before the runtime's own return
 * addresses begin — a compiled leaf has no frame of its own, so the first one found below fp
 * can be its caller's call. (The runtime's own search, bp_rt_deep_value, knows only an
 * executable's code.)
 */
function callIntoRuntime(ctx: WalkContext, word: (addr: number) => number, fp: number, stackBase: number): number | null {
  const within = (pc: number, [start, end]: [number, number]) => pc - 1 >= start && pc - 1 < end;
  let found: number | null = null;
  // (the stack's lowest page is its guard: not readable)
  for (let at = fp - 8; at >= stackBase + 4096; at -= 8) {
    const pc = word(at);
    if (within(pc, ctx.interp) || ctx.codeAt(pc - 1)) found = pc;
    else if (found !== null && within(pc, ctx.runtime)) break;
  }
  return found;
}
