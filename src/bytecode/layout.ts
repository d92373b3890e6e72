// Cold blocks out of line, by a profile: the instructions a conditional branch falls through to,
// when the profile says it hardly ever falls through (the then-part of an `if` that is rarely
// true, a rare else), move after the function's last instruction; the branch is inverted to jump
// to them, and they jump back. The hot path then runs straight through without a taken jump, and
// the cold code stops taking room in the instruction cache between hot instructions. (Error
// paths need no profile: every runtime check already jumps forward to a stub after the code.)
// Only blocks nothing else jumps into, holding no loop back-edge and no inlined copy, in
// functions without exception handlers, move: what the block does, and every line and traceback,
// stay as they were.
import type { BcFunction } from './module.js';
import { O, OPS, instrLength } from './opcodes.js';
import { CodeBuilder, rangeMover } from './relink.js';

/** A branch must have run this many times, and fallen through at most this share of them, for its block to move. */
export const COLD_MIN_RUNS = 1000;
export const COLD_SHARE = 1 / 16;

/** The inverse of each conditional branch (jumping when it would not). */
export const INVERSE = new Map<number, number>([
  [O.jt, O.jf], [O.jlt_i, O.jge_i], [O.jle_i, O.jgt_i], [O.jeq_i, O.jne_i],
  [O.jlt_ik, O.jge_ik], [O.jle_ik, O.jgt_ik], [O.jeq_ik, O.jne_ik],
].flatMap(([a, b]) => [[a, b], [b, a]]));

const NO_FALL_THROUGH: ReadonlySet<number> = new Set([O.jmp, O.loop, O.ret, O.retv, O.throw, O.rterr]);

export interface ColdBlock {
  /** The branch's pc (in the code given), and the block [start, end) it falls through to. */
  pc: number;
  start: number;
  end: number;
  why: string;
}

/**
 * The blocks of `fn` to move, given the counts of its branches by pc (taken, not taken).
 * Blocks are disjoint; a branch inside one that moves is not looked at.
 */
export function coldBlocks(fn: BcFunction, branch: (pc: number) => { taken: number; notTaken: number } | undefined): ColdBlock[] {
  if (fn.handlers.length) return [];
  const code = fn.code;
  const pcs: number[] = [];
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) pcs.push(pc);
  // every jump: from, to
  const jumps: [number, number][] = [];
  for (const pc of pcs) {
    const j = OPS[code[pc]].ops.indexOf('j');
    if (j >= 0) jumps.push([pc, code[pc + 1 + j]]);
  }
  const sites = fn.inlined ?? [];
  const out: ColdBlock[] = [];
  let movedTo = -1;
  for (const pc of pcs) {
    if (pc < movedTo || !INVERSE.has(code[pc])) continue;
    const c = branch(pc);
    const start = pc + instrLength(code, pc), end = code[pc + 1 + OPS[code[pc]].ops.indexOf('j')];
    if (!c || end <= start) continue;
    const runs = c.taken + c.notTaken;
    if (runs < COLD_MIN_RUNS || c.notTaken > COLD_SHARE * runs) continue;
    const inside = (p: number) => p >= start && p < end;
    const entered = jumps.some(([from, to]) => from !== pc && !inside(from) && inside(to));
    const loopsOut = jumps.some(([from, to]) => inside(from) && (code[from] === O.loop || code[from] === O.forlt || code[from] === O.forgt) && !inside(to));
    const copies = sites.some((s) => s.start < end && s.end > start);
    if (entered || loopsOut || copies) continue;
    out.push({ pc, start, end, why: `falls through ${c.notTaken} of ${runs} times` });
    movedTo = end;
  }
  return out;
}

/** `fn` with `blocks` (from coldBlocks) moved after its last instruction; `pcMap`: old pc → new pc. */
export function moveColdBlocks(fn: BcFunction, blocks: ColdBlock[]): { fn: BcFunction; pcMap: (pc: number) => number } {
  if (!blocks.length) return { fn, pcMap: (pc) => pc };
  const code = fn.code;
  const b = new CodeBuilder();
  const place = (pc: number) => {
    const words = Array.from(code.subarray(pc, pc + instrLength(code, pc)));
    const j = OPS[words[0]].ops.indexOf('j');
    b.label(`:${pc}`);
    b.put(words, fn.lines[pc], j >= 0 ? `:${words[1 + j]}` : '');
    b.label(`>${pc}`);
  };
  const byBranch = new Map(blocks.map((k) => [k.pc, k]));
  for (let pc = 0; pc < code.length;) {
    const k = byBranch.get(pc);
    if (!k) { place(pc); pc += instrLength(code, pc); continue; }
    const words = Array.from(code.subarray(pc, k.start));
    words[0] = INVERSE.get(words[0])!;
    b.label(`:${pc}`);
    b.put(words, fn.lines[pc], `cold:${pc}`);
    b.label(`>${pc}`);
    pc = k.end;
  }
  b.label(`:${code.length}`);
  for (const k of blocks) {
    b.label(`cold:${k.pc}`);
    let last = k.start;
    for (let pc = k.start; pc < k.end; pc += instrLength(code, pc)) { place(pc); last = pc; }
    if (!NO_FALL_THROUGH.has(code[last])) b.put([O.jmp, 0], fn.lines[last], `:${k.end}`);
  }
  const { code: out, lines, pcOf } = b.finish();
  // (blocks never split a range of instructions: it moves as a whole)
  const range = rangeMover(code, pcOf);
  return {
    fn: { ...fn, code: out, lines, inlined: fn.inlined?.map(range), vars: fn.vars?.map(range) },
    pcMap: (pc) => pcOf(`:${pc}`),
  };
}
