// The data the native interpreter shares with the loader that feeds it: the function record
// (FnInfo), the frame, the operand encoding of its code, and the symbols of its tables. One
// place, so the generator (interp/*.ts) and the loader (src/loader/program.ts) cannot disagree.
//
// Interpreter frame (every interpreted call, whoever the caller):
//
//   [rbp+16+8*i]  register i of the function (the caller allocates this block, the arguments
//                 first: captured values, then parameters — the "interp" calling convention)
//   [rbp+8]       return address
//   [rbp]         caller's rbp (frame-pointer chain: GC roots, exceptions, tracebacks)
//   [rbp-8]       the function's FnInfo
//   [rbp-16]      the executing instruction's address, stored before anything is called
//   rsp = rbp-16  between instructions (16-byte aligned)
//
// In the interpreter rbx holds the instruction pointer, r12 the register block, r13 the
// dispatch table, r14 the FnInfo and r15 the constant table.

import { SAMPLE_MAX_FRAMES } from '../../bytecode/limits.js';

/** FnInfo: one 64-byte record per function, in the program's data area. */
export const FN = {
  /** Address of the function's interpreter code (the bytecode with operands resolved, below). */
  code: 0,
  /** Calls left before the function is hot (int32; counts down). */
  calls: 8,
  /** Loop back-edges left before a loop of the function is hot (int32). */
  loops: 12,
  index: 16,
  /** Arguments in the register block: captured values, then parameters (int32). */
  nargs: 20,
  ncaps: 24,
  /** Bytes of the register block, a multiple of 16 (int32). */
  frame: 28,
  /** Exception handlers: 16 bytes each (start, end, target: byte offsets in code; register offset or -1). */
  handlers: 32,
  nhandlers: 40,
  /** Per argument, 1 when it travels in an xmm register (float), else 0. */
  kinds: 48,
  /**
   * The function's profile counters (64-bit): calls, then one slot per code word as the VM's
   * (taken / loop trips / call-site counts at the instruction's word, not taken / loop exits at
   * the next); and that address minus twice the code's plus 8, so that the slot of the
   * instruction at rbx is [profBias + 2*rbx].
   */
  prof: 56,
  profBias: 64,
  size: 80,
} as const;

export const FRAME = { info: -8, pc: -16, regs: 16, rspOffset: -16 } as const;

/**
 * Operand encoding of interpreter code: the same int32 words as the bytecode, one instruction
 * for one, so a bytecode pc and a code offset map 1:1 (offset = 4*pc). Register operands become
 * byte offsets in the register block (8*r), constant indices byte offsets in the constant table
 * (8*k), global indices byte offsets in bp_globals, and jump targets byte displacements from the
 * start of the instruction. Instructions executed by a compiled stub (see STUB_OPS) have their
 * first operand word replaced by the index of their site record.
 */
export const SCALE: Record<string, number> = { d: 8, r: 8, k: 8, g: 8 };

/** A site record of a stubbed instruction: entry, destination, argument count, length, arguments. */
export const SITE = { entry: 0, dest: 8, nargs: 12, length: 16, args: 24 } as const;

/** Trampolines: one per function, `mov r11d, index; jmp [sysv table + 8*index]`, 16 bytes apart. */
export const TRAMP_SIZE = 16;

/** Data symbols the interpreter reads (defined by the loader for each program). */
export const SYM = {
  /** Pointer to the FnInfo pointers, by function index. */
  infos: 'bp_interp_infos',
  /** Entry of each function in the interp convention: the interpreter, or compiled code. */
  ieTable: 'bp_interp_ie_table',
  /** Entry of each function in the System V convention (what trampolines jump through). */
  sysvTable: 'bp_interp_sysv_table',
  /** First trampoline and the end of the last. */
  tramps: 'bp_interp_tramps',
  trampsEnd: 'bp_interp_tramps_end',
  /** Where a frame's registers wait while it goes on in compiled code (a hot loop's OSR). */
  osrRegs: 'bp_interp_osr_regs',
  /** The constant table (8 bytes per constant). */
  consts: 'bp_interp_consts',
  /** Site records of stubbed instructions (pointers, by site index). */
  sites: 'bp_interp_sites',
  /** TypeScript's callback (a koffi function pointer) and the stack it must run on. */
  callback: 'bp_native_callback',
  entryRsp: 'bp_native_entry_rsp',
  /** What ended the run: kind (0 return, 1 exit, 2 error), and the error's or exit's details. */
  end: 'bp_native_end',
  /** The dispatch tables (plain and counting) and the one in use; likewise the interp entries. */
  dispatch: 'bp_interp_dispatch',
  dispatchCounting: 'bp_interp_dispatch_counting',
  dispatchActive: 'bp_interp_dispatch_active',
  enterActive: 'bp_interp_enter_active',
  /** Stack samples: the buffer's next free byte and its end, the samples dropped when full. */
  samplePos: 'bp_native_sample_pos',
  sampleEnd: 'bp_native_sample_end',
  sampleDropped: 'bp_native_sample_dropped',
  /** The timer's state while sampling (sampling.ts). */
  samplingState: 'bp_native_sampling_state',
} as const;

/** The profile counters of function `index` (a symbol compiled code counts into). */
export const profSymbol = (index: number): string => `bp_prof$${index}`;

/**
 * A stack sample: the number of frames n, the interrupted rip, rbx and r14 (the interpreter's
 * instruction and FnInfo when rip is in it), FRAME.info and FRAME.pc of the frame rbp points
 * at, up to SAMPLE_PEEK words from the top of the stack (a frameless runtime function's return
 * address is among them), then n frames of the frame-pointer chain, innermost first: return
 * address, and FRAME.info and FRAME.pc of the frame it returns to (meaningful when that is an
 * interpreter frame).
 */
export const SAMPLE = { frames: 0, rip: 1, rbx: 2, r14: 3, fpInfo: 4, fpPc: 5, peek: 6, maxFrames: SAMPLE_MAX_FRAMES } as const;
// A frameless runtime function that calls another keeps its caller's return address under its
// own return address and pushed registers (bp_rt_map_get: 3 pushes, then bp_rt_map_lookup): 4
// words lost the compiled caller of most map and string samples; 16 finds it.
export const SAMPLE_PEEK = 16;
export const SAMPLE_HEADER = SAMPLE.peek + SAMPLE_PEEK;

/** bp_native_end: 8-byte slots. */
export const END = { kind: 0, id: 1, loc: 2, arg: 3, rbp: 4, ret: 5, status: 6, slots: 7 } as const;
export const END_KIND = { returned: 0, exit: 1, error: 2 } as const;

/** Callback reasons (rdi of bp_native_callback). */
export const CALLBACK = { hotCall: 0, hotLoop: 1, stub: 2, hotSysvCall: 3 } as const;

/** Counter value that never reaches zero in practice (a function that will not be compiled). */
export const NEVER = 0x7fffffff;
