// Frame layout of a lowered function: where each VM register lives. Short-lived int/bool/ref
// registers — whose live interval holds no call — share r10 and r11 (caller-saved, and never
// scratch in the lowering), so they cost no save/restore; of the rest, the most used registers
// (uses weighted by loop depth) go to the callee-saved rbx, r12–r15; the
// most used floats to xmm8–xmm15 (caller-saved in System V, so the lowering saves them around
// calls); everything else to 8-byte slots below the saved registers. Every float register also
// gets a slot, its home while a call is in flight.
//
//   [rbp+16...]   stack arguments (7th int / 9th float parameter on)
//   [rbp+8]       return address
//   [rbp]         caller's rbp
//   [rbp-8*i]     saved callee-saved registers (i = 1..nsaved)
//   below         slots, 8 bytes each; rsp 16-byte aligned
import { Kind, OPS, instrLength } from '../bytecode/opcodes.js';
import type { BcFunction } from '../bytecode/module.js';
import { O } from '../bytecode/opcodes.js';
import type { Rewrites } from './rewrite.js';

/** Where a VM register lives: a callee-saved GPR (number), an xmm register, or a frame slot. */
export type Home =
  | { readonly at: 'gpr'; readonly reg: number }
  | { readonly at: 'xmm'; readonly reg: number; readonly slot: number }
  | { readonly at: 'slot'; readonly slot: number };

export const CALLEE_SAVED = [3, 12, 13, 14, 15]; // rbx, r12, r13, r14, r15
/** Homes for registers whose live interval contains no call (the lowering never uses them). */
export const SHORT_LIVED = [10, 11]; // r10, r11
const XMM_HOMES = [8, 9, 10, 11, 12, 13, 14, 15];

export interface FrameLayout {
  homes: Home[];
  /** Callee-saved GPRs used (pushed in this order after rbp). */
  saved: number[];
  /** Number of 8-byte slots. */
  slots: number;
  /** Bytes subtracted from rsp after the pushes (keeps rsp 16-byte aligned). */
  frameBytes: number;
  /** xmm registers holding VM registers (to save around calls). */
  xmmUsed: number[];
  /** Whether register r holds a value at `pc` (false only for registers sharing r10/r11 there). */
  liveAt(r: number, pc: number): boolean;
}

/** rbp-relative offset of slot k. */
export function slotOffset(layout: FrameLayout, k: number): number {
  return -8 * (layout.saved.length + k + 1);
}

/** Use counts per register, weighted 8^depth by the loops each use is in. */
function weights(fn: BcFunction, rw: Rewrites): number[] {
  const w = new Array(fn.regKinds.length + rw.extra).fill(0);
  const code = fn.code;
  const depth = new Int32Array(code.length + 1);
  // A back-edge at pc jumping to t makes [t, pc] one loop deeper.
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const op = code[pc];
    const target = op === O.loop ? code[pc + 1] : op === O.forlt || op === O.forgt ? code[pc + 4] : -1;
    if (target >= 0 && target <= pc) for (let k = target; k <= pc; k++) depth[k]++;
  }
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (rw.skip.has(pc)) continue;
    const def = OPS[code[pc]];
    const weight = 8 ** Math.min(depth[pc], 6);
    for (const r of rw.reads.get(pc) ?? []) w[r] += weight;
    if (rw.replaced.has(pc)) continue;
    let p = pc + 1;
    for (const letter of def.ops) {
      if (letter === '*' || letter === '%') {
        const n = code[p++];
        for (let i = 0; i < n; i++) { w[code[p]] += weight; p += letter === '%' ? 2 : 1; }
      } else {
        if (letter === 'd' || letter === 'r') w[code[p]] += weight;
        p++;
      }
    }
  }
  return w;
}

/** Instructions whose lowering calls out (clobbering caller-saved registers). */
const CALLS = new Set<number>([O.call, O.callb, O.callx, O.print, O.mod_f, O.rterr, O.concat, O.eq_s, O.ne_s, O.tostr, O.newarr, O.newstruct, O.newmap, O.mget, O.mset, O.newobj, O.callm, O.eq_r, O.ne_r, O.newtuple, O.closure, O.funcref, O.callv, O.fmt, O.concatn, O.appendn]);
/** Instructions that read some operands after a call of their own (print, newarr). */
const READ_AFTER_CALL = new Set<number>([O.print, O.newarr, O.newstruct, O.newmap, O.newobj, O.newtuple, O.closure]);

/**
 * Live intervals [first, last] in pc order (parameters from -1), widened over every loop they
 * touch so a value used around a back-edge stays live through the whole loop; and whether a
 * call lies strictly inside each one.
 */
function intervals(fn: BcFunction, rw: Rewrites): { start: number[]; end: number[]; crossesCall: boolean[] } {
  const n = fn.regKinds.length, code = fn.code;
  const start = new Array(n).fill(Infinity), end = new Array(n).fill(-Infinity);
  for (let r = 0; r < fn.arity; r++) start[r] = end[r] = -1;
  const loops: [number, number][] = [];
  const calls: number[] = [];
  // print makes one runtime call per value and newarr stores its elements after allocating:
  // their operands must survive a call.
  const printed = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (rw.skip.has(pc)) continue;
    const op = code[pc];
    if (CALLS.has(op) && !rw.notCalls.has(pc)) calls.push(pc);
    const j = OPS[op].ops.indexOf('j');
    if (j >= 0 && code[pc + 1 + j] <= pc) loops.push([code[pc + 1 + j], pc]);
    let p = pc + 1;
    const see = (r: number) => {
      if (r >= n) return; // (a register of the rewrites: it has a home of its own)
      if (pc < start[r]) start[r] = pc;
      if (pc > end[r]) end[r] = pc;
      if (READ_AFTER_CALL.has(op)) printed.add(r);
    };
    for (const r of rw.reads.get(pc) ?? []) see(r);
    if (rw.replaced.has(pc)) continue;
    for (const letter of OPS[op].ops) {
      if (letter === '*' || letter === '%') {
        const k = code[p++];
        for (let i = 0; i < k; i++) { see(code[p]); p += letter === '%' ? 2 : 1; }
      } else {
        if (letter === 'd' || letter === 'r') see(code[p]);
        p++;
      }
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (let r = 0; r < n; r++) {
      for (const [t, b] of loops) {
        if (start[r] <= b && end[r] >= t && (start[r] > t || end[r] < b)) {
          start[r] = Math.min(start[r], t); end[r] = Math.max(end[r], b); changed = true;
        }
      }
    }
  }
  const crossesCall = start.map((s0, r) => printed.has(r) || calls.some((c) => c > s0 && c < end[r]));
  return { start, end, crossesCall };
}

/**
 * A function with exception handlers is entered again by the unwinder at a handler, with the
 * registers as a deeper frame left them: it keeps every VM register in its frame and saves all
 * callee-saved registers in its prologue (restoring its caller's on return).
 */
function handlerFrame(fn: BcFunction): FrameLayout {
  const n = fn.regKinds.length;
  const homes: Home[] = Array.from({ length: n }, (_, r) => ({ at: 'slot', slot: r }));
  let frameBytes = n * 8;
  if ((CALLEE_SAVED.length * 8 + frameBytes) % 16 !== 0) frameBytes += 8;
  return { homes, saved: [...CALLEE_SAVED], slots: n, frameBytes, xmmUsed: [], liveAt: () => true };
}

export function layoutFrame(fn: BcFunction, rw: Rewrites): FrameLayout {
  if (fn.handlers.length > 0) return handlerFrame(fn);
  const n = fn.regKinds.length + rw.extra;
  const isFloat = (r: number) => fn.regKinds[r] === Kind.Float;
  const w = weights(fn, rw);
  const homes: Home[] = new Array(n);
  // Linear scan of the short-lived registers over r10/r11.
  const live = intervals(fn, rw);
  const freeAt = SHORT_LIVED.map(() => -Infinity);
  const byStart = Array.from({ length: fn.regKinds.length }, (_, i) => i).filter((r) => !isFloat(r) && !live.crossesCall[r] && w[r] > 0)
    .sort((a, b) => live.start[a] - live.start[b] || a - b);
  for (const r of byStart) {
    const k = freeAt.findIndex((f) => f < live.start[r]);
    if (k < 0) continue;
    freeAt[k] = live.end[r];
    homes[r] = { at: 'gpr', reg: SHORT_LIVED[k] };
  }
  const byUse = Array.from({ length: n }, (_, i) => i).filter((r) => !homes[r]).sort((a, b) => w[b] - w[a] || a - b);
  const saved: number[] = [];
  const xmmUsed: number[] = [];
  let slots = 0;
  for (const r of byUse) {
    if (isFloat(r)) {
      if (xmmUsed.length < XMM_HOMES.length && w[r] > 0) {
        const x = XMM_HOMES[xmmUsed.length];
        xmmUsed.push(x);
        homes[r] = { at: 'xmm', reg: x, slot: slots++ };
      } else homes[r] = { at: 'slot', slot: slots++ };
    } else if (saved.length < CALLEE_SAVED.length && w[r] > 0 && !rw.inMemory.has(r)) {
      const g = CALLEE_SAVED[saved.length];
      saved.push(g);
      homes[r] = { at: 'gpr', reg: g };
    } else homes[r] = { at: 'slot', slot: slots++ };
  }
  // On entry rsp = 16k+8; push rbp makes it 16k; the saved pushes and the slots must keep it so.
  let frameBytes = slots * 8;
  if ((saved.length * 8 + frameBytes) % 16 !== 0) frameBytes += 8;
  const liveAt = (r: number, pc: number) => {
    const h = homes[r];
    return !(h.at === 'gpr' && SHORT_LIVED.includes(h.reg)) || (live.start[r] <= pc && pc <= live.end[r]);
  };
  return { homes, saved, slots, frameBytes, xmmUsed, liveAt };
}
