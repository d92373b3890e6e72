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

/** Where a VM register lives: a callee-saved GPR (number), an xmm register, or a frame slot. */
export type Home =
  | { readonly at: 'gpr'; readonly reg: number }
  | { readonly at: 'xmm'; readonly reg: number; readonly slot: number }
  | { readonly at: 'slot'; readonly slot: number };

export const CALLEE_SAVED = [3, 12, 13, 14, 15]; // rbx, r12, r13, r14, r15
/** Homes for registers whose live interval contains no call (the lowering never uses them). */
export const SHORT_LIVED = [10, 11]; // r10, r11
export const XMM_HOMES = [8, 9, 10, 11, 12, 13, 14, 15];

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
function weights(fn: BcFunction, plan: TailPlan | null): number[] {
  const w = new Array(fn.regKinds.length + (plan ? 2 : 0)).fill(0);
  const code = fn.code;
  const depth = new Int32Array(code.length + 1);
  // A back-edge at pc jumping to t makes [t, pc] one loop deeper.
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const op = code[pc];
    const target = op === O.loop ? code[pc + 1] : op === O.forlt || op === O.forgt ? code[pc + 4] : -1;
    if (target >= 0 && target <= pc) for (let k = target; k <= pc; k++) depth[k]++;
  }
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (plan?.skip.has(pc)) continue;
    const def = OPS[code[pc]];
    const weight = 8 ** Math.min(depth[pc], 6);
    const site = plan?.sites.get(pc);
    if (site) {
      // The loop the site becomes: the virtual stack pointer and the accumulator are used on
      // every trip (and the accumulator again at every return).
      w[plan!.vsp] += 2 * weight;
      if (plan!.acc >= 0) w[plan!.acc] += 2 * weight;
      if (site.other !== undefined) w[site.other] += weight;
      for (let i = 0; i < code[pc + 3]; i++) w[code[pc + 4 + i]] += weight; // (no result: dst unused)
      continue;
    }
    if (def.name === 'ret' && plan && plan.acc >= 0) w[plan.acc] += weight;
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
const CALLS = new Set<number>([O.call, O.callb, O.print, O.mod_f, O.rterr, O.concat, O.eq_s, O.ne_s, O.tostr, O.newarr, O.newstruct, O.newmap, O.mget, O.mset, O.newobj, O.callm, O.eq_r, O.ne_r, O.newtuple, O.closure, O.funcref, O.callv, O.fmt]);
/** Instructions that read some operands after a call of their own (print, newarr). */
const READ_AFTER_CALL = new Set<number>([O.print, O.newarr, O.newstruct, O.newmap, O.newobj, O.newtuple, O.closure]);

/**
 * Live intervals [first, last] in pc order (parameters from -1), widened over every loop they
 * touch so a value used around a back-edge stays live through the whole loop; and whether a
 * call lies strictly inside each one.
 */
function intervals(fn: BcFunction, plan: TailPlan | null): { start: number[]; end: number[]; crossesCall: boolean[] } {
  const n = fn.regKinds.length, code = fn.code;
  const start = new Array(n).fill(Infinity), end = new Array(n).fill(-Infinity);
  for (let r = 0; r < fn.arity; r++) start[r] = end[r] = -1;
  const loops: [number, number][] = [];
  const calls: number[] = [];
  // print makes one runtime call per value and newarr stores its elements after allocating:
  // their operands must survive a call.
  const printed = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (plan?.skip.has(pc)) continue;
    const op = code[pc];
    const site = plan?.sites.get(pc);
    if (CALLS.has(op) && !site) calls.push(pc);
    const j = OPS[op].ops.indexOf('j');
    if (j >= 0 && code[pc + 1 + j] <= pc) loops.push([code[pc + 1 + j], pc]);
    let p = pc + 1;
    const see = (r: number) => {
      if (pc < start[r]) start[r] = pc;
      if (pc > end[r]) end[r] = pc;
      if (READ_AFTER_CALL.has(op)) printed.add(r);
    };
    if (site?.other !== undefined) see(site.other);
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

/** A call of the function itself whose result is returned, or returned plus `other` or `k`. */
export interface TailSite {
  readonly other?: number;
  readonly k?: number;
}

/**
 * Self-calls in tail position, modulo an integer addition, become jumps back to the function's
 * start (gcc's tail recursion with accumulators): `return f(x) + y` adds y to an accumulator,
 * and every return adds the accumulator. fib makes half as many calls. Each such trip also
 * moves a virtual stack pointer down by the frame's size and checks it against the stack
 * limit, so unbounded recursion is still a stack overflow rather than an endless loop.
 */
export interface TailPlan {
  sites: Map<number, TailSite>;
  /** The add and ret after each site (no code of their own any more). */
  skip: Set<number>;
  /** Extra registers: the virtual stack pointer, and the accumulator (-1: none). */
  vsp: number;
  acc: number;
}

/** Arguments the jump back to the start can move through scratch registers (see lower.ts). */
const TAIL_INT_ARGS = 6, TAIL_FLOAT_ARGS = 7;

export function planTailCalls(fn: BcFunction, self: number): TailPlan | null {
  if (fn.handlers.length > 0 || fn.ncaps > 0) return null;
  const code = fn.code;
  const targets = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const j = OPS[code[pc]].ops.indexOf('j');
    if (j >= 0) targets.add(code[pc + 1 + j]);
  }
  const floats = fn.regKinds.slice(0, fn.arity).filter((k) => k === Kind.Float).length;
  if (floats > TAIL_FLOAT_ARGS || fn.arity - floats > TAIL_INT_ARGS) return null;
  const sites = new Map<number, TailSite>();
  const skip = new Set<number>();
  let acc = false;
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (code[pc] !== O.call || code[pc + 2] !== self) continue;
    const t = code[pc + 1];
    const p1 = pc + instrLength(code, pc);
    if (targets.has(p1)) continue;
    if (code[p1] === O.ret && code[p1 + 1] === t) { sites.set(pc, {}); skip.add(p1); continue; }
    const p2 = p1 + instrLength(code, p1);
    if (fn.ret !== 'i' || targets.has(p2) || code[p2] !== O.ret || code[p2 + 1] !== code[p1 + 1]) continue;
    if (code[p1] === O.addk_i && code[p1 + 2] === t) sites.set(pc, { k: code[p1 + 3] });
    else if (code[p1] === O.add_i && (code[p1 + 2] === t) !== (code[p1 + 3] === t)) {
      sites.set(pc, { other: code[p1 + 2] === t ? code[p1 + 3] : code[p1 + 2] });
    } else continue;
    skip.add(p1); skip.add(p2);
    acc = true;
  }
  if (sites.size === 0) return null;
  const n = fn.regKinds.length;
  return { sites, skip, vsp: n, acc: acc ? n + 1 : -1 };
}

export function layoutFrame(fn: BcFunction, plan: TailPlan | null = null): FrameLayout {
  if (fn.handlers.length > 0) return handlerFrame(fn);
  const n = fn.regKinds.length + (plan ? 2 : 0);
  const isFloat = (r: number) => fn.regKinds[r] === Kind.Float;
  const w = weights(fn, plan);
  const homes: Home[] = new Array(n);
  // Linear scan of the short-lived registers over r10/r11.
  const live = intervals(fn, plan);
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
    } else if (saved.length < CALLEE_SAVED.length && w[r] > 0 && r !== plan?.vsp) {
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
