// ProfileData: what a run measured, per function — calls, executed instructions, loop trips,
// branch outcomes and call-site counts — plus which tier each function ended in and why. The
// interpreter only counts edges (branches, back-edges, calls); executed-instruction counts are
// reconstructed here from those edge counts over each function's basic blocks, which costs the
// run nothing. The same object is written as `prog.bpprof` and read back by `bpjit build --profile`.
import type { BytecodeModule } from '../bytecode/module.js';
import { O, OPS, instrLength } from '../bytecode/opcodes.js';
import type { FnRt } from './interp.js';

export interface FunctionProfile {
  name: string;
  index: number;
  calls: number;
  instructions: number;
  loops: { pc: number; line: number; trips: number }[];
  branches: { pc: number; line: number; taken: number; notTaken: number }[];
  callSites: { pc: number; line: number; callee: string; count: number }[];
  /** Where the function ran in the end, and why it stayed in the VM if it did. */
  tier: 'vm' | 'native';
  reason?: string;
  /** Milliseconds spent in native code (JIT tier; measured only by `bpjit profile`). */
  nativeMs?: number;
}

export interface ProfileData {
  version: 1;
  program: string;
  totalInstructions: number;
  functions: FunctionProfile[];
}

const CONDITIONAL = new Set<number>([O.jt, O.jf, O.jlt_i, O.jle_i, O.jgt_i, O.jge_i, O.jeq_i, O.jne_i,
  O.jlt_ik, O.jle_ik, O.jgt_ik, O.jge_ik, O.jeq_ik, O.jne_ik, O.forlt, O.forgt]);
const ENDS = new Set<number>([O.jmp, O.loop, O.ret, O.retv, O.throw, O.rterr, ...CONDITIONAL]);

function targetOf(code: Int32Array, pc: number): number {
  const ops = OPS[code[pc]].ops;
  const j = ops.indexOf('j');
  return j >= 0 ? code[pc + 1 + j] : -1;
}

/**
 * Executed instructions of one function: every basic block's count is the sum of its incoming
 * edges; conditional edges and back-edges are counted by the VM, the rest follow from blocks.
 */
export function instructionCount(fn: FnRt, entries: number): number {
  const code = fn.code, prof = fn.prof;
  const leaders = new Set<number>([0]);
  for (const h of fn.handlers) leaders.add(h.target);
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const op = code[pc];
    if (ENDS.has(op)) {
      leaders.add(pc + instrLength(code, pc));
      const t = targetOf(code, pc);
      if (t >= 0) leaders.add(t);
    }
  }
  const starts = [...leaders].filter((p) => p < code.length).sort((a, b) => a - b);
  interface Block { start: number; n: number; last: number; count: number | null; incoming: { from: number; known: number | null }[] }
  const blocks: Block[] = [];
  const byStart = new Map<number, number>();
  starts.forEach((s, i) => {
    const end = starts[i + 1] ?? code.length;
    let n = 0, last = s;
    for (let pc = s; pc < end; pc += instrLength(code, pc)) { n++; last = pc; }
    byStart.set(s, blocks.length);
    blocks.push({ start: s, n, last, count: null, incoming: [] });
  });
  blocks[0].incoming.push({ from: -1, known: entries });
  blocks.forEach((b, i) => {
    const op = code[b.last];
    const next = byStart.get(b.last + instrLength(code, b.last));
    const target = byStart.get(targetOf(code, b.last));
    if (CONDITIONAL.has(op)) {
      if (target !== undefined) blocks[target].incoming.push({ from: i, known: prof[b.last] });
      if (next !== undefined) blocks[next].incoming.push({ from: i, known: prof[b.last + 1] });
    } else if (op === O.loop) {
      if (target !== undefined) blocks[target].incoming.push({ from: i, known: prof[b.last] });
    } else if (op === O.jmp) {
      if (target !== undefined) blocks[target].incoming.push({ from: i, known: null });
    } else if (!ENDS.has(op) && next !== undefined) blocks[next].incoming.push({ from: i, known: null });
  });
  const edge = (e: { from: number; known: number | null }) => (e.known !== null ? e.known : e.from >= 0 ? blocks[e.from].count : null);
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of blocks) {
      if (b.count !== null) continue;
      const vals = b.incoming.map(edge);
      if (vals.every((v) => v !== null)) { b.count = vals.reduce((s: number, v) => s + (v as number), 0); changed = true; }
    }
  }
  // Whatever is left (unreachable code, exception handlers) counts what is known of it.
  for (const b of blocks) if (b.count === null) b.count = b.incoming.map(edge).reduce((s: number, v) => s + (v ?? 0), 0);
  return blocks.reduce((s, b) => s + (b.count as number) * b.n, 0);
}

export function collectProfile(mod: BytecodeModule, fns: FnRt[], program: string, tiers?: Map<number, { tier: 'vm' | 'native'; reason?: string; nativeMs?: number }>): ProfileData {
  const functions: FunctionProfile[] = fns.map((fn) => {
    const entries = fn.calls + (fn.index === mod.entry || fn.index === mod.init ? 1 : 0);
    const loops: FunctionProfile['loops'] = [], branches: FunctionProfile['branches'] = [], callSites: FunctionProfile['callSites'] = [];
    const code = fn.code;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      const op = code[pc];
      const line = fn.lines[pc];
      if (op === O.loop || ((op === O.forlt || op === O.forgt) && targetOf(code, pc) <= pc)) loops.push({ pc: targetOf(code, pc), line, trips: fn.prof[pc] });
      else if (CONDITIONAL.has(op)) branches.push({ pc, line, taken: fn.prof[pc], notTaken: fn.prof[pc + 1] });
      else if (op === O.call || op === O.callv || op === O.callm) {
        callSites.push({ pc, line, callee: op === O.call ? mod.functions[code[pc + 2]].name : op === O.callm ? '<method>' : '<value>', count: fn.prof[pc] });
      }
    }
    const t = tiers?.get(fn.index);
    return {
      name: fn.name, index: fn.index, calls: fn.calls, instructions: instructionCount(fn, entries), loops, branches, callSites,
      tier: t?.tier ?? 'vm', reason: t?.reason, nativeMs: t?.nativeMs,
    };
  });
  return { version: 1, program, totalInstructions: functions.reduce((s, f) => s + f.instructions, 0), functions };
}

/**
 * Stack samples for folded-stack output: every `every` calls and loop trips the VM reports, the
 * current VM stack is recorded (native frames show as the VM frame that entered them).
 */
export class StackSampler {
  private left: number;
  private readonly counts = new Map<string, number>();
  constructor(private readonly every = 1000) {
    this.left = every;
  }
  tick(vm: { stack(): number[]; fns: FnRt[] }, current: FnRt): void {
    if (--this.left > 0) return;
    this.left = this.every;
    const names = [...vm.stack().map((i) => vm.fns[i].name), current.name];
    const key = names.join(';');
    this.counts.set(key, (this.counts.get(key) ?? 0) + this.every);
  }
  folded(): string {
    return [...this.counts].map(([k, n]) => `${k} ${n}`).join('\n') + '\n';
  }
}

/** The human-readable report `bpjit profile` prints to stderr. */
export function formatReport(p: ProfileData, wallMs: number, top = 15, color = false): string {
  const sgr = (code: string) => (t: string) => (color ? `\x1b[${code}m${t}\x1b[0m` : t);
  const bold = sgr('1'), native = sgr('32'), vm = sgr('33');
  const total = Math.max(1, p.totalInstructions);
  const fns = [...p.functions].filter((f) => f.calls > 0 || f.instructions > 0).sort((a, b) => b.instructions - a.instructions);
  const rows = fns.slice(0, top).map((f) => [
    f.name, (100 * f.instructions / total).toFixed(1) + '%', String(f.instructions), String(f.calls),
    String(f.loops.reduce((s, l) => s + l.trips, 0)), f.nativeMs !== undefined ? f.nativeMs.toFixed(1) : '-',
    f.tier === 'native' ? 'native' : `vm: ${f.reason ?? 'never hot'}`,
  ]);
  const head = ['function', 'share', 'instructions', 'calls', 'loop trips', 'native ms', 'tier'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Colour goes on after padding, so escape codes do not count as width.
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const tier = (r: string[]) => line(r.slice(0, -1).concat('')) + (r[6] === 'native' ? native : vm)(r[6]);
  let out = `${bold(`profile of ${p.program}`)}: ${wallMs.toFixed(0)} ms, ${p.totalInstructions} bytecode instructions executed in the VM, ${fns.length} functions\n\n`;
  out += bold(line(head)) + '\n' + rows.map(tier).join('\n') + '\n';
  const loops = p.functions.flatMap((f) => f.loops.map((l) => ({ ...l, fn: f.name }))).filter((l) => l.trips > 0).sort((a, b) => b.trips - a.trips).slice(0, 8);
  if (loops.length) {
    out += `\n${bold('hottest loops:')}\n`;
    for (const l of loops) out += `  ${l.fn} line ${l.line}: ${l.trips} trips\n`;
  }
  return out;
}
