// Unroll-and-jam, as a bytecode-to-bytecode pass of `bpjit build`: a counting loop whose
// iterations are independent, and whose body holds an inner loop that carries a sum, runs a few
// iterations of its body at once (JamPlan.lanes) — each instruction that depends on the loop's index copied once
// per iteration, in registers of its own, the rest (the inner loop's counter, loads that do not
// depend on the index) once for all. matmul's `s = s + a[i*n+k] * b[k*n+j]` then adds to five
// independent sums in each trip of the k loop instead of waiting for one sum's additions: the
// same additions in the same order for every sum, so the same bits (no reassociation, unlike
// gcc's -ffast-math vectorisation).
//
// Independence is what makes it exact, and the pass proves it: every register the body writes is
// written before it is read in each iteration (nothing carried from one iteration to the next)
// and not read after the loop; control flow inside depends on nothing the index reaches (every
// copy takes the same branches); the body stores only after its inner loops, in a straight tail,
// and only into arrays no other register can hold (allocated in the function, never passed on),
// so no iteration reads what another stores.
//
// Runtime errors keep their order: the part before the stores has no effects, and a runtime
// error there (an index out of range in any of the copies) does not happen — the lowering jumps
// instead to the loop as written (BcFunction.bails), which runs the same iteration again and
// stops at its first error, as the program would. The stores' tails run one iteration after the
// other, as written. Fewer iterations left than it runs at once, the loop as written runs them.
import type { BcFunction } from './module.js';
import { Kind, O, OPS, instrLength } from './opcodes.js';
import { CodeBuilder, rangeMover } from './relink.js';
import { eachDef, eachUse, instructionIndex, successors } from './walk.js';

/** Iterations run at once. */
/**
 * Float registers compiled code keeps values in (native/frame.ts): the sums of all the
 * iterations run at once, the value they share and two for a product should fit (matmul: five
 * iterations, 0.46 s for 20 runs against 0.50 for four and 0.64 for six, which spill).
 */
const XMM_HOMES = 8;
const MAX_LANES = 5;
/** Bodies up to this many instructions are jammed (the copies grow the function). */
const JAM_MAX_INSTRUCTIONS = 64;

export interface JamDecision {
  /** The loop's line (its back edge's). */
  line: number;
  why: string;
}

/** Instructions a jammed body may hold (no calls, no allocation, no effect but the stores of its tail). */
const PURE = new Set<number>([
  O.nop, O.loadi, O.loadk, O.loadb, O.mov, O.add_i, O.sub_i, O.mul_i, O.div_i, O.mod_i, O.neg_i, O.addk_i, O.and_i,
  O.or_i, O.xor_i, O.shl_i, O.shr_i, O.not_i, O.add_f, O.sub_f, O.mul_f, O.div_f, O.mod_f, O.neg_f, O.eq_i, O.ne_i,
  O.lt_i, O.le_i, O.gt_i, O.ge_i, O.eq_f, O.ne_f, O.lt_f, O.le_f, O.gt_f, O.ge_f, O.not, O.i2f, O.f2i,
  O.aget_i, O.aget_f, O.aget_b, O.alen,
]);
const BRANCHES = new Set<number>([O.jmp, O.loop, O.jt, O.jf, O.jlt_i, O.jle_i, O.jgt_i, O.jge_i, O.jeq_i, O.jne_i,
  O.jlt_ik, O.jle_ik, O.jgt_ik, O.jge_ik, O.jeq_ik, O.jne_ik, O.forlt, O.forgt]);
const STORES = new Set<number>([O.aset_i, O.aset_f, O.aset_b]);
const READS = new Set<number>([O.aget_i, O.aget_f, O.aget_b, O.alen]);
const ARRAY_FILL = 152;
/** Where the array operand of an element read, store or length is. */
const arrayAt = (op: number) => (STORES.has(op) ? 1 : 2);

/** `fn` with each loop that qualifies jammed (the function itself when none does), and what was done. */
export function jamLoops(fn: BcFunction): { fn: BcFunction; jammed: JamDecision[] } {
  if (fn.handlers.length) return { fn, jammed: [] };
  const jammed: JamDecision[] = [];
  // (one loop a pass: each rewrite moves every pc after it)
  for (;;) {
    const code = fn.code;
    let done = false;
    for (let pc = 0; pc < code.length && !done; pc += instrLength(code, pc)) {
      if (code[pc] !== O.forlt || code[pc + 3] !== 1 || code[pc + 4] >= pc) continue;
      // (a loop as written behind its jammed copy is where the copy's errors go: not again)
      if (fn.bails?.some((b) => b.target === code[pc + 4])) continue;
      const plan = planJam(fn, code[pc + 4], pc);
      if (!plan) continue;
      jammed.push({ line: fn.lines[pc], why: `${plan.lanes} iterations at once: ${plan.lanes * plan.sums} independent sums in its inner loop` });
      fn = rewrite(fn, plan);
      done = true;
    }
    if (!done) return { fn, jammed };
  }
}

interface JamPlan {
  /** The body [start, end): `end` is the forlt. */
  start: number;
  end: number;
  /** Where the tail of stores begins. */
  tail: number;
  index: number;
  limit: number;
  /** Registers that depend on the index (copied per iteration), by the pcs whose defs they are. */
  variantDefs: Set<number>;
  /** For each use (pc:register), whether it reads the iteration's copy. */
  variantUse: (pc: number, r: number) => boolean;
  sums: number;
  /** Iterations run at once. */
  lanes: number;
}

function planJam(fn: BcFunction, start: number, end: number): JamPlan | null {
  const code = fn.code;
  const index = code[end + 1], limit = code[end + 2];
  const { pcs } = instructionIndex(code);
  const body = pcs.filter((pc) => pc >= start && pc < end);
  if (body.length > JAM_MAX_INSTRUCTIONS || (fn.inlined ?? []).some((s) => s.start < end + 5 && s.end > start)) return null;
  // Entered only at its top (by falling in, or its back edge), left only by its end.
  for (const pc of pcs) {
    for (const to of successors(code, pc)) {
      const inside = pc >= start && pc < end;
      if (inside && (to <= start || to >= end)) { if (!(pc === body[body.length - 1] && to === end)) return null; }
      if (!inside && to > start && to < end) return null;
      if (!inside && to === start && pc !== end && pc + instrLength(code, pc) !== start) return null;
    }
  }
  // What it may hold; the stores only in a straight tail after the last branch or jump target.
  let tail = -1;
  const targets = new Set<number>();
  for (const pc of body) for (const to of successors(code, pc)) if (to !== pc + instrLength(code, pc)) targets.add(to);
  for (const pc of body) {
    const op = code[pc];
    if (STORES.has(op)) { if (tail < 0) tail = pc; continue; }
    if (tail >= 0 && (BRANCHES.has(op) || targets.has(pc))) return null;
    if (!PURE.has(op) && !BRANCHES.has(op)) return null;
    if (op === O.loadk && fn.regKinds[code[pc + 1]] === Kind.Ref) return null;
  }
  if (tail < 0) return null;
  const written = new Set<number>();
  for (const pc of body) eachDef(code, pc, (r) => written.add(r));
  if (written.has(index) || written.has(limit)) return null;
  // Each register the body writes is written before it is read in every iteration (must-define,
  // forward over the body from its top).
  const local = [...written];
  const bit = new Map(local.map((r, i) => [r, i]));
  const all = () => new Uint8Array(local.length).fill(1);
  const defIn = new Map<number, Uint8Array>(body.map((pc) => [pc, pc === start ? new Uint8Array(local.length) : all()]));
  const defOut = (pc: number) => { const s = Uint8Array.from(defIn.get(pc)!); eachDef(code, pc, (r) => { s[bit.get(r)!] = 1; }); return s; };
  for (let changed = true; changed;) {
    changed = false;
    for (const pc of body) {
      const out = defOut(pc);
      for (const to of successors(code, pc)) {
        const into = defIn.get(to);
        if (!into || to === start) continue;
        for (let i = 0; i < out.length; i++) if (into[i] && !out[i]) { into[i] = 0; changed = true; }
      }
    }
  }
  for (const pc of body) {
    let ok = true;
    eachUse(code, pc, (r) => { if (bit.has(r) && !defIn.get(pc)![bit.get(r)!]) ok = false; });
    if (!ok) return null;
  }
  // ... and not read after the loop.
  if (liveAfter(fn, end + instrLength(code, end), written)) return null;
  // Which definitions depend on the index: reaching definitions over the body, to a fixed point.
  const reach = reachingDefs(code, body, start, written);
  const variantDefs = new Set<number>();
  const usesVariant = (pc: number, r: number) => r === index || (written.has(r) && [...reach.get(pc)!.get(r) ?? []].some((d) => variantDefs.has(d)));
  // (and a read of either reads the iteration's copy, so every definition it may see writes one:
  // a sum's `s = 0.0` as much as its `s = s + x`)
  const mark = (pc: number) => { if (variantDefs.has(pc)) return false; variantDefs.add(pc); return true; };
  for (let changed = true; changed;) {
    changed = false;
    for (const pc of body) {
      let v = false;
      eachUse(code, pc, (r) => {
        if (!usesVariant(pc, r)) return;
        v = true;
        for (const d of reach.get(pc)!.get(r) ?? []) changed = mark(d) || changed;
      });
      let defs = 0;
      eachDef(code, pc, () => defs++);
      if (v && defs) changed = mark(pc) || changed;
    }
  }
  // Branches see shared values only: every copy takes the same ones.
  for (const pc of body) {
    if (!BRANCHES.has(code[pc])) continue;
    let v = false;
    eachUse(code, pc, (r) => { v ||= usesVariant(pc, r); });
    if (v) return null;
  }
  // Each iteration's tail reads what the part before it left: a register the tail writes for
  // all iterations alike is not one of those (the next iteration's tail would read it changed).
  const tailWrites = new Set<number>();
  for (const pc of body) if (pc >= tail && !variantDefs.has(pc)) eachDef(code, pc, (r) => tailWrites.add(r));
  for (const pc of body) {
    if (pc < tail) continue;
    let stale = false;
    eachUse(code, pc, (r) => { if (tailWrites.has(r) && [...reach.get(pc)!.get(r) ?? []].some((d) => d < tail)) stale = true; });
    if (stale) return null;
  }
  // The arrays stored to are the function's own, which no other register can hold.
  const stored = new Set<number>(), read = new Set<number>();
  for (const pc of body) (STORES.has(code[pc]) ? stored : READS.has(code[pc]) ? read : null)?.add(code[pc + arrayAt(code[pc])]);
  for (const s of stored) if (read.has(s) || !ownArray(fn, s)) return null;
  // Worth it: an inner loop (before the tail) carries a sum that depends on the index — a
  // register it reads before it writes it again.
  const carried = new Set<number>();
  for (const q of body) {
    const j = OPS[code[q]].ops.indexOf('j');
    const head = j >= 0 ? code[q + 1 + j] : q + 1;
    if (q >= tail || head > q) continue;
    for (const pc of body) {
      if (pc < head || pc > q || !variantDefs.has(pc)) continue;
      eachDef(code, pc, (r) => { if (body.some((u) => u >= head && u <= pc && usesReg(code, u, r) && reach.get(u)!.get(r)?.has(pc))) carried.add(r); });
    }
  }
  const sums = carried.size;
  if (!sums) return null;
  const lanes = Math.min(MAX_LANES, Math.floor((XMM_HOMES - 3) / sums));
  if (lanes < 2) return null;
  return { start, end, tail, index, limit, variantDefs, variantUse: usesVariant, sums, lanes };
}

function usesReg(code: Int32Array, pc: number, r: number): boolean {
  let used = false;
  eachUse(code, pc, (u) => { used ||= u === r; });
  return used;
}

/**
 * Whether array register `r` holds an array only this function can reach: written once, by an
 * allocation, and read only as the array of element reads, stores and lengths, or returned.
 */
function ownArray(fn: BcFunction, r: number): boolean {
  const code = fn.code;
  let defs = 0, ok = true;
  for (let pc = 0; pc < code.length && ok; pc += instrLength(code, pc)) {
    const op = code[pc];
    eachDef(code, pc, (d) => {
      if (d !== r) return;
      defs++;
      if (!(op === O.newarr || (op === O.callb && code[pc + 2] === ARRAY_FILL))) ok = false;
    });
    let uses = 0;
    eachUse(code, pc, (u) => { if (u === r) uses++; });
    if (!uses) continue;
    const asArray = (READS.has(op) || STORES.has(op)) && code[pc + arrayAt(op)] === r && uses === 1;
    if (!asArray && op !== O.ret) ok = false;
  }
  return ok && defs === 1;
}

/** Whether any of `regs` is read, from `pc` on, before it is written (may-liveness, forward search). */
function liveAfter(fn: BcFunction, pc: number, regs: Set<number>): boolean {
  const code = fn.code;
  const seen = new Map<number, Set<number>>();
  const work: [number, Set<number>][] = [[pc, new Set(regs)]];
  while (work.length) {
    const [p, pending] = work.pop()!;
    if (p >= code.length || !pending.size) continue;
    const before = seen.get(p);
    const fresh = before ? [...pending].filter((r) => !before.has(r)) : [...pending];
    if (!fresh.length) continue;
    seen.set(p, new Set([...(before ?? []), ...fresh]));
    let read = false;
    eachUse(code, p, (r) => { if (fresh.includes(r)) read = true; });
    if (read) return true;
    const left = new Set(fresh);
    eachDef(code, p, (r) => left.delete(r));
    for (const to of successors(code, p)) work.push([to, left]);
  }
  return false;
}

/** For each pc of the body, the definitions (by pc) of each of `regs` that reach it from within the body. */
function reachingDefs(code: Int32Array, body: number[], start: number, regs: Set<number>): Map<number, Map<number, Set<number>>> {
  const reach = new Map<number, Map<number, Set<number>>>(body.map((pc) => [pc, new Map()]));
  for (let changed = true; changed;) {
    changed = false;
    for (const pc of body) {
      const out = new Map([...reach.get(pc)!].map(([r, s]) => [r, new Set(s)]));
      eachDef(code, pc, (r) => { if (regs.has(r)) out.set(r, new Set([pc])); });
      for (const to of successors(code, pc)) {
        const into = reach.get(to);
        if (!into || to === start) continue;
        for (const [r, s] of out) {
          let t = into.get(r);
          if (!t) into.set(r, (t = new Set()));
          for (const d of s) if (!t.has(d)) { t.add(d); changed = true; }
        }
      }
    }
  }
  return reach;
}

/** Lays the jammed loop out before the loop as written (see the file's comment). */
function rewrite(fn: BcFunction, p: JamPlan): BcFunction {
  const code = fn.code;
  const regKinds = [...fn.regKinds], regTypes = [...fn.regTypes];
  const fresh = (like: number) => { regKinds.push(fn.regKinds[like]); regTypes.push(fn.regTypes[like]); return regKinds.length - 1; };
  const b = new CodeBuilder();
  const line = fn.lines[p.end];
  // Each iteration's copy of a register the index reaches (iteration 0's too: a register can hold
  // a value all iterations share at one place and an iteration's own at another).
  const copies = new Map<number, number[]>();
  const copyOf = (r: number, k: number) => {
    if (!copies.has(r)) copies.set(r, Array.from({ length: p.lanes }, () => fresh(r)));
    return copies.get(r)![k];
  };
  const indexes = Array.from({ length: p.lanes }, (_, k) => (k ? fresh(p.index) : p.index));
  const usedIndex = new Set<number>();
  const left = fresh(p.index);
  const body: number[] = [];
  for (let q = p.start; q < p.end; q += instrLength(code, q)) body.push(q);
  const defCount = new Map<number, number>();
  for (const q of body) eachDef(code, q, (r) => defCount.set(r, (defCount.get(r) ?? 0) + 1));
  const lane = (pc: number, k: number): number[] => {
    const words = Array.from(code.subarray(pc, pc + instrLength(code, pc)));
    // (`x + j` of iteration k is iteration 0's plus k: one register of the index, not one each)
    const op = words[0], d = words[1];
    if (k > 0 && defCount.get(d) === 1 && ((op === O.add_i && (words[2] === p.index) !== (words[3] === p.index) && !p.variantUse(pc, words[2] === p.index ? words[3] : words[2])) || (op === O.mov && words[2] === p.index))) {
      return [O.addk_i, copyOf(d, k), copyOf(d, 0), k];
    }
    let w = 1;
    for (const letter of OPS[op].ops) {
      if (letter === 'd' && p.variantDefs.has(pc)) words[w] = copyOf(words[w], k);
      else if (letter === 'r' && words[w] === p.index) { words[w] = indexes[k]; usedIndex.add(k); }
      else if (letter === 'r' && p.variantUse(pc, words[w])) words[w] = copyOf(words[w], k);
      w++;
    }
    return words;
  };
  const variant = (q: number) => {
    let v = p.variantDefs.has(q);
    eachUse(code, q, (r) => { v ||= r === p.index || p.variantUse(q, r); });
    return v;
  };
  const targets = new Set<number>();
  for (const q of body) for (const to of successors(code, q)) if (to !== q + instrLength(code, q)) targets.add(to);
  const target = (pc: number, tag: string) => {
    const j = OPS[code[pc]].ops.indexOf('j');
    return j >= 0 ? `${tag}${code[pc + 1 + j]}` : '';
  };
  /**
   * The part before the stores: shared instructions once; each run of instructions that depend
   * on the index, iteration by iteration (a sum's load, product and addition together, not all
   * the loads first: fewer values live at once).
   */
  const jammed = (): { words: number[]; line: number; label?: string; target?: string }[] => {
    const out: { words: number[]; line: number; label?: string; target?: string }[] = [];
    for (let q = p.start; q < p.tail;) {
      if (!variant(q)) { out.push({ words: Array.from(code.subarray(q, q + instrLength(code, q))), line: fn.lines[q], label: `j${q}`, target: target(q, 'j') }); q += instrLength(code, q); continue; }
      const run = [q];
      for (q += instrLength(code, q); q < p.tail && variant(q) && !targets.has(q); q += instrLength(code, q)) run.push(q);
      for (let k = 0; k < p.lanes; k++) run.forEach((x, i) => out.push({ words: lane(x, k), line: fn.lines[x], label: k === 0 && i === 0 ? `j${x}` : undefined }));
    }
    return out;
  };
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (pc === p.start) {
      b.label('jam');
      b.put([O.sub_i, left, p.limit, p.index], line);
      b.put([O.jlt_ik, left, p.lanes, 0], line, `:${p.start}`);
      b.label('bail-start');
      const items = jammed();
      const tails = Array.from({ length: p.lanes }, (_, k) => body.filter((q) => q >= p.tail).map((q) => ({ words: lane(q, k), line: fn.lines[q] })));
      for (const k of usedIndex) if (k) b.put([O.addk_i, indexes[k], p.index, k], line);
      for (const it of items) { if (it.label) b.label(it.label); b.put(it.words, it.line, it.target ?? ''); }
      b.label(`j${p.tail}`);
      b.label('bail-end');
      for (const tail of tails) for (const it of tail) b.put(it.words, it.line);
      b.put([O.addk_i, p.index, p.index, p.lanes], line);
      b.put([O.jlt_i, p.index, p.limit, 0], line, 'jam');
      b.put([O.jmp, 0], line, `:${p.end + instrLength(code, p.end)}`);
    }
    b.label(`:${pc}`);
    b.put(Array.from(code.subarray(pc, pc + instrLength(code, pc))), fn.lines[pc], target(pc, ':'));
    b.label(`>${pc}`);
  }
  b.label(`:${code.length}`);
  const { code: out, lines, pcOf } = b.finish();
  const range = rangeMover(code, pcOf);
  const bails = [...(fn.bails ?? []).map((x) => ({ start: pcOf(`:${x.start}`), end: pcOf(`:${x.end}`), target: pcOf(`:${x.target}`) })),
    { start: pcOf('bail-start'), end: pcOf('bail-end'), target: pcOf(`:${p.start}`) }];
  return {
    ...fn, code: out, lines, regKinds: Uint8Array.from(regKinds), regTypes, bails,
    frameRegs: fn.frameRegs ?? fn.regKinds.length,
    inlined: fn.inlined?.map(range), vars: fn.vars?.map(range),
  };
}
