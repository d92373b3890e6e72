// What the lowering does with a function's plan (src/bytecode/plan.ts) and how that changes the
// frame: self-calls in tail position become jumps back to the top with an accumulator, and
// divisions by a constant multiply by its magic number. The frame layout sees their effect on
// which registers are read where (`reads`, `replaced`, `skip`), so homes and live intervals stay
// right.
import { Kind, O, instrLength } from '../bytecode/opcodes.js';
import type { BcFunction, BytecodeModule } from '../bytecode/module.js';
import { planFunction, type TailSite } from '../bytecode/plan.js';
import { eachDef, jumpTargets } from '../bytecode/walk.js';
import { hasMagic } from './magic.js';

export type { TailSite } from '../bytecode/plan.js';

/**
 * Self-calls in tail position, modulo an integer addition, become jumps back to the function's
 * start (gcc's tail recursion with accumulators): `return f(x) + y` adds y to an accumulator,
 * and every return adds the accumulator. fib makes half as many calls. Each such trip also
 * takes the frame's size from the stack left (as a real call would), so unbounded recursion is
 * still a stack overflow rather than an endless loop.
 */
export interface TailPlan {
  sites: Map<number, TailSite>;
  /** Extra registers: the stack left (bytes), and the accumulator (-1: none). */
  vsp: number;
  acc: number;
}

export interface Rewrites {
  tail: TailPlan | null;
  /** Instructions that emit no code. */
  skip: Set<number>;
  /** Instructions whose operands are not read as written: `reads` says what they read. */
  replaced: Set<number>;
  /** Registers an instruction reads (and, for a replaced one, writes) besides its operands. */
  reads: Map<number, number[]>;
  /** Call instructions that no longer call. */
  notCalls: Set<number>;
  /** Integer divisions and remainders by a constant with a magic number (pc → divisor): see magic.ts. */
  divisors: Map<number, bigint>;
  /**
   * Operands the lowering takes as an immediate (pc → the operand's position and value): an int
   * register a load in the same basic block left holding a constant that fits in 32 bits.
   */
  immediates: Map<number, { at: number; k: number }>;
  /** Field accesses whose object an earlier one in the same basic block found not null (no null check). */
  checked: Set<number>;
  /** Registers added after the function's own. */
  extra: number;
  /** Of those, the ones that live in the frame (not worth a callee-saved register). */
  inMemory: Set<number>;
}

/** Arguments the jump back to the start can move through scratch registers (see lower-control.ts). */
const TAIL_INT_ARGS = 6, TAIL_FLOAT_ARGS = 7;

/**
 * `wholeProgram`: every call of the function is in `mod` (see planFunction). `exactCalls`: every
 * call stays a call (profiling counts them).
 */
export function planRewrites(mod: BytecodeModule, self: number, wholeProgram: boolean, exactCalls = false): Rewrites {
  const fn = mod.functions[self];
  const plan = planFunction(mod, self, wholeProgram);
  const rw: Rewrites = {
    tail: null, divisors: new Map(), skip: new Set(), replaced: new Set(), reads: new Map(), notCalls: new Set(), extra: 0, inMemory: new Set(),
    ...blockFacts(fn),
  };
  for (const [pc, k] of plan.divisors) if (hasMagic(k)) rw.divisors.set(pc, k);
  const floats = fn.regKinds.slice(0, fn.arity).filter((k) => k === Kind.Float).length;
  const fits = floats <= TAIL_FLOAT_ARGS && fn.arity - floats <= TAIL_INT_ARGS;
  if (exactCalls || !fits || plan.tails.size === 0) return rw;
  const code = fn.code;
  const vsp = fn.regKinds.length, acc = vsp + 1;
  const anyAdds = [...plan.tails.values()].some((s) => s.rest.length > 1);
  for (const [pc, site] of plan.tails) {
    for (const p of site.rest) rw.skip.add(p);
    rw.replaced.add(pc);
    rw.notCalls.add(pc);
    // (the result register is not written: the site jumps away; the virtual stack pointer and
    // the accumulator are read and written on every trip, so they count twice)
    const args = Array.from({ length: code[pc + 3] }, (_, i) => code[pc + 4 + i]);
    const adds = site.other !== undefined || site.k !== undefined;
    rw.reads.set(pc, [...args, ...(site.other !== undefined ? [site.other] : []), vsp, vsp, ...(adds ? [acc, acc] : [])]);
  }
  rw.tail = { sites: new Map(plan.tails), vsp, acc: anyAdds ? acc : -1 };
  rw.extra = 2;
  rw.inMemory.add(vsp); // (one memory operand per trip costs less than a saved register per call)
  if (anyAdds) {
    for (const pc of returns(code)) if (!rw.skip.has(pc)) rw.reads.set(pc, [acc]);
  }
  return rw;
}

/** Instructions whose operand at position 2 (the second source) may be an immediate; 1 too where they commute. */
const TAKES_IMMEDIATE: Readonly<Partial<Record<number, 'commutes' | 'second'>>> = {
  [O.add_i]: 'commutes', [O.mul_i]: 'commutes', [O.and_i]: 'commutes', [O.or_i]: 'commutes', [O.xor_i]: 'commutes', [O.sub_i]: 'second',
  [O.eq_i]: 'second', [O.ne_i]: 'second', [O.lt_i]: 'second', [O.le_i]: 'second', [O.gt_i]: 'second', [O.ge_i]: 'second',
};
/** Compare-and-branch instructions: their second operand (position 1) may be an immediate. */
const BRANCHES = new Set<number>([O.jlt_i, O.jle_i, O.jgt_i, O.jge_i, O.jeq_i, O.jne_i]);

/** Field accesses by the position of their object operand. */
const FIELD_OBJECT: Readonly<Partial<Record<number, number>>> = { [O.getf]: 2, [O.tget]: 2, [O.setf]: 1 };

/**
 * See Rewrites.immediates and Rewrites.checked: a walk over each basic block remembering the
 * constants loaded and the objects a field access found not null.
 */
function blockFacts(fn: BcFunction): Pick<Rewrites, 'immediates' | 'checked'> {
  const code = fn.code, immediates = new Map<number, { at: number; k: number }>(), checked = new Set<number>();
  const targets = jumpTargets(fn);
  const known = new Map<number, number>(), objects = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (targets.has(pc)) { known.clear(); objects.clear(); }
    const op = code[pc];
    const shape = TAKES_IMMEDIATE[op];
    if (BRANCHES.has(op) && known.has(code[pc + 2])) immediates.set(pc, { at: 1, k: known.get(code[pc + 2])! });
    else if (shape && known.has(code[pc + 3])) immediates.set(pc, { at: 2, k: known.get(code[pc + 3])! });
    else if (shape === 'commutes' && known.has(code[pc + 2])) immediates.set(pc, { at: 1, k: known.get(code[pc + 2])! });
    const at = FIELD_OBJECT[op];
    if (at !== undefined) {
      if (objects.has(code[pc + at])) checked.add(pc);
      objects.add(code[pc + at]);
    }
    eachDef(code, pc, (r) => { known.delete(r); objects.delete(r); });
    if ((op === O.loadi) && fn.regKinds[code[pc + 1]] === Kind.Int) known.set(code[pc + 1], code[pc + 2]);
  }
  return { immediates, checked };
}

function* returns(code: Int32Array): Generator<number> {
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) if (code[pc] === O.ret) yield pc;
}
