// The verifier's data-flow pass: every register an instruction reads must have been written on
// every path reaching it (native code keeps registers in uninitialised stack slots, so a string
// register read before any write would be a wild pointer), and a function with a result must
// not reach `retv`. Classic definite assignment: basic blocks, bit sets, a work list; an
// exception handler is entered with what was assigned at the start of every block it covers,
// plus its message register.
import type { BcFunction } from './module.js';
import { OPS, Op } from './opcodes.js';
import type { Ins } from './verify-ops.js';

export const TERMINATORS: ReadonlySet<number> = new Set([Op.ret, Op.retv, Op.jmp, Op.loop, Op.throw, Op.rterr]);

/** Registers an instruction reads and writes, by its operand letters. */
function access(x: Ins): { reads: number[]; writes: number[] } {
  const ops = OPS[x.op].ops.replace(/[*%]/g, '');
  const reads: number[] = [], writes: number[] = [];
  for (let i = 0; i < ops.length; i++) {
    if (ops[i] === 'r') reads.push(x.v[i]);
    else if (ops[i] === 'd') writes.push(x.v[i]);
  }
  const pairs = OPS[x.op].ops.includes('%');
  for (let i = 0; i < x.list.length; i += pairs ? 2 : 1) reads.push(x.list[i]);
  return { reads, writes };
}

/** Jump target of an instruction, or null (a target of -1 is one, and must be refused). */
export function jumpTarget(x: Ins): number | null {
  const j = OPS[x.op].ops.replace(/[*%]/g, '').indexOf('j');
  return j >= 0 ? x.v[j] : null;
}

/** Problems of definite assignment in `fn`, whose instructions (all valid) are `ins`. */
export function flowProblems(fn: BcFunction, ins: Ins[]): string[] {
  const at = new Map<number, number>(ins.map((x, i) => [x.pc, i]));
  const leader = new Set<number>([0]);
  ins.forEach((x, i) => {
    const target = jumpTarget(x);
    if (target !== null) leader.add(at.get(target)!);
    if ((target !== null || TERMINATORS.has(x.op)) && i + 1 < ins.length) leader.add(i + 1);
  });
  for (const h of fn.handlers) {
    for (const pc of [h.start, h.end, h.target]) if (at.has(pc)) leader.add(at.get(pc)!);
  }
  const starts = [...leader].sort((a, b) => a - b);
  const blockOf = new Map<number, number>(starts.map((s, b) => [s, b]));
  const words = (fn.regKinds.length + 31) >>> 5;
  const state: (Uint32Array | null)[] = starts.map(() => null);
  const work: number[] = [];
  const meet = (b: number, s: Uint32Array): void => {
    const cur = state[b];
    if (!cur) { state[b] = s.slice(); work.push(b); return; }
    let changed = false;
    for (let w = 0; w < words; w++) {
      const v = (cur[w] & s[w]) >>> 0;
      if (v !== cur[w]) { cur[w] = v; changed = true; }
    }
    if (changed) work.push(b);
  };
  const set = (s: Uint32Array, r: number) => { s[r >>> 5] |= 1 << (r & 31); };
  const has = (s: Uint32Array, r: number) => (s[r >>> 5] & (1 << (r & 31))) !== 0;
  const entry = new Uint32Array(words);
  for (let r = 0; r < fn.arity; r++) set(entry, r);
  meet(0, entry);
  const problems: string[] = [];
  const walk = (b: number, report: boolean): Uint32Array => {
    const s = state[b]!.slice();
    const end = b + 1 < starts.length ? starts[b + 1] : ins.length;
    for (let i = starts[b]; i < end; i++) {
      const x = ins[i];
      const { reads, writes } = access(x);
      if (report) {
        for (const r of reads) if (!has(s, r)) problems.push(`r${r} may be read before it is written at ${x.pc}`);
        if (x.op === Op.retv && fn.ret !== 'v') problems.push(`retv at ${x.pc} in a function returning ${fn.ret}`);
      }
      for (const r of writes) set(s, r);
    }
    return s;
  };
  while (work.length > 0) {
    const b = work.pop()!;
    const out = walk(b, false);
    const first = starts[b], last = ins[(b + 1 < starts.length ? starts[b + 1] : ins.length) - 1];
    const target = jumpTarget(last);
    if (target !== null) meet(blockOf.get(at.get(target)!)!, out);
    if (!TERMINATORS.has(last.op) && b + 1 < starts.length) meet(b + 1, out);
    for (const h of fn.handlers) {
      if (ins[first].pc < h.start || ins[first].pc >= h.end) continue;
      const s = state[b]!.slice();
      if (h.reg >= 0) set(s, h.reg);
      meet(blockOf.get(at.get(h.target)!)!, s);
    }
  }
  for (let b = 0; b < starts.length && problems.length < 5; b++) if (state[b]) walk(b, true);
  return problems;
}
