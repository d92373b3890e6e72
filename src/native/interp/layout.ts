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
  size: 64,
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
  /** The constant table (8 bytes per constant). */
  consts: 'bp_interp_consts',
  /** Site records of stubbed instructions (pointers, by site index). */
  sites: 'bp_interp_sites',
  /** TypeScript's callback (a koffi function pointer) and the stack it must run on. */
  callback: 'bp_native_callback',
  entryRsp: 'bp_native_entry_rsp',
  /** What ended the run: kind (0 return, 1 exit, 2 error), and the error's or exit's details. */
  end: 'bp_native_end',
} as const;

/** bp_native_end: 8-byte slots. */
export const END = { kind: 0, id: 1, loc: 2, arg: 3, rbp: 4, ret: 5, status: 6, throwInfo: 7, throwPc: 8, slots: 9 } as const;
export const END_KIND = { returned: 0, exit: 1, error: 2 } as const;

/** Callback reasons (rdi of bp_native_callback). */
export const CALLBACK = { hotCall: 0, hotLoop: 1, stub: 2 } as const;

/** Counter value that never reaches zero in practice (a function that will not be compiled). */
export const NEVER = 0x7fffffff;
