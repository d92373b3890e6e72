// ProfileData: what a run measured. Per function: calls, executed instructions, loop trips,
// branch outcomes and call-site counts (exact, counted on every tier), time (self and total,
// sampled) and time per line, and the tier it ran in with the reason when it stayed
// interpreted; and the distinct sampled call stacks, from which the flame graph and folded stacks
// are drawn. Every tier counts edges only (branches, back-edges, calls); executed-instruction
// counts (per function and per source line) are reconstructed here from those over each
// function's basic blocks. The same object is written as the .bpprof file (JSON) and read back by
// `bpjit build --profile`; the report and the pictures (report.ts, svg.ts, html.ts, formats.ts)
// are drawn from it alone, plus the source text.
import type { BcFunction, BytecodeModule } from '../bytecode/module.js';
import { O, OPS, instrLength } from '../bytecode/opcodes.js';
import { codeHash } from './use.js';

/** Where a function ran: compiled, in the native interpreter, or on the TypeScript VM. */
export type Tier = 'native' | 'interpreter' | 'vm';

export interface FunctionProfile {
  name: string;
  index: number;
  /** A fingerprint of its code (use.ts codeHash): build --profile refuses a profile of other code. */
  code?: string;
  file: string;
  defLine: number;
  /** The last source line with code of the function (its body spans defLine..lastLine). */
  lastLine: number;
  /** Times the function was entered: its calls, plus the one entry of main and of module init. */
  calls: number;
  /** Bytecode instructions executed in it (whatever tier ran them). */
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
  /**
   * Per source line of the function that ran or was sampled, in line order: how many times it ran
   * (exact: the most executed of its instructions, so a loop's header counts its trips), sampled
   * time in the line itself, and with what it calls (a line on the stack twice counts once).
   */
  lines: LineProfile[];
}

export interface LineProfile {
  line: number;
  count: number;
  selfMs: number;
  totalMs: number;
}

/** A frame of a sampled stack: a BetterPython function (and the line executing), or native code of bpjit's. */
export interface Frame {
  name: string;
  /** 'bp': a function of the program; 'runtime': the runtime's (builtins, collector); 'bpjit': bpjit itself (the JIT compiling, the loader: code outside the program's). */
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
 * How many times each instruction of one function ran (by pc; 0 between instructions): every basic
 * block's count is the sum of its incoming edges; conditional edges and back-edges are counted by
 * every tier, the rest follow from blocks.
 */
export function executionCounts(fn: BcFunction, prof: ArrayLike<number>, entries: number): Float64Array {
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
  const counts = new Float64Array(code.length);
  for (const b of blocks) for (let pc = b.start, k = 0; k < b.n; pc += instrLength(code, pc), k++) counts[pc] = b.count as number;
  return counts;
}

/** Executed instructions and the times each source line ran, from the counts per pc. */
function countLines(fn: BcFunction, counts: Float64Array): { instructions: number; lines: LineProfile[] } {
  const code = fn.code;
  let instructions = 0;
  const lines = new Map<number, number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    instructions += counts[pc];
    const line = fn.lines[pc];
    if (line && counts[pc] > (lines.get(line) ?? 0)) lines.set(line, counts[pc]);
  }
  return { instructions, lines: [...lines].sort((a, b) => a[0] - b[0]).map(([line, count]) => ({ line, count, selfMs: 0, totalMs: 0 })) };
}

/**
 * The counting half of a profile: `counters` per function (by index) and the tier each ran in.
 * Time and stacks are filled in by the sampler of the tier (see sampling.ts).
 */
export function countsProfile(mod: BytecodeModule, counters: Counters[], program: string, mode: Tier, tiers: Map<number, { tier: Tier; reason?: string }>): ProfileData {
  const functions: FunctionProfile[] = mod.functions.map((fn, index) => {
    const { calls, prof } = counters[index];
    const entries = calls + (index === mod.entry || index === mod.init ? 1 : 0);
    const { instructions, lines } = countLines(fn, executionCounts(fn, prof, entries));
    const loops: FunctionProfile['loops'] = [], branches: FunctionProfile['branches'] = [], callSites: FunctionProfile['callSites'] = [];
    const code = fn.code;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      const op = code[pc];
      const line = fn.lines[pc];
      // A loop is named by its header's line: a `for` tests at its bottom with the header's line,
      // a `while` jumps back to its condition.
      if (op === O.loop) loops.push({ pc: targetOf(code, pc), line: fn.lines[targetOf(code, pc)] || line, trips: prof[pc] });
      else if ((op === O.forlt || op === O.forgt) && targetOf(code, pc) <= pc) loops.push({ pc: targetOf(code, pc), line, trips: prof[pc] });
      else if (CONDITIONAL.has(op)) branches.push({ pc, line, taken: prof[pc], notTaken: prof[pc + 1] });
      else if (op === O.call || op === O.callv || op === O.callm) {
        callSites.push({ pc, line, callee: op === O.call ? mod.functions[code[pc + 2]].name : op === O.callm ? '<method>' : '<value>', count: prof[pc] });
      }
    }
    const t = tiers.get(index) ?? { tier: mode };
    return {
      name: fn.name, index, code: codeHash(fn), file: mod.files[fn.file] ?? '?', defLine: fn.defLine, lastLine: fn.lines.reduce((m, l) => Math.max(m, l), fn.defLine), calls: entries, instructions, loops, branches, callSites,
      tier: t.tier, reason: t.reason, selfMs: 0, totalMs: 0, lines,
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
 * on the stack (once per sample, however deep it recurses); a line's self time the samples whose
 * innermost frame executes it, its total time the samples with a frame executing it. A frame
 * without a line (native code outside the line table: entry and exit) counts at the `def` line.
 */
export function applySamples(p: ProfileData, stacks: { frames: Frame[]; count: number }[], intervalMs: number): void {
  p.stacks = stacks;
  p.intervalMs = intervalMs;
  p.samples = stacks.reduce((n, s) => n + s.count, 0);
  const byName = new Map(p.functions.map((f) => [f.name, f]));
  const lineOf = (f: FunctionProfile, line: number): LineProfile => {
    let l = f.lines.find((x) => x.line === line);
    if (!l) {
      l = { line, count: 0, selfMs: 0, totalMs: 0 };
      f.lines.push(l);
      f.lines.sort((a, b) => a.line - b.line);
    }
    return l;
  };
  for (const { frames, count } of stacks) {
    const ms = count * intervalMs;
    const leaf = frames[frames.length - 1];
    const self = leaf?.kind === 'bp' ? byName.get(leaf.name) : undefined;
    if (self) {
      self.selfMs += ms;
      lineOf(self, leaf.line || self.defLine).selfMs += ms;
    }
    const seen = new Set<FunctionProfile | LineProfile>();
    for (const fr of frames) {
      const f = fr.kind === 'bp' ? byName.get(fr.name) : undefined;
      if (!f) continue;
      seen.add(f);
      seen.add(lineOf(f, fr.line || f.defLine));
    }
    for (const x of seen) x.totalMs += ms;
  }
}

