// Running a program in the in-process tier: load it into native memory, run it on the native
// interpreter with the compiler behind it (or without: `--no-jit`), and turn how it ended into
// the exit status and message every tier gives.
import fs from 'node:fs';
import type { BytecodeModule } from '../bytecode/module.js';
import { ERROR_ID, RUNTIME_ERRORS } from '../bytecode/runtime-errors.js';
import { NativeProgram, NotNative, type Ending } from '../loader/program.js';
import { JitTier } from './tier.js';
import type { ProfileData, Tier } from '../profile/data.js';

export interface NativeRunOptions {
  args: string[];
  /** Calls that make a function hot (loops: 10x; 1 compiles everything at once); null: interpret only. */
  threshold: number | null;
  /** The program's name for argv (the file given on the command line). */
  programName: string;
  /** Where the error message goes (default: stderr). */
  stderr?: (text: string) => void;
  /** Count every call, loop trip, branch and call site, and sample the stack (bpjit profile). */
  profile?: boolean;
  /** Name the code for perf (default: BPJIT_PERF). */
  perf?: boolean;
}

export interface NativeRunResult {
  status: number;
  tier: JitTier | null;
  program: NativeProgram;
}

export function runNative(mod: BytecodeModule, opts: NativeRunOptions): NativeRunResult {
  const loops = opts.threshold === null ? 0 : opts.threshold <= 1 ? 1 : 10 * opts.threshold;
  const tier = opts.threshold === null ? null : new JitTier(mod, loops, opts.profile ?? false);
  const prog: NativeProgram = new NativeProgram(mod, opts.threshold, (reason, index, pc) => tier!.onHot(prog, reason, index, pc), opts.profile ?? false, opts.perf);
  const end = prog.run(opts.args, opts.programName);
  const status = statusOf(mod, prog, end, opts.stderr);
  if (process.env.BPJIT_STATS) stats(prog, tier);
  return { status, tier, program: prog };
}

/** BPJIT_STATS=1: what the run took, on stderr (peak memory from the kernel's own count). */
function stats(prog: NativeProgram, tier: JitTier | null): void {
  const hwm = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
  const compiled = tier ? [...tier.states.values()].filter((s) => s.tier === 'native').length : 0;
  process.stderr.write(`[stats] peak memory ${hwm} kB, ${prog.runtimeCounter('bp_rt_gc_count')} collections, ${compiled} functions compiled\n`);
}

function statusOf(mod: BytecodeModule, prog: NativeProgram, end: Ending, stderr?: (text: string) => void): number {
  if (end.kind === 'exit') return Number(end.status & 0xffn);
  if (end.kind === 'returned') {
    const ret = mod.entry >= 0 ? mod.functions[mod.entry].ret : 'v';
    if (ret === 'i') return Number(end.status & 0xffn);
    if (ret === 'b') return Number(end.status & 1n);
    return 0;
  }
  const e = end.error!;
  const def = RUNTIME_ERRORS[e.id];
  // A failed write to stdout has no traceback or location (see OutputError).
  if (e.id === ERROR_ID.WRITE) e.location = null;
  const text = def ? def.text.replace('%s', e.arg ?? '') : `runtime error ${e.id}`;
  const { text: trace, location } = e.location !== undefined ? { text: '', location: e.location } : prog.traceback(e);
  const msg = `${trace}error: ${text}${location ? ` (at ${location})` : ''}\n`;
  if (stderr) stderr(msg);
  else process.stderr.write(Buffer.from(msg, 'latin1'));
  return 1;
}

export { NotNative };

/** Runs `mod` as runNative does, counting and sampling: its status and profile. */
export function profileNative(mod: BytecodeModule, opts: NativeRunOptions): NativeRunResult & { data: ProfileData } {
  const r = runNative(mod, { ...opts, profile: true });
  const never = opts.threshold === null ? 'the JIT is off (--no-jit)' : 'never hot';
  const tiers = new Map(mod.functions.map((_, i): [number, { tier: Tier; reason?: string }] => [i, r.tier?.states.get(i) ?? { tier: 'interpreter', reason: never }]));
  return { ...r, data: r.program.profile(tiers, opts.programName, opts.threshold === null ? 'interpreter' : 'native') };
}
