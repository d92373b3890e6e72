// Walking register code by the opcode table's operand letters: the registers an instruction
// writes and reads, where control goes next, which pcs are jumped to. The analyses over bytecode
// (append.ts, plan.ts) are written with these.
import type { BcFunction } from './module.js';
import { OPS, O, instrLength } from './opcodes.js';

/** Calls f with each register the instruction at pc writes. */
export function eachDef(code: Int32Array, pc: number, f: (r: number) => void): void {
  let p = pc + 1;
  for (const letter of OPS[code[pc]].ops) {
    if (letter === 'd') f(code[p]);
    p += letter === '*' ? 1 + code[p] : letter === '%' ? 1 + 2 * code[p] : 1;
  }
}

/** Calls f with each register the instruction at pc reads (list operands included). */
export function eachUse(code: Int32Array, pc: number, f: (r: number) => void): void {
  let p = pc + 1;
  for (const letter of OPS[code[pc]].ops) {
    if (letter === '*' || letter === '%') {
      const k = code[p++];
      for (let i = 0; i < k; i++) { f(code[p]); p += letter === '%' ? 2 : 1; }
    } else {
      if (letter === 'r') f(code[p]);
      p++;
    }
  }
}

/** Instructions after which control never falls through to the next one. */
const NO_FALL_THROUGH: ReadonlySet<number> = new Set([O.jmp, O.loop, O.ret, O.retv, O.throw, O.rterr]);

/** Where control may go after the instruction at pc (exception handlers aside). */
export function successors(code: Int32Array, pc: number): number[] {
  const op = code[pc];
  const next = pc + instrLength(code, pc);
  const j = OPS[op].ops.indexOf('j');
  const out: number[] = [];
  if (j >= 0) out.push(code[pc + 1 + j]);
  if (!NO_FALL_THROUGH.has(op) && next < code.length) out.push(next);
  return out;
}

/** The pcs something jumps to, exception handlers' entries included. */
export function jumpTargets(fn: BcFunction): Set<number> {
  const code = fn.code;
  const targets = new Set<number>(fn.handlers.map((h) => h.target));
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const j = OPS[code[pc]].ops.indexOf('j');
    if (j >= 0) targets.add(code[pc + 1 + j]);
  }
  return targets;
}

/** The pcs of the instructions of `code`, in order, and each pc's position among them. */
export function instructionIndex(code: Int32Array): { pcs: number[]; index: Int32Array } {
  const pcs: number[] = [];
  const index = new Int32Array(code.length);
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) { index[pc] = pcs.length; pcs.push(pc); }
  return { pcs, index };
}
