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
import { interpFrameBytes } from '../bytecode/limits.js';
import { instructionIndex } from '../bytecode/walk.js';
import { SYSV_INT_ARGS } from './abi.js';
import { liveAtPc, liveRanges, plainBuiltin, type LiveRanges } from './liveness.js';
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
  /** What a call takes from the stack, its arguments on the stack included (see padFrame). */
  charge: number;
  /** xmm registers holding VM registers (to save around calls). */
  xmmUsed: number[];
  /** Whether register r holds a value at `pc` (false only for registers sharing a home, out of their interval). */
  liveAt(r: number, pc: number): boolean;
  /** Pure instructions whose results no one reads, and unreachable ones (the lowering leaves them out). */
  dead: ReadonlySet<number>;
  /** Calls nothing and has a small frame (LEAF_FRAME): not padded, its prologue checks the padded size. */
  leaf: boolean;
  /** Whether register r shares its home (it holds r's value only over r's live interval; an xmm home's tenants are saved around a call where they are live). */
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
  const frameBytes = padFrame(fn, CALLEE_SAVED.length, n);
  return { homes, saved: [...CALLEE_SAVED], slots: n, frameBytes, charge: charge(fn, CALLEE_SAVED.length, frameBytes), xmmUsed: [], liveAt: () => true, shared: () => false, dead: new Set(), leaf: false };
}

/**
 * The bytes below the saved registers: the slots, padded so that the whole frame (the arguments
 * its caller passes on the stack, return address, rbp, saved registers, slots) takes what the
 * native interpreter's frame of the function takes (bytecode/limits.ts) — every tier then
 * overflows the stack at the same depth. rsp stays 16-aligned.
 */
function padFrame(fn: BcFunction, saved: number, slots: number): number {
  const bytes = (fn.frameLevels ?? 1) * interpFrameBytes(fn.frameRegs ?? fn.regKinds.length) - 16 - 8 * saved - stackArgBytes(fn);
  if (bytes >= slots * 8) return bytes;
  // (a function with parameters on the stack, past six integers or eight floats, or one grown by
  // inlining, can need more than the interpreter's frame: it takes what it needs)
  return slots * 8 + ((saved + slots) % 2 === 1 ? 8 : 0);
}

function charge(fn: BcFunction, saved: number, frameBytes: number): number {
  return stackArgBytes(fn) + 16 + 8 * saved + frameBytes;
}

/** What a System V caller pushes for the parameters past the registers (Masm.callSym): 16-aligned. */
function stackArgBytes(fn: BcFunction): number {
  let ints = 0, floats = 0;
  for (let r = fn.ncaps; r < fn.arity; r++) fn.regKinds[r] === Kind.Float ? floats++ : ints++;
  const stack = Math.max(0, ints - 6) + Math.max(0, floats - 8);
  return 16 * Math.ceil(stack / 2);
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
/** Those homes: a parameter's only where it arrives (rdi, rsi, r8, r9), any other register's but rdi. */
const ARG_HOMES = [6, 8, 9]; // rsi, r8, r9
const STAYS = [7, 6, 8, 9]; // rdi, rsi, r8, r9 (rdx and rcx are scratch)
/** A function that calls nothing may leave its frame unpadded up to this size (the stack keeps 256 KiB below its limit: limits.ts). */
const LEAF_FRAME = 4096;
/** Occupancy's key of xmm register x: XMM_KEY + x. */
const XMM_KEY = 16;

/**
 * Which instructions each machine register is taken at (by position: 0 the prologue, i + 1
 * instruction i), and which instructions are not SCRATCH_FREE (as a running count).
 */
class Occupancy {
  private readonly taken = new Map<number, Uint8Array>();
  private readonly index: Int32Array;
  private readonly notFree: Int32Array;
  readonly size: number;

  constructor(fn: BcFunction, rw: Rewrites) {
    const { pcs, index } = instructionIndex(fn.code);
    this.index = index;
    this.size = pcs.length + 1;
    this.notFree = new Int32Array(this.size + 1);
    pcs.forEach((pc, i) => {
      const free = rw.skip.has(pc) || ((SCRATCH_FREE.has(fn.code[pc]) || plainBuiltin(fn.code, pc)) && !rw.replaced.has(pc));
      this.notFree[i + 2] = this.notFree[i + 1] + (free ? 0 : 1);
    });
  }

  private span([s, e]: [number, number]): [number, number] {
    return [s < 0 ? 0 : this.index[s] + 1, e === Infinity ? this.size - 1 : this.index[e] + 1];
  }

  fits(g: number, ranges: [number, number][]): boolean {
    const t = this.taken.get(g);
    if (!t) return true;
    for (const range of ranges) {
      const [lo, hi] = this.span(range);
      for (let i = lo; i <= hi; i++) if (t[i]) return false;
    }
    return true;
  }

  take(g: number, ranges: [number, number][]): void {
    let t = this.taken.get(g);
    if (!t) { t = new Uint8Array(this.size); this.taken.set(g, t); }
    for (const range of ranges) {
      const [lo, hi] = this.span(range);
      t.fill(1, lo, hi + 1);
    }
  }

  /** Whether only SCRATCH_FREE instructions lie in the ranges. */
  scratchFree(ranges: [number, number][]): boolean {
    return ranges.every((range) => { const [lo, hi] = this.span(range); return this.notFree[hi + 1] === this.notFree[lo]; });
  }

  /** Whether the whole function is SCRATCH_FREE. */
  allFree(): boolean {
    return this.notFree[this.size] === 0;
  }
}

/** The machine register each int parameter arrives in (System V), or -1. */
function arrivals(fn: BcFunction): number[] {
  const out = new Array(fn.arity).fill(-1);
  let ints = 0;
  for (let r = fn.ncaps; r < fn.arity; r++) if (fn.regKinds[r] !== Kind.Float && ints < 6) out[r] = SYSV_INT_ARGS[ints++].num;
  return out;
}

/**
 * Homes by priority: registers in order of weighted use each take the first machine register
 * no other tenant is live with. A value no call must keep may share r10/r11, and where only
 * SCRATCH_FREE instructions lie in its ranges rsi, r8, r9 (a parameter stays where it arrives);
 * else a callee-saved register already pushed, else a new one. An inner loop's temporaries share
 * a register or two and leave the rest to the loop's arrays and counters; a small function's
 * parameters stay in the registers they came in.
 */
export function layoutFrame(fn: BcFunction, rw: Rewrites, debug = false): FrameLayout {
  if (fn.handlers.length > 0) return handlerFrame(fn);
  const live = liveRanges(fn, rw);
  if (!live.exact) return layoutLarge(fn, rw, live);
  const own = fn.regKinds.length, n = own + rw.extra;
  const isFloat = (r: number) => r < own && fn.regKinds[r] === Kind.Float;
  const w = weights(fn, rw);
  const homes: Home[] = new Array(n);
  // (the rewrites' registers live throughout)
  const ranges = (r: number): [number, number][] => (r < own ? live.ranges[r] : [[-Infinity, Infinity]]);
  const occupied = new Occupancy(fn, rw);
  const arrive = arrivals(fn);
  const tenants = new Map<number, number>();
  const byUse = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[b] - w[a] || a - b);
  const saved: number[] = [];
  const xmmUsed: number[] = [];
  let slots = 0;
  const place = (r: number, g: number) => {
    if (CALLEE_SAVED.includes(g) && !saved.includes(g)) saved.push(g);
    occupied.take(g, ranges(r));
    tenants.set(g, (tenants.get(g) ?? 0) + 1);
    homes[r] = { at: 'gpr', reg: g };
  };
  // Parameters first where they can stay in the registers they arrive in.
  for (let r = 0; r < fn.arity; r++) {
    if (w[r] > 0 && !isFloat(r) && STAYS.includes(arrive[r]) && !live.crossesCall[r] && occupied.scratchFree(ranges(r))) place(r, arrive[r]);
  }
  // (registers nothing mentions share one slot)
  let unused = -1;
  for (const r of byUse) {
    if (homes[r]) continue;
    if (w[r] === 0 && r < own) {
      if (unused < 0) unused = slots++;
      homes[r] = { at: 'slot', slot: unused };
      continue;
    }
    if (isFloat(r)) {
      // (xmm homes are shared too, but not for a debugger: a float is in its xmm register or its slot)
      const x = w[r] > 0 ? XMM_HOMES.find((x) => (debug ? !xmmUsed.includes(x) : occupied.fits(XMM_KEY + x, ranges(r)))) : undefined;
      if (x !== undefined) {
        if (!xmmUsed.includes(x)) xmmUsed.push(x);
        occupied.take(XMM_KEY + x, ranges(r));
        tenants.set(XMM_KEY + x, (tenants.get(XMM_KEY + x) ?? 0) + 1);
        homes[r] = { at: 'xmm', reg: x, slot: slots++ };
      } else homes[r] = { at: 'slot', slot: slots++ };
      continue;
    }
    if (w[r] > 0 && !rw.inMemory.has(r)) {
      const crosses = r >= own || live.crossesCall[r];
      const free = !crosses && occupied.scratchFree(ranges(r));
      // (a parameter's home must not be where another arrives: moveParams would overwrite it)
      const callerSaved = crosses ? [] : [...SHORT_LIVED, ...(free ? ARG_HOMES.filter((g) => r >= fn.arity || !arrive.includes(g)) : [])];
      const pool = [...callerSaved, ...saved, ...CALLEE_SAVED.filter((g) => !saved.includes(g))];
      const g = pool.find((g) => occupied.fits(g, ranges(r)));
      if (g !== undefined) { place(r, g); continue; }
    }
    homes[r] = { at: 'slot', slot: slots++ };
  }
  // On entry rsp = 16k+8; push rbp makes it 16k; the saved pushes and the slots must keep it so.
  let frameBytes = slots * 8;
  if ((saved.length * 8 + frameBytes) % 16 !== 0) frameBytes += 8;
  // A register shares its home when the home is caller-saved or has other tenants: it holds the
  // value only over its ranges.
  const shared = (r: number) => {
    const h = homes[r];
    if (h.at === 'xmm') return tenants.get(XMM_KEY + h.reg)! > 1;
    return h.at === 'gpr' && (!CALLEE_SAVED.includes(h.reg) || tenants.get(h.reg)! > 1);
  };
  const liveAt = (r: number, pc: number) => !shared(r) || liveAtPc(ranges(r), pc);
  const leaf = !rw.tail && occupied.allFree() && saved.length * 8 + frameBytes <= LEAF_FRAME;
  // (a leaf's frame needs no padding: its prologue checks the padded size, entries.ts)
  if (!leaf) frameBytes = padFrame(fn, saved.length, slots);
  return { homes, saved, slots, frameBytes, charge: charge(fn, saved.length, frameBytes), xmmUsed, liveAt, shared, dead: live.dead, leaf };
}

/**
 * The layout of a function too large for exact ranges: one interval a register; a linear scan
 * shares r10/r11 among the values no call must keep, the most used others take the callee-saved
 * registers for the whole function.
 */
function layoutLarge(fn: BcFunction, rw: Rewrites, live: LiveRanges): FrameLayout {
  const own = fn.regKinds.length, n = own + rw.extra;
  const isFloat = (r: number) => r < own && fn.regKinds[r] === Kind.Float;
  const w = weights(fn, rw);
  const homes: Home[] = new Array(n);
  const span = (r: number) => live.ranges[r][0] ?? [Infinity, -Infinity];
  const freeAt = SHORT_LIVED.map(() => -Infinity);
  const byStart = Array.from({ length: own }, (_, i) => i).filter((r) => !isFloat(r) && !live.crossesCall[r] && w[r] > 0)
    .sort((a, b) => span(a)[0] - span(b)[0] || a - b);
  for (const r of byStart) {
    const k = freeAt.findIndex((f) => f < span(r)[0]);
    if (k < 0) continue;
    freeAt[k] = span(r)[1];
    homes[r] = { at: 'gpr', reg: SHORT_LIVED[k] };
  }
  const byUse = Array.from({ length: n }, (_, i) => i).filter((r) => !homes[r]).sort((a, b) => w[b] - w[a] || a - b);
  const saved: number[] = [];
  const xmmUsed: number[] = [];
  let slots = 0;
  for (const r of byUse) {
    if (isFloat(r) && xmmUsed.length < XMM_HOMES.length && w[r] > 0) {
      const x = XMM_HOMES[xmmUsed.length];
      xmmUsed.push(x);
      homes[r] = { at: 'xmm', reg: x, slot: slots++ };
    } else if (!isFloat(r) && saved.length < CALLEE_SAVED.length && w[r] > 0 && !rw.inMemory.has(r)) {
      const g = CALLEE_SAVED[saved.length];
      saved.push(g);
      homes[r] = { at: 'gpr', reg: g };
    } else homes[r] = { at: 'slot', slot: slots++ };
  }
  const frameBytes = padFrame(fn, saved.length, slots);
  const shared = (r: number) => homes[r].at === 'gpr' && SHORT_LIVED.includes((homes[r] as { reg: number }).reg);
  const liveAt = (r: number, pc: number) => !shared(r) || (span(r)[0] <= pc && pc <= span(r)[1]);
  return { homes, saved, slots, frameBytes, charge: charge(fn, saved.length, frameBytes), xmmUsed, liveAt, shared, dead: live.dead, leaf: false };
}
