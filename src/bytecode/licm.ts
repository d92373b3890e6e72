// Loop-invariant code motion, as a bytecode-to-bytecode pass of `bpjit build`: an arithmetic
// instruction at the top of a loop (before its first branch) whose operands nothing in the loop
// writes computes the same value on every trip — it moves to just before the loop, where it runs
// once. matmul's `i * n` in the k loop is one.
//
// What makes the move exact: the instruction cannot fail (no division of ints, no memory), runs
// on every trip before anything can leave the loop, is the only write of its result in the loop,
// and nothing in the loop reads the result before it — so every read sees the value it would
// have seen, on the first trip as on the others, and after the loop too. The loop must be entered
// only by falling into its top, so the moved instruction runs exactly when the first trip would
// have run it. Constants and moves stay (the lowering makes constants immediates in their block,
// and a moved one would only hold a register longer).
import type { BcFunction } from './module.js';
import { O, OPS, instrLength } from './opcodes.js';
import { CodeBuilder, rangeMover } from './relink.js';
import { eachDef, eachUse, successors } from './walk.js';

/** Instructions that compute from registers only and cannot fail. */
const MOVABLE = new Set<number>([
  O.add_i, O.sub_i, O.mul_i, O.addk_i, O.and_i, O.or_i, O.xor_i, O.shl_i, O.shr_i, O.neg_i, O.not_i,
  O.add_f, O.sub_f, O.mul_f, O.div_f, O.neg_f, O.i2f, O.f2i,
  O.eq_i, O.ne_i, O.lt_i, O.le_i, O.gt_i, O.ge_i, O.eq_f, O.ne_f, O.lt_f, O.le_f, O.gt_f, O.ge_f, O.not,
]);
const BACK_EDGES = new Set<number>([O.loop, O.forlt, O.forgt]);

export interface HoistDecision {
  /** The moved instruction's line, and the loop's. */
  line: number;
  loopLine: number;
  what: string;
}

/** The registers an instruction writes (a counting loop's back edge writes its counter). */
function writes(code: Int32Array, pc: number, f: (r: number) => void): void {
  eachDef(code, pc, f);
  if (code[pc] === O.forlt || code[pc] === O.forgt) f(code[pc + 1]);
}

/** `fn` with loop-invariant instructions moved before their loops (innermost loops first). */
export function hoistInvariants(fn: BcFunction): { fn: BcFunction; hoisted: HoistDecision[] } {
  const hoisted: HoistDecision[] = [];
  if (fn.handlers.length) return { fn, hoisted };
  // (each move relays the code: one loop at a time, until none moves anything)
  for (let rounds = 0; rounds < 64; rounds++) {
    const move = findMove(fn);
    if (!move) break;
    hoisted.push(...move.pcs.map((pc) => ({ line: fn.lines[pc], loopLine: fn.lines[move.back], what: OPS[fn.code[pc]].name })));
    fn = relay(fn, move.head, move.pcs);
  }
  return { fn, hoisted };
}

function findMove(fn: BcFunction): { head: number; back: number; pcs: number[] } | null {
  const code = fn.code;
  const pcs: number[] = [];
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) pcs.push(pc);
  const sites = fn.inlined ?? [];
  // Innermost loops first: by their size.
  const loops: { head: number; back: number }[] = [];
  for (const pc of pcs) {
    const j = OPS[code[pc]].ops.indexOf('j');
    if (BACK_EDGES.has(code[pc]) && code[pc + 1 + j] <= pc) loops.push({ head: code[pc + 1 + j], back: pc });
  }
  loops.sort((x, y) => x.back - x.head - (y.back - y.head));
  for (const { head, back } of loops) {
    const inside = (pc: number) => pc >= head && pc <= back;
    // Entered only by falling into its top.
    let entered = false;
    for (const pc of pcs) {
      if (inside(pc)) continue;
      for (const to of successors(code, pc)) if (inside(to) && (to !== head || pc + instrLength(code, pc) !== head)) entered = true;
    }
    if (entered) continue;
    const written = new Map<number, number>();
    for (const pc of pcs) if (inside(pc)) writes(code, pc, (r) => written.set(r, (written.get(r) ?? 0) + 1));
    const targets = new Set<number>();
    for (const pc of pcs) if (inside(pc)) for (const to of successors(code, pc)) if (to !== pc + instrLength(code, pc)) targets.add(to);
    const moved: number[] = [];
    const readBefore = new Set<number>();
    for (let pc = head; pc <= back && (pc === head || !targets.has(pc)); pc += instrLength(code, pc)) {
      const op = code[pc];
      if (OPS[op].ops.includes('j')) break;
      let d = -1;
      eachDef(code, pc, (r) => { d = r; });
      let invariant = MOVABLE.has(op) && written.get(d) === 1 && !readBefore.has(d) && !sites.some((s) => pc >= s.start && pc < s.end);
      eachUse(code, pc, (r) => { if (written.has(r) || r === d) invariant = false; });
      eachUse(code, pc, (r) => readBefore.add(r));
      if (!invariant) continue;
      moved.push(pc);
      // (what it writes is now written before the loop: later instructions may use it)
      written.delete(d);
    }
    if (moved.length) return { head, back, pcs: moved };
  }
  return null;
}

/** `fn` with the instructions at `moved` placed just before the loop starting at `head`. */
function relay(fn: BcFunction, head: number, moved: number[]): BcFunction {
  const code = fn.code;
  const b = new CodeBuilder();
  const put = (pc: number) => {
    const words = Array.from(code.subarray(pc, pc + instrLength(code, pc)));
    const j = OPS[words[0]].ops.indexOf('j');
    b.put(words, fn.lines[pc], j >= 0 ? `:${words[1 + j]}` : '');
  };
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (pc === head) for (const m of moved) put(m);
    b.label(`:${pc}`);
    if (!moved.includes(pc)) put(pc);
    b.label(`>${pc}`);
  }
  b.label(`:${code.length}`);
  const { code: out, lines, pcOf } = b.finish();
  const range = rangeMover(code, pcOf);
  return { ...fn, code: out, lines, inlined: fn.inlined?.map(range), vars: fn.vars?.map(range) };
}
