// Tiering: the native interpreter counts calls and loop back-edges per function, and when a
// counter runs out it calls here (the one callback from native code into TypeScript). The
// function is lowered by the lowering `bpjit build` uses — the whole language — and installed:
// from then on calls in either convention reach it, and a hot loop of a frame still being
// interpreted continues in compiled code through an on-stack-replacement entry. A function the
// lowering cannot take stays interpreted, and the reason is kept for `bpjit profile`.
import { O, instrLength } from '../bytecode/opcodes.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { CALLBACK, NEVER, profSymbol } from '../native/interp/layout.js';
import { lowerFunction } from '../native/lower.js';
import type { MachineFunction } from '../native/machine.js';
import type { NativeProgram } from '../loader/program.js';

/** BPJIT_JIT_LOG=1 reports compilations and on-stack replacements on stderr. */
const LOG = !!process.env.BPJIT_JIT_LOG;

export interface TierState {
  tier: 'interpreter' | 'native';
  reason?: string;
}

export class JitTier {
  readonly states = new Map<number, TierState>();
  private readonly compiled = new Map<number, { mf: MachineFunction; at: bigint }>();

  /** `counting`: compiled code keeps the profile's counts (bpjit profile). */
  constructor(private readonly mod: BytecodeModule, private readonly loopThreshold: number, private readonly counting = false) {}

  /** The native interpreter's hot hook: compiles; for a loop, answers its OSR entry (or 0). */
  onHot(prog: NativeProgram, reason: number, index: number, pc: number): bigint {
    const fn = this.mod.functions[index];
    if (!this.states.has(index)) this.compile(prog, index);
    const c = this.compiled.get(index);
    if (!c) return 0n;
    // (a profile counted the call as it began: compiled code would count it again)
    if (reason === CALLBACK.hotCall) return this.counting ? 0n : c.at + BigInt(c.mf.interpEntry!);
    if (reason === CALLBACK.hotSysvCall) return this.counting ? 0n : c.at;
    // A frame still interpreted reached a hot loop: it goes on in compiled code from there.
    prog.setCounters(index, NEVER, this.loopThreshold);
    const off = c.mf.osr.get(pc);
    if (off === undefined) return 0n;
    if (LOG) process.stderr.write(`[jit] ${fn.name}: entering compiled code at the loop at pc ${pc}\n`);
    return c.at + BigInt(off);
  }

  private compile(prog: NativeProgram, index: number): void {
    const fn = this.mod.functions[index];
    const t0 = LOG ? performance.now() : 0;
    const loops = new Set<number>();
    for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) {
      const op = fn.code[pc];
      if (op === O.loop) loops.add(fn.code[pc + 1]);
      else if (op === O.forlt || op === O.forgt) loops.add(fn.code[pc + 4]);
    }
    const r = lowerFunction(this.mod, index, { wholeProgram: true, osr: [...loops], interpEntry: 'block', counters: this.counting ? profSymbol(index) : undefined });
    if (!r.ok) {
      this.states.set(index, { tier: 'interpreter', reason: `${r.why.reason} (line ${r.why.line})` });
      prog.setCounters(index, NEVER, NEVER);
    } else {
      const at = prog.install(index, r.mf);
      this.compiled.set(index, { mf: r.mf, at });
      this.states.set(index, { tier: 'native' });
      prog.setCounters(index, NEVER, this.loopThreshold);
    }
    if (LOG) {
      const st = this.states.get(index)!;
      process.stderr.write(`[jit] ${fn.name}: ${st.tier === 'native' ? 'compiled' : 'stays interpreted'}${st.reason ? ` (${st.reason})` : ''} in ${(performance.now() - t0).toFixed(1)} ms\n`);
    }
  }
}
