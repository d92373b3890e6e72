// What the lowering does with a function's plan (src/bytecode/plan.ts) and how that changes the
// frame: self-calls in tail position become jumps back to the top with an accumulator, and
// divisions by a constant multiply by its magic number. The frame layout sees their effect on
// which registers are read where (`reads`, `replaced`, `skip`), so homes and live intervals stay
// right.
import { Kind, O, instrLength } from '../bytecode/opcodes.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { planFunction, type TailSite } from '../bytecode/plan.js';
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

function* returns(code: Int32Array): Generator<number> {
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) if (code[pc] === O.ret) yield pc;
}
