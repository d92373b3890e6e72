// The profile of an in-process run: the counters every tier kept in native memory (FN.prof) and
// the stack samples the SIGPROF handler recorded (SAMPLE in interp/layout.ts), turned into
// ProfileData. A sampled address is classified by where it lies — the interpreter's handlers
// (the frame is an interpreter frame: its function and instruction were recorded with it),
// compiled code (the function, and the line from its line table), a stub (transparent: its
// interpreter frame above has the instruction), the runtime (a frame named after the runtime
// function, e.g. the collector or a builtin), or outside native code (bpjit itself, compiling
// functions or stubs).
import { lineOfPc, type BytecodeModule } from '../bytecode/module.js';
import { SAMPLE, SAMPLE_HEADER, SAMPLE_PEEK } from '../native/interp/layout.js';
import { lineOfOffset } from '../native/machine.js';
import type { PlacedCode } from './traceback.js';
import { applySamples, countsProfile, type Counters, type Frame, type ProfileData, type Tier } from '../profile/data.js';

export type CodeKind =
  | { kind: 'interp' | 'glue' | 'outside' }
  | PlacedCode
  | { kind: 'runtime'; name: string };

/** What the profile needs from a loaded program. */
export interface ProfileSource {
  mod: BytecodeModule;
  counters(): Counters[];
  /** The recorded samples, as 64-bit words. */
  sampleWords(): BigUint64Array;
  classify(addr: bigint): CodeKind;
  /** The function of a FnInfo address and the bytecode pc of an instruction address, or null. */
  interpAt(info: bigint, pcAddr: bigint): { index: number; pc: number } | null;
}

/** `runMs`: how long the sampled run took (each sample is worth an equal share of it). */
export function nativeProfile(src: ProfileSource, program: string, mode: Tier, tiers: Map<number, { tier: Tier; reason?: string }>, runMs: number): ProfileData {
  const data = countsProfile(src.mod, src.counters(), program, mode, tiers);
  const stacks = new Map<string, { frames: Frame[]; count: number }>();
  const w = src.sampleWords();
  for (let at = 0; at + SAMPLE_HEADER <= w.length; ) {
    const n = Number(w[at + SAMPLE.frames]);
    if (at + SAMPLE_HEADER + 3 * n > w.length) break;
    const frames = decode(src, w, at, n).reverse();
    const key = frames.map((f) => `${f.name}:${f.line ?? ''}:${f.tier ?? ''}`).join(';');
    const s = stacks.get(key);
    if (s) s.count++;
    else stacks.set(key, { frames, count: 1 });
    at += SAMPLE_HEADER + 3 * n;
  }
  const all = [...stacks.values()];
  const count = all.reduce((k, x) => k + x.count, 0);
  applySamples(data, all, count ? runMs / count : 0);
  return data;
}

/** The frames of the sample at word `at`, innermost first. */
function decode(src: ProfileSource, w: BigUint64Array, at: number, n: number): Frame[] {
  const mod = src.mod;
  const frames: Frame[] = [];
  const interp = (info: bigint, pcAddr: bigint) => {
    const f = src.interpAt(info, pcAddr);
    if (f) frames.push({ name: mod.functions[f.index].name, kind: 'bp', tier: 'interpreter', line: lineOfPc(mod.functions[f.index], f.pc) });
  };
  const compiled = (c: PlacedCode, addr: bigint, returning: boolean) => {
    frames.push({ name: mod.functions[c.index].name, kind: 'bp', tier: 'native', line: lineOfOffset(c.mf, Number(addr) - c.at - (returning ? 1 : 0)) });
  };
  const rip = w[at + SAMPLE.rip];
  const chain0 = n > 0 ? w[at + SAMPLE_HEADER] : 0n;
  const top = src.classify(rip);
  if (top.kind === 'outside') return [{ name: 'bpjit', kind: 'bpjit' }];
  if (top.kind === 'interp') interp(w[at + SAMPLE.r14], w[at + SAMPLE.rbx]);
  else if (top.kind === 'compiled') compiled(top, rip, false);
  else if (top.kind === 'runtime') {
    frames.push({ name: top.name, kind: 'runtime' });
    // A frameless runtime function: its caller is found by its return address on the stack.
    for (let i = 0; i < SAMPLE_PEEK; i++) {
      const v = w[at + SAMPLE.peek + i];
      if (v === chain0) break;
      const c = src.classify(v);
      if (c.kind === 'compiled') { compiled(c, v, true); break; }
      if (c.kind === 'interp') { interp(w[at + SAMPLE.fpInfo], w[at + SAMPLE.fpPc]); break; }
      if (c.kind === 'stub') break;
    }
  }
  for (let k = 0; k < n; k++) {
    const base = at + SAMPLE_HEADER + 3 * k;
    const ret = w[base];
    const c = src.classify(ret);
    if (c.kind === 'interp') interp(w[base + 1], w[base + 2]);
    else if (c.kind === 'compiled') compiled(c, ret, true);
    else if (c.kind === 'runtime') frames.push({ name: c.name, kind: 'runtime' });
    else if (c.kind === 'outside') break;
  }
  return frames;
}

