// MachineFunction: what the lowering hands to the in-process loader and to the linker — the
// bytes of one function from the x64 encoder, its relocations against named symbols, and the
// maps back to bytecode pcs and source lines.
import type { Reloc } from '../x64/index.js';
import type { FrameDebug } from './frame-debug.js';

export interface MachineFunction {
  /** The bytecode function's name. */
  readonly name: string;
  /** Its native symbol (see abi.ts fnSymbol). */
  readonly symbol: string;
  readonly code: Uint8Array;
  readonly relocs: Reloc[];
  /** Native offset of each lowered bytecode instruction, ascending. */
  readonly pcMap: { offset: number; pc: number }[];
  /**
   * Native offset → source line rows, ascending from offset 0 (the `def` line): each instruction
   * of the body, then each error stub at its error's line (DWARF line tables, tracebacks).
   */
  readonly lines: { offset: number; line: number; frames?: InlineFrame[] }[];
  /**
   * The "file:line" strings (by offset in `code`) of instructions inlined from other functions,
   * with their frames: a runtime function that fails with one of them names them (tracebacks).
   */
  readonly locs?: { offset: number; frames: InlineFrame[] }[];
  /**
   * Exception handlers, innermost first: native [start, end) protected, the handler entry (which
   * expects the message in rax), and rsp's offset from rbp inside the function body.
   */
  readonly handlers: { start: number; end: number; entry: number; rspOffset: number }[];
  /** Loop-header pc → offset of an on-stack-replacement entry (JIT only). */
  readonly osr: Map<number, number>;
  /** Offset of the entry in the interpreter's calling convention, when asked for. */
  readonly interpEntry?: number;
  /** Instruction listing (nasm syntax) when requested, for `disasm --native`. */
  readonly listing?: { offset: number; length: number; text: string }[];
  readonly comments?: { offset: number; text: string }[];
  /** With a listing: where each label the listing names (L<id>) is. */
  readonly labels?: { id: number; offset: number }[];
  /**
   * Read-only data (float constants, static strings) from `start` to the end of `code`, and the
   * references to it from the code before (field offset, target offset, addend: value = target +
   * addend - field), so a linker can move it into .rodata.
   */
  readonly rodata?: { start: number; refs: { offset: number; target: number; addend: number }[] };
  /** The frame described for debuggers (LowerOptions.debug). */
  readonly frame?: FrameDebug;
}

/**
 * A frame of code inlined from other functions (bytecode/inline.ts), by function index and line.
 * A line row's `frames` lists them innermost first, ending with the function itself at the line
 * of its call; the row's `line` is that last one (what a debugger steps through).
 */
export interface InlineFrame {
  fn: number;
  line: number;
}

/** Why a function cannot be lowered: the operation, its source line and a short reason. */
export interface Unsupported {
  readonly op: string;
  readonly line: number;
  readonly reason: string;
}

export type LowerResult = { ok: true; mf: MachineFunction } | { ok: false; why: Unsupported };

/** The source line of native offset `off` of a compiled function: its last line row at or before it. */
export function lineOfOffset(mf: MachineFunction, off: number): number {
  const rows = mf.lines;
  let lo = 0, hi = rows.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].offset <= off) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found >= 0 ? rows[found].line : 0;
}
