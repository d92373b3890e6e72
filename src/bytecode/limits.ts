// The limits every tier shares, so that a program that runs on one runs on all and one that
// fails fails alike. 256 MiB of stack: a million frames of a small function take 96 MiB, and the
// TypeScript VM can hold as many. Native code (executables, the in-process tier) runs on a stack of
// STACK_BYTES, the lowest page a guard and the next STACK_MARGIN kept free for reporting an
// overflow; a call that would go below that is the stack overflow error. The TypeScript VM
// charges each call what the native interpreter's frame for it takes, and compiled code pads its
// frames to that size, so all give up at the same depth.
// runtime-asm/layout.inc is generated from these numbers (scripts/gen-runtime-inc.ts).

export const STACK_BYTES = 256 << 20;
export const STACK_GUARD = 4096;
export const STACK_MARGIN = 256 << 10;
/** What a call may take before the overflow: the stack above the guard and the margin. */
export const STACK_BUDGET = STACK_BYTES - STACK_GUARD - STACK_MARGIN;

/**
 * The most a compiled frame can exceed the registers' 8 bytes each: the five callee-saved
 * registers it may push (a function with handlers always does), two extra registers of the
 * tail-call loop and the alignment word (16 + 40 + 16 + 8 + 8·nregs against 32 + 8·nregs).
 */
export const FRAME_SLACK = 48;

/**
 * What a call of a function with `nregs` registers takes from the stack, on every tier. The
 * native interpreter's frame is the register block (8 bytes a register, 16-aligned, and
 * FRAME_SLACK more), the return address, the saved rbp, the function's record and the
 * instruction pointer (interp/layout.ts); a compiled function pads its frame to the same size
 * (native/frame.ts) and the TypeScript VM charges it, so every tier overflows at the same depth.
 */
export function interpFrameBytes(nregs: number): number {
  return 32 + FRAME_SLACK + 16 * Math.ceil(Math.max(1, nregs) / 2);
}

/** What a call of `fn` takes on every tier: the frame of its registers before inlining grew them. */
export function callFrameBytes(fn: { frameRegs?: number; regKinds: { length: number } }): number {
  return interpFrameBytes(fn.frameRegs ?? fn.regKinds.length);
}

/**
 * What a frame of `fn` takes for the levels of its recursion unrolled into it (inline.ts) beyond
 * its own: the other tiers take them only as the recursion goes on, so a check of the stack the
 * function itself takes counts them as free (they come from the margin below the limit), and each
 * inlined level checks its own (lower.ts, inlineEntryChecks).
 */
export function unrolledBytes(fn: { frameLevels?: number; frameRegs?: number; regKinds: { length: number } }): number {
  return ((fn.frameLevels ?? 1) - 1) * callFrameBytes(fn);
}

/**
 * The frame of the interpreter's System V adapter (bp_interp_from_sysv: return address, rbp, five
 * saved registers, the argument registers), through which the in-process tier enters `main`.
 */
export const SYSV_ADAPTER_BYTES = 176;

/**
 * Native stack below the entry function's frame: bp_main's frame and the adapter's. An
 * executable, which calls `main` directly, reserves as much in bp_main, so that its depth too
 * is the same.
 */
export const ENTRY_BYTES = 16 + SYSV_ADAPTER_BYTES;

/** A sampled stack keeps its innermost this many frames on every tier (bpjit profile). */
export const SAMPLE_MAX_FRAMES = 256;

/** The longest string, in bytes, on every tier (V8's limit, which the VM lives with); longer is out of memory. */
export const MAX_STRING_BYTES = (1 << 29) - 24;

/**
 * The exit status of a program whose standard output's reader went away (EPIPE): it ends there,
 * quietly, with the status a shell shows for a program SIGPIPE killed (128 + 13) — `yes | head`
 * gives it, `set -o pipefail` sees it — without dying of the signal (every tier ignores it).
 */
export const BROKEN_PIPE_STATUS = 141;

/**
 * The heap limit, the same on every tier: BPJIT_HEAP_LIMIT — bytes, or with a K, M, G or T
 * suffix (powers of 1024) — within [HEAP_MIN, HEAP_MAX], else an eighth of physical memory, at
 * most HEAP_DEFAULT_MAX (which keeps the TypeScript VM within V8's own heap limit, about 4 GiB).
 * Executables read the variable as they start (runtime-asm/heapinit.asm does the same sums).
 */
export const HEAP_LIMIT_VAR = 'BPJIT_HEAP_LIMIT';
export const HEAP_MIN = 1 << 20;
/** What the runtime's block table can address. */
export const HEAP_MAX = 2 ** 36;
export const HEAP_DEFAULT_MAX = 3 * 2 ** 30;

/** The heap limit in bytes for a BPJIT_HEAP_LIMIT value and the machine's memory; null when the value is not a size. */
export function heapLimit(value: string | undefined, physical: number): number | null {
  const clamp = (n: number) => Math.min(HEAP_MAX, Math.max(HEAP_MIN, n));
  if (value === undefined) return clamp(Math.min(Math.floor(physical / 8), HEAP_DEFAULT_MAX));
  const m = /^(\d+)([kmgt]?)$/i.exec(value);
  if (!m) return null;
  return clamp(Number(m[1]) * 2 ** (10 * ' kmgt'.indexOf(m[2].toLowerCase() || ' ')));
}
