// A profile as `bpjit build --profile` uses it: read, checked against the program being built
// (the same functions, with the same code, as when it was profiled; a profile of another program
// or of an older version of this one is refused, since its counts would be about other code), and
// turned into what the optimisations ask: how often each call site ran, which way each branch
// went, how many trips each loop made.
import type { BcFunction, BytecodeModule } from '../bytecode/module.js';
import type { CallCounts } from '../bytecode/inline.js';
import type { ProfileData } from './data.js';

/** A fingerprint of a function's code (FNV-1a over its words and register kinds), written in the profile. */
export function codeHash(fn: BcFunction): string {
  let h = 0x811c9dc5;
  const mix = (w: number) => { h = Math.imul(h ^ (w & 0xffff), 0x01000193); h = Math.imul(h ^ (w >>> 16), 0x01000193); };
  fn.code.forEach(mix);
  fn.regKinds.forEach(mix);
  mix(fn.arity);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export interface ProfileCounts extends CallCounts {
  readonly data: ProfileData;
  /** Times the branch at pc of function fn was taken and not taken (undefined: not a branch the profile saw). */
  branch(fn: number, pc: number): { taken: number; notTaken: number } | undefined;
}

export type ProfileCheck = { ok: true; counts: ProfileCounts } | { ok: false; message: string };

/**
 * The profile in `text` (the file `name`) for `mod` (built from `program`), or why it cannot be
 * used for it.
 */
export function useProfile(text: string, name: string, mod: BytecodeModule, program: string): ProfileCheck {
  const again = `run 'bpjit profile ${program}' again`;
  let data: ProfileData;
  try {
    data = JSON.parse(text) as ProfileData;
  } catch {
    return { ok: false, message: `'${name}' is not a profile written by bpjit profile` };
  }
  if (typeof data !== 'object' || data === null || !Array.isArray(data.functions)) return { ok: false, message: `'${name}' is not a profile written by bpjit profile` };
  if (data.version !== 2) return { ok: false, message: `'${name}' is a version ${String(data.version)} profile; this bpjit reads version 2 (${again})` };
  const of = `'${name}' is a profile of ${typeof data.program === 'string' ? `'${data.program}'` : 'another program'}`;
  const names = new Set(mod.functions.map((f) => f.name));
  const foreign = data.functions.find((f) => !names.has(f?.name));
  if (foreign || data.functions.length !== mod.functions.length) {
    const missing = foreign ? `it has a function '${foreign.name}' that ${program} has not` : `it has ${data.functions.length} functions, ${program} ${mod.functions.length}`;
    return { ok: false, message: `${of}, not of ${program}: ${missing} (${again})` };
  }
  const byIndex = new Map<number, { calls: Map<number, number>; branches: Map<number, { taken: number; notTaken: number }> }>();
  for (const f of data.functions) {
    const i = mod.functions.findIndex((g) => g.name === f.name);
    const fn = mod.functions[i];
    const stale = f.index !== i || (f.code !== undefined && f.code !== codeHash(fn))
      || !(f.callSites ?? []).every((s) => Number.isInteger(s.pc) && s.pc >= 0 && s.pc < fn.code.length)
      || !(f.branches ?? []).every((s) => Number.isInteger(s.pc) && s.pc >= 0 && s.pc < fn.code.length);
    if (stale) return { ok: false, message: `${of} from before '${fn.name}' changed: its counts are about other code (${again})` };
    byIndex.set(i, {
      calls: new Map((f.callSites ?? []).map((s) => [s.pc, Number(s.count) || 0])),
      branches: new Map((f.branches ?? []).map((b) => [b.pc, { taken: Number(b.taken) || 0, notTaken: Number(b.notTaken) || 0 }])),
    });
  }
  const total = data.functions.reduce((n, f) => n + (f.callSites ?? []).reduce((m, s) => m + (Number(s.count) || 0), 0), 0);
  return {
    ok: true,
    counts: {
      data, total,
      site: (fn, pc) => byIndex.get(fn)?.calls.get(pc),
      branch: (fn, pc) => byIndex.get(fn)?.branches.get(pc),
    },
  };
}
