// Frame layout of a lowered function: where each VM register lives. Registers whose live
// interval holds no call may share r10 and r11 (caller-saved, and never scratch in the lowering;
// in a function that calls nothing, rsi, r8 and r9 too), so they cost no save/restore; the rest
// go to the callee-saved rbx, r12–r15, which registers whose intervals do not meet also share;
// the most used (uses weighted by loop depth) are placed first. The most used floats go to
// xmm8–xmm15 (caller-saved in System V, so the lowering saves them around calls); everything else
// to 8-byte slots below the saved registers. Every float register also gets a slot, its home
// while a call is in flight.
//
//   [rbp+16...]   stack arguments (7th int / 9th float parameter on)
//   [rbp+8]       return address
//   [rbp]         caller's rbp
//   [rbp-8*i]     saved callee-saved registers (i = 1..nsaved)
//   below         slots, 8 bytes each; rsp 16-byte aligned
import { Kind, OPS, instrLength } from '../bytecode/opcodes.js';
import type { BcFunction } from '../bytecode/module.js';
import { O } from '../bytecode/opcodes.js';
import { liveAtPc, liveRanges, meet } from './liveness.js';
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
  /** Whether register r holds a value at `pc` (false only for registers sharing a home, out of their interval). */
  liveAt(r: number, pc: number): boolean;
  /** Whether register r shares its home (it holds r's value only over r's live interval). */
  shared(r: number): boolean;
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
  return { homes, saved: [...CALLEE_SAVED], slots: n, frameBytes, xmmUsed: [], liveAt: () => true, shared: () => false };
}

/**
 * Instructions whose lowering uses no scratch register beyond rax, rcx, rdx (and rdi/rsi only in
 * an error stub, which does not return): a register live only across these can be homed in rsi,
 * r8 or r9 too — caller-saved, and free between calls. (rdi stays free: an on-stack-replacement
 * entry reads the interpreter's registers through it.)
 */
const SCRATCH_FREE = new Set<number>([
  O.nop, O.loadi, O.loadb, O.loadk, O.mov, O.loadg, O.storeg, O.addk_i, O.add_i, O.sub_i, O.mul_i, O.and_i, O.or_i, O.xor_i,
  O.div_i, O.mod_i, O.shl_i, O.shr_i, O.neg_i, O.not_i, O.not, O.add_f, O.sub_f, O.mul_f, O.div_f, O.neg_f, O.i2f, O.f2i,
  O.eq_i, O.ne_i, O.lt_i, O.le_i, O.gt_i, O.ge_i, O.eq_f, O.ne_f, O.lt_f, O.le_f, O.gt_f, O.ge_f,
  O.jmp, O.loop, O.jt, O.jf, O.forlt, O.forgt, O.jlt_i, O.jle_i, O.jgt_i, O.jge_i, O.jeq_i, O.jne_i,
  O.jlt_ik, O.jle_ik, O.jgt_ik, O.jge_ik, O.jeq_ik, O.jne_ik, O.ret, O.retv, O.rterr,
  O.alen, O.aget_i, O.aget_f, O.aget_b, O.aget_r, O.aset_i, O.aset_f, O.aset_b, O.aset_r, O.getf, O.tget, O.setf,
]);
/** Those homes (never a parameter's: parameters arrive in them). */
const ARG_HOMES = [6, 8, 9]; // rsi, r8, r9

/** Whether every instruction in `ranges` is one of SCRATCH_FREE. */
function scratchFree(fn: BcFunction, rw: Rewrites, ranges: [number, number][]): boolean {
  const code = fn.code;
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (rw.skip.has(pc) || SCRATCH_FREE.has(code[pc]) && !rw.replaced.has(pc)) continue;
    if (ranges.some(([s, e]) => s <= pc && pc <= e)) return false;
  }
  return true;
}

/**
 * Homes by priority: registers in order of weighted use each take the first machine register
 * whose other tenants' live intervals do not meet theirs — a value whose interval holds no call
 * may share r10/r11 (and rsi, r8, r9 where SCRATCH_FREE allows), else a callee-saved register already pushed,
 * else a new one — so the temporaries of an inner loop share a register or two and leave the
 * rest to the loop's arrays and counters.
 */
export function layoutFrame(fn: BcFunction, rw: Rewrites): FrameLayout {
  if (fn.handlers.length > 0) return handlerFrame(fn);
  const own = fn.regKinds.length, n = own + rw.extra;
  const isFloat = (r: number) => r < own && fn.regKinds[r] === Kind.Float;
  const w = weights(fn, rw);
  const homes: Home[] = new Array(n);
  const live = liveRanges(fn, rw);
  // (the rewrites' registers live throughout)
  const ranges = (r: number): [number, number][] => (r < own ? live.ranges[r] : [[-Infinity, Infinity]]);
  const tenants = new Map<number, number[]>();
  const fits = (g: number, r: number) => (tenants.get(g) ?? []).every((o) => !meet(ranges(o), ranges(r)));
  const byUse = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[b] - w[a] || a - b);
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
      continue;
    }
    if (w[r] > 0 && !rw.inMemory.has(r)) {
      const crosses = r >= own || live.crossesCall[r];
      const callerSaved = crosses ? [] : r < fn.arity || !scratchFree(fn, rw, ranges(r)) ? SHORT_LIVED : [...SHORT_LIVED, ...ARG_HOMES];
      const pool = [...callerSaved, ...saved, ...CALLEE_SAVED.filter((g) => !saved.includes(g))];
      const g = pool.find((g) => fits(g, r));
      if (g !== undefined) {
        if (CALLEE_SAVED.includes(g) && !saved.includes(g)) saved.push(g);
        tenants.set(g, [...(tenants.get(g) ?? []), r]);
        homes[r] = { at: 'gpr', reg: g };
        continue;
      }
    }
    homes[r] = { at: 'slot', slot: slots++ };
  }
  // On entry rsp = 16k+8; push rbp makes it 16k; the saved pushes and the slots must keep it so.
  let frameBytes = slots * 8;
  if ((saved.length * 8 + frameBytes) % 16 !== 0) frameBytes += 8;
  // A register shares its home when the home is caller-saved or has other tenants: it holds the
  // value only over the register's interval.
  const shared = (r: number) => {
    const h = homes[r];
    return h.at === 'gpr' && (!CALLEE_SAVED.includes(h.reg) || tenants.get(h.reg)!.length > 1);
  };
  const liveAt = (r: number, pc: number) => !shared(r) || liveAtPc(ranges(r), pc);
  return { homes, saved, slots, frameBytes, xmmUsed, liveAt, shared };
}
