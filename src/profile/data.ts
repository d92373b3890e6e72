// ProfileData: what a run measured. Per function: calls, executed instructions, loop trips,
// branch outcomes and call-site counts (exact, counted on every tier), time (self and total,
// sampled) and time per line, and the tier it ran in with the reason when it stayed
// interpreted; and the distinct sampled call stacks, from which the flame graph and folded stacks
// are drawn. Every tier counts edges only (branches, back-edges, calls); executed-instruction
// counts are reconstructed here from those over each function's basic blocks. The same object is
// written as the .bpprof file and read back by `bpjit build --profile`.
import type { BcFunction, BytecodeModule } from '../bytecode/module.js';
import { O, OPS, instrLength } from '../bytecode/opcodes.js';

/** Where a function ran: compiled, in the native interpreter, or on the TypeScript VM. */
export type Tier = 'native' | 'interpreter' | 'vm';

export interface FunctionProfile {
  name: string;
  index: number;
  file: string;
  defLine: number;
  calls: number;
  instructions: number;
  loops: { pc: number; line: number; trips: number }[];
  branches: { pc: number; line: number; taken: number; notTaken: number }[];
  callSites: { pc: number; line: number; callee: string; count: number }[];
  /** Where the function ran in the end, and why it stayed interpreted if it did. */
  tier: Tier;
  reason?: string;
  /** Sampled time in the function itself and with its callees (ms). */
  selfMs: number;
  totalMs: number;
  /** Sampled time per source line of the function (self time), hottest first. */
  lines: { line: number; selfMs: number }[];
}

/** A frame of a sampled stack: a BetterPython function (and the line executing), or native code of bpjit's. */
export interface Frame {
  name: string;
  /** 'bp': a function of the program; 'runtime': the runtime's (builtins, collector); 'bpjit': bpjit itself (compiling). */
  kind: 'bp' | 'runtime' | 'bpjit';
  tier?: Tier;
  line?: number;
}

export interface ProfileData {
  version: 2;
  program: string;
  /** How the run was made: native code with the JIT, the native interpreter alone, or the VM. */
  mode: Tier;
  wallMs: number;
  /** The sampling interval; time figures are samples × interval. */
  intervalMs: number;
  samples: number;
  totalInstructions: number;
  functions: FunctionProfile[];
  /** The distinct sampled stacks, outermost frame first, with how many samples saw each. */
  stacks: { frames: Frame[]; count: number }[];
}

/** A function's counters as a tier keeps them: per-pc slots like the VM's (see interp.ts). */
export interface Counters {
  calls: number;
  /** Branch taken at pc / not taken at pc+1; loop trips at pc / exits at pc+1; call-site counts at pc. */
  prof: ArrayLike<number>;
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
export function instructionCount(fn: BcFunction, prof: ArrayLike<number>, entries: number): number {
  const code = fn.code;
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

/**
 * The counting half of a profile: `counters` per function (by index) and the tier each ran in.
 * Time and stacks are filled in by the sampler of the tier (see sampling.ts).
 */
export function countsProfile(mod: BytecodeModule, counters: Counters[], program: string, mode: Tier, tiers: Map<number, { tier: Tier; reason?: string }>): ProfileData {
  const functions: FunctionProfile[] = mod.functions.map((fn, index) => {
    const { calls, prof } = counters[index];
    const entries = calls + (index === mod.entry || index === mod.init ? 1 : 0);
    const loops: FunctionProfile['loops'] = [], branches: FunctionProfile['branches'] = [], callSites: FunctionProfile['callSites'] = [];
    const code = fn.code;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      const op = code[pc];
      const line = fn.lines[pc];
      if (op === O.loop || ((op === O.forlt || op === O.forgt) && targetOf(code, pc) <= pc)) loops.push({ pc: targetOf(code, pc), line, trips: prof[pc] });
      else if (CONDITIONAL.has(op)) branches.push({ pc, line, taken: prof[pc], notTaken: prof[pc + 1] });
      else if (op === O.call || op === O.callv || op === O.callm) {
        callSites.push({ pc, line, callee: op === O.call ? mod.functions[code[pc + 2]].name : op === O.callm ? '<method>' : '<value>', count: prof[pc] });
      }
    }
    const t = tiers.get(index) ?? { tier: mode };
    return {
      name: fn.name, index, file: mod.files[fn.file] ?? '?', defLine: fn.defLine, calls, instructions: instructionCount(fn, prof, entries), loops, branches, callSites,
      tier: t.tier, reason: t.reason, selfMs: 0, totalMs: 0, lines: [],
    };
  });
  return {
    version: 2, program, mode, wallMs: 0, intervalMs: 0, samples: 0,
    totalInstructions: functions.reduce((s, f) => s + f.instructions, 0), functions, stacks: [],
  };
}

/**
 * Fills in the time of a profile from sampled stacks (outermost frame first): a function's self
 * time is the samples whose innermost frame is its, its total time the samples with it anywhere
 * on the stack (once per sample, however deep it recurses), a line's time the samples whose
 * innermost frame executes it.
 */
export function applySamples(p: ProfileData, stacks: { frames: Frame[]; count: number }[], intervalMs: number): void {
  p.stacks = stacks;
  p.intervalMs = intervalMs;
  p.samples = stacks.reduce((n, s) => n + s.count, 0);
  const byName = new Map(p.functions.map((f) => [f.name, f]));
  const lines = new Map<FunctionProfile, Map<number, number>>();
  for (const { frames, count } of stacks) {
    const ms = count * intervalMs;
    const leaf = frames[frames.length - 1];
    const self = leaf?.kind === 'bp' ? byName.get(leaf.name) : undefined;
    if (self) {
      self.selfMs += ms;
      if (leaf.line) {
        const m = lines.get(self) ?? new Map<number, number>();
        m.set(leaf.line, (m.get(leaf.line) ?? 0) + ms);
        lines.set(self, m);
      }
    }
    for (const name of new Set(frames.filter((f) => f.kind === 'bp').map((f) => f.name))) {
      const f = byName.get(name);
      if (f) f.totalMs += ms;
    }
  }
  for (const [f, m] of lines) f.lines = [...m].map(([line, selfMs]) => ({ line, selfMs })).sort((a, b) => b.selfMs - a.selfMs);
}

/** The human-readable report `bpjit profile` prints to stderr. */
export function formatReport(p: ProfileData, wallMs: number, top = 15, color = false): string {
  const sgr = (code: string) => (t: string) => (color ? `\x1b[${code}m${t}\x1b[0m` : t);
  const bold = sgr('1'), native = sgr('32'), vm = sgr('33');
  const total = Math.max(1, p.totalInstructions);
  const fns = [...p.functions].filter((f) => f.calls > 0 || f.instructions > 0).sort((a, b) => b.instructions - a.instructions);
  const rows = fns.slice(0, top).map((f) => [
    f.name, (100 * f.instructions / total).toFixed(1) + '%', String(f.instructions), String(f.calls),
    String(f.loops.reduce((s, l) => s + l.trips, 0)), f.selfMs.toFixed(1),
    f.tier === 'native' ? 'native' : `${f.tier}: ${f.reason ?? 'never hot'}`,
  ]);
  const head = ['function', 'share', 'instructions', 'calls', 'loop trips', 'self ms', 'tier'];
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
