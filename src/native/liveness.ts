// Where each register of a function holds a value the code still needs (its live ranges), for
// the frame layout: registers whose ranges do not meet may share a machine register. Ranges are
// found by liveness over the instructions — from each read back through the predecessors until
// a write — so an inner loop's temporaries, each alive between two of its instructions, do not
// hold a register through the whole loop. Past a budget of work (a function of 100,000
// parameters) a cheaper approximation takes over: one interval per register, from its first
// mention to its last, widened over every loop it touches.
import { O, OPS, instrLength } from '../bytecode/opcodes.js';
import type { BcFunction } from '../bytecode/module.js';
import { eachDef, eachUse, instructionIndex, successors } from '../bytecode/walk.js';
import { builtinById } from '../lang/builtins.js';
import type { Rewrites } from './rewrite.js';

/** Instructions whose lowering calls out (clobbering caller-saved registers). */
const CALLS = new Set<number>([O.call, O.callb, O.callx, O.print, O.mod_f, O.rterr, O.concat, O.eq_s, O.ne_s, O.tostr, O.newarr, O.newstruct, O.newmap, O.mget, O.mset, O.newobj, O.callm, O.eq_r, O.ne_r, O.newtuple, O.closure, O.funcref, O.callv, O.fmt, O.concatn, O.appendn]);
/** Instructions that read some operands, or their result, after a call of their own (print, newmap): those must survive it. */
const READ_AFTER_CALL = new Set<number>([O.print, O.newarr, O.newstruct, O.newmap, O.newobj, O.newtuple, O.closure]);
/**
 * Builtins lowered inline (lower-builtin.ts) that call nothing and use no scratch register beyond
 * rax, rcx, rdx, xmm0 and xmm1: to the frame layout, plain instructions.
 */
const PLAIN_BUILTINS = new Set(['abs', 'min', 'max', 'clamp', 'sign', 'floor', 'ceil', 'round', 'sqrt', 'fsqrt', 'fabs', 'ffloor', 'fceil', 'is_nan', 'is_inf', 'typeof', 'map_len', 'array_pop']);

/** Whether the instruction at pc is a call of one of PLAIN_BUILTINS. */
export function plainBuiltin(code: Int32Array, pc: number): boolean {
  return code[pc] === O.callb && PLAIN_BUILTINS.has(builtinById(code[pc + 2])?.name ?? '');
}

/** Whether the instruction at pc calls out (see CALLS). */
function callsOut(code: Int32Array, pc: number): boolean {
  return CALLS.has(code[pc]) && !plainBuiltin(code, pc);
}

/** Steps of the precise analysis before the approximation takes over. */
const BUDGET = 4_000_000;

/** Instructions that only compute their result: where no one reads it, they need not run. */
const PURE = new Set<number>([
  O.loadi, O.loadb, O.loadk, O.mov, O.addk_i, O.add_i, O.sub_i, O.mul_i, O.and_i, O.or_i, O.xor_i, O.shl_i, O.shr_i,
  O.neg_i, O.not_i, O.not, O.eq_i, O.ne_i, O.lt_i, O.le_i, O.gt_i, O.ge_i,
  O.add_f, O.sub_f, O.mul_f, O.div_f, O.neg_f, O.i2f, O.eq_f, O.ne_f, O.lt_f, O.le_f, O.gt_f, O.ge_f,
]);

export interface LiveRanges {
  /** Per register: sorted disjoint inclusive [first pc, last pc] ranges (pc -1: the prologue's parameter moves). */
  ranges: [number, number][][];
  /** Per register: whether it must survive a call. */
  crossesCall: boolean[];
  /** Pure instructions whose results no one reads (PURE), and instructions nothing reaches. */
  dead: Set<number>;
  /** Whether the ranges are exact (else one interval a register, see the file's comment). */
  exact: boolean;
}

/** Whether two registers' ranges share an instruction. */
export function meet(x: [number, number][], y: [number, number][]): boolean {
  let i = 0, j = 0;
  while (i < x.length && j < y.length) {
    if (x[i][1] < y[j][0]) i++;
    else if (y[j][1] < x[i][0]) j++;
    else return true;
  }
  return false;
}

export function liveAtPc(ranges: [number, number][], pc: number): boolean {
  return ranges.some(([s, e]) => s <= pc && pc <= e);
}

interface Instr { uses: number[]; defs: number[]; succ: number[] }

/** What each instruction reads and writes and where it goes, as the lowering will emit it. */
function instructions(fn: BcFunction, rw: Rewrites): { pcs: number[]; ins: Instr[] } {
  const code = fn.code, n = fn.regKinds.length;
  const { pcs, index } = instructionIndex(code);
  const own = (rs: number[]) => rs.filter((r) => r < n);
  const params = Array.from({ length: fn.arity }, (_, r) => r);
  const ins = pcs.map((pc): Instr => {
    if (rw.skip.has(pc)) return { uses: [], defs: [], succ: successors(code, pc).map((s) => index[s]) };
    const extra = own(rw.reads.get(pc) ?? []);
    // A self-call made a jump back to the top writes the parameters and goes to the first instruction.
    if (rw.tail?.sites.has(pc)) return { uses: extra, defs: params, succ: [0] };
    let uses: number[] = [...extra];
    const defs: number[] = [];
    if (!rw.replaced.has(pc)) eachUse(code, pc, (r) => uses.push(r));
    // (an operand taken as an immediate, a divisor multiplied by its magic number: not read)
    const imm = rw.immediates.get(pc);
    const unread = imm ? code[pc + 1 + imm.at] : rw.divisors.has(pc) ? code[pc + 3] : -1;
    if (unread >= 0 && uses.filter((r) => r === unread).length === 1) uses = uses.filter((r) => r !== unread);
    eachDef(code, pc, (r) => { defs.push(r); if (code[pc] === O.appendn) uses.push(r); });
    // (an error of an instruction in a bail range goes on at its target: bytecode/jam.ts)
    const bail = fn.bails?.find((b) => pc >= b.start && pc < b.end);
    return { uses, defs, succ: [...successors(code, pc), ...(bail ? [bail.target] : [])].map((s) => index[s]) };
  });
  return { pcs, ins };
}

/** The live ranges of fn's own registers (not the rewrites' extra ones). */
export function liveRanges(fn: BcFunction, rw: Rewrites): LiveRanges {
  return precise(fn, rw) ?? approximate(fn, rw);
}

function precise(fn: BcFunction, rw: Rewrites): LiveRanges | null {
  const n = fn.regKinds.length, code = fn.code;
  const { pcs, ins } = instructions(fn, rw);
  const preds: number[][] = ins.map(() => []);
  ins.forEach((x, i) => { for (const s of x.succ) preds[s].push(i); });
  const usesOf: number[][] = Array.from({ length: n }, () => []), defsOf: number[][] = Array.from({ length: n }, () => []);
  ins.forEach((x, i) => { for (const r of x.uses) usesOf[r].push(i); for (const r of x.defs) defsOf[r].push(i); });
  const calls = ins.map((_, i) => callsOut(code, pcs[i]) && !rw.notCalls.has(pcs[i]) && !rw.skip.has(pcs[i]));
  // Per register, stamps mark the instructions it is live into (liveIn) and written at (def).
  const liveIn = new Int32Array(ins.length).fill(-1), def = new Int32Array(ins.length).fill(-1);
  let work = 0;
  const liveDefs = new Int32Array(ins.length);
  const ranges: [number, number][][] = [], crossesCall: boolean[] = [];
  for (let r = 0; r < n; r++) {
    for (const i of defsOf[r]) def[i] = r;
    const at = [...defsOf[r]], stack: number[] = [];
    for (const i of usesOf[r]) {
      if (liveIn[i] === r) continue;
      liveIn[i] = r;
      stack.push(i);
      at.push(i);
    }
    while (stack.length) {
      if (++work > BUDGET) return null;
      for (const p of preds[stack.pop()!]) {
        if (liveIn[p] === r || def[p] === r) continue;
        liveIn[p] = r;
        stack.push(p);
        at.push(p);
      }
    }
    at.sort((x, y) => x - y);
    for (const i of defsOf[r]) if (ins[i].succ.some((s) => liveIn[s] === r)) liveDefs[i]++;
    let crosses = false;
    for (const i of at) {
      if (!calls[i]) continue;
      if (READ_AFTER_CALL.has(code[pcs[i]])) crosses = true;
      else if (liveIn[i] === r && def[i] !== r && ins[i].succ.some((s) => liveIn[s] === r)) crosses = true;
    }
    const out: [number, number][] = r < fn.arity ? [[-1, -1]] : [];
    for (const i of at) {
      const last = out[out.length - 1];
      if (last && last[1] === pcs[i]) continue; // (an instruction that reads and writes r)
      if (last && last[1] === (i > 0 ? pcs[i - 1] : -1)) last[1] = pcs[i];
      else out.push([pcs[i], pcs[i]]);
    }
    ranges.push(out);
    crossesCall.push(crosses);
  }
  const reached = new Uint8Array(ins.length);
  const todo = ins.length ? [0] : [];
  for (reached[0] = 1; todo.length;) for (const s of ins[todo.pop()!].succ) if (!reached[s]) { reached[s] = 1; todo.push(s); }
  const dead = new Set(pcs.filter((pc, i) => !reached[i] || PURE.has(code[pc]) && !rw.skip.has(pc) && ins[i].defs.length > 0 && liveDefs[i] === 0));
  return { ranges, crossesCall, dead, exact: true };
}

/** One interval per register, widened over the loops it touches (see the file's comment). */
function approximate(fn: BcFunction, rw: Rewrites): LiveRanges {
  const n = fn.regKinds.length, code = fn.code;
  const start = new Array(n).fill(Infinity), end = new Array(n).fill(-Infinity);
  for (let r = 0; r < fn.arity; r++) start[r] = end[r] = -1;
  const loops: [number, number][] = [];
  const calls: number[] = [];
  const printed = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (rw.skip.has(pc)) continue;
    const op = code[pc];
    if (callsOut(code, pc) && !rw.notCalls.has(pc)) calls.push(pc);
    const j = OPS[op].ops.indexOf('j');
    if (j >= 0 && code[pc + 1 + j] <= pc) loops.push([code[pc + 1 + j], pc]);
    const see = (r: number) => {
      if (r >= n) return;
      if (pc < start[r]) start[r] = pc;
      if (pc > end[r]) end[r] = pc;
      if (READ_AFTER_CALL.has(op)) printed.add(r);
    };
    for (const r of rw.reads.get(pc) ?? []) see(r);
    if (!rw.replaced.has(pc)) { eachUse(code, pc, see); eachDef(code, pc, see); }
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
  return {
    ranges: start.map((s, r): [number, number][] => (s === Infinity ? [] : [[s, end[r]]])),
    crossesCall: start.map((s0, r) => printed.has(r) || calls.some((c) => c > s0 && c < end[r])),
    dead: new Set(),
    exact: false,
  };
}
