// The optimisations of `bpjit build` over bytecode, before it is lowered: inlining
// (bytecode/inline.ts: small leaf functions always, hot call sites with a profile), then, with a
// profile, cold blocks out of line (bytecode/layout.ts), then loop-invariant code moved out of
// loops (bytecode/licm.ts) and loops of independent iterations unrolled and jammed
// (bytecode/jam.ts) — and what --explain-opt says of them.
import fs from 'node:fs';
import { inlineModule, planInlining, type CallCounts, type InlineDecision } from '../bytecode/inline.js';
import { jamLoops, type JamDecision } from '../bytecode/jam.js';
import { hoistInvariants, type HoistDecision } from '../bytecode/licm.js';
import { coldBlocks, moveColdBlocks, type ColdBlock } from '../bytecode/layout.js';
import { lineOfPc, type BytecodeModule } from '../bytecode/module.js';
import { instrLength } from '../bytecode/opcodes.js';
import { useProfile } from '../profile/use.js';
import { fileOk, userError } from './load.js';

/** A profile's counts as the build uses them (profile/use.ts): call sites, and branches by their original pc. */
export interface BuildProfile extends CallCounts {
  branch?(fn: number, pc: number): { taken: number; notTaken: number } | undefined;
}

/** What the optimisations decided (build --explain-opt), and the module they made. */
export interface OptimisationPlan {
  mod: BytecodeModule;
  inlined: InlineDecision[];
  /** Hot call sites left as calls, with why. */
  kept: InlineDecision[];
  /** Blocks moved out of line, by function (pcs of the inlined module), with their lines. */
  cold: { fn: number; block: ColdBlock; lines: [number, number]; branchLine: number }[];
  /** Instructions moved out of loops, by function. */
  hoisted: { fn: number; move: HoistDecision }[];
  /** Loops unrolled and jammed, by function. */
  jammed: { fn: number; loop: JamDecision }[];
  /** Why nothing was tried, if so. */
  off?: string;
}

/**
 * The module `bpjit build` lowers. A debugging build is the program as written: every function
 * stays one a debugger can break in and step into.
 */
export function optimiseProgram(source: BytecodeModule, profile?: BuildProfile, debug = false): OptimisationPlan {
  if (debug) return { mod: source, inlined: [], kept: [], cold: [], hoisted: [], jammed: [], off: '-g keeps every call a call (a debugger breaks in and steps into each function)' };
  const { decisions, rejected } = planInlining(source, profile);
  const inl = inlineModule(source, decisions);
  const plan: OptimisationPlan = { mod: inl.mod, inlined: decisions.filter((d) => !inl.dropped.some((x) => x.caller === d.caller && x.pc === d.pc)), kept: [...rejected, ...inl.dropped], cold: [], hoisted: [], jammed: [] };
  if (profile?.branch) layOutColdBlocks(source, plan, inl.pcMap, profile.branch.bind(profile));
  plan.mod = {
    ...plan.mod,
    functions: plan.mod.functions.map((fn, i) => {
      const h = hoistInvariants(fn);
      plan.hoisted.push(...h.hoisted.map((move) => ({ fn: i, move })));
      const r = jamLoops(h.fn);
      plan.jammed.push(...r.jammed.map((loop) => ({ fn: i, loop })));
      return r.fn;
    }),
  };
  return plan;
}

/** Cold blocks out of line (bytecode/layout.ts), by the profile's branch counts. */
function layOutColdBlocks(source: BytecodeModule, plan: OptimisationPlan, pcMap: (fn: number, pc: number) => number, branch: NonNullable<BuildProfile['branch']>): void {
  const functions = plan.mod.functions.map((fn, i) => {
    // (the profile counts the function's own branches, by their pcs before inlining)
    const back = new Map<number, number>();
    const own = source.functions[i].code;
    for (let pc = 0; pc < own.length; pc += instrLength(own, pc)) back.set(pcMap(i, pc), pc);
    const blocks = coldBlocks(fn, (pc) => (back.has(pc) ? branch(i, back.get(pc)!) : undefined));
    for (const block of blocks) {
      let lo = Infinity, hi = 0;
      for (let pc = block.start; pc < block.end; pc++) if (fn.lines[pc]) { lo = Math.min(lo, fn.lines[pc]); hi = Math.max(hi, fn.lines[pc]); }
      plan.cold.push({ fn: i, block, lines: [lo, hi], branchLine: lineOfPc(fn, block.pc) });
    }
    return moveColdBlocks(fn, blocks).fn;
  });
  plan.mod = { ...plan.mod, functions };
}

/** The decisions of `plan`, one a line, for --explain-opt. */
export function explainPlan(source: BytecodeModule, plan: OptimisationPlan): string {
  if (plan.off) return `  nothing inlined: ${plan.off}\n`;
  const where = (d: InlineDecision) => {
    const f = source.functions[d.caller];
    return `${source.files[f.file]}:${lineOfPc(f, d.pc)}`;
  };
  const row = (what: string, d: InlineDecision) => `  ${what} ${where(d)}: call of ${source.functions[d.callee].name} in ${source.functions[d.caller].name}: ${d.why}\n`;
  const cold = plan.cold.map(({ fn, block, lines: [lo, hi], branchLine }) => {
    const f = source.functions[fn];
    return `  out of line ${source.files[f.file]}:${lo === hi ? lo : `${lo}-${hi}`}: cold block of ${f.name}: the branch at line ${branchLine} ${block.why}\n`;
  });
  const inl = [...plan.inlined.map((d) => row('inlined', d)), ...plan.kept.map((d) => row('not inlined', d))];
  const hoisted = plan.hoisted.map(({ fn, move }) => {
    const f = source.functions[fn];
    return `  moved out of a loop ${source.files[f.file]}:${move.line}: ${move.what} in ${f.name}, invariant in the loop of line ${move.loopLine}\n`;
  });
  const jammed = plan.jammed.map(({ fn, loop }) => {
    const f = source.functions[fn];
    return `  unrolled and jammed ${source.files[f.file]}:${loop.line}: loop of ${f.name}: ${loop.why}\n`;
  });
  return [...(inl.length ? inl : ['  nothing inlined: no small leaf function is called, and no call site is hot\n']), ...cold, ...hoisted, ...jammed].join('');
}

/** The counts of the profile in file `path` for `mod` (the program `program`), or null when it cannot be used (reported). */
export function readBuildProfile(path: string, mod: BytecodeModule, program: string): BuildProfile | null {
  if (!fileOk(path)) return null;
  const r = useProfile(fs.readFileSync(path, 'latin1'), path, mod, program);
  if (!r.ok) userError(r.message, path);
  return r.ok ? r.counts : null;
}
