// Inlining, as a bytecode-to-bytecode pass of `bpjit build`: a call site is replaced by a copy of
// the callee's code (its registers renamed after the caller's, its arguments moved into its
// parameters, each `ret` a move of the result and a jump past the copy). Done on bytecode so the
// result is visible (disasm of the inlined module, build --explain-opt), checked by the verifier
// and lowered like any other code — the lowering's own analyses (constants, tail calls, homes
// of registers, live intervals) see across the former call. The copy keeps its own source lines
// and records where it came from (BcFunction.inlined), from which the lowering writes inline
// frames into the line table: a traceback through an inlined body lists the frames a call would
// have had, on every tier.
//
// What is inlined: without a profile, small leaf functions (no calls of their own) at every site;
// with one, also the call sites the profile found hot, of callees up to a larger size. Never a
// function that can reach itself by direct calls (inlining would not end, and a recursion's depth
// is what its frames count), nor one with exception handlers or captured values, nor anything
// into a function past a size limit — except that a small recursive function's hot self-call
// (not a tail call) may be unrolled: its body copied in, with a copy in that copy (UNROLL_LEVELS),
// whose own calls stay calls, so one frame does three levels' work and a traceback still lists
// every level.
import type { BcFunction, BytecodeModule, InlineSite, LocalVar } from './module.js';
import { O, OPS, instrLength } from './opcodes.js';
import { appendSites } from './append.js';
import { eachDef, jumpTargets } from './walk.js';
import { INVERSE } from './layout.js';
import { planFunction } from './plan.js';
import { CodeBuilder } from './relink.js';

/** Callees of at most this many code words are inlined everywhere, without a profile, if they call nothing. */
export const LEAF_WORDS = 40;
/** Callees of at most this many code words are inlined at hot sites. */
export const HOT_WORDS = 240;
/** A call site is hot when it ran at least this many times and this share of all calls. */
export const HOT_CALLS = 1000;
export const HOT_SHARE = 0.001;
/** A recursive function of at most this many code words may have a hot self-call unrolled. */
export const UNROLL_WORDS = 80;
/**
 * An unrolled self-call copies the body in this many levels deep, each copy into the last (the
 * innermost copy's calls stay calls): one frame does three levels' work, and the function grows to
 * at most three times UNROLL_WORDS. (fib measured no faster with three or four levels, and the
 * levels a frame holds beyond its own come from the stack's margin below the limit until they are
 * checked: limits.ts, unrolledBytes.)
 */
export const UNROLL_LEVELS = 2;
/** No function grows past this many code words by inlining. */
export const MAX_WORDS = 6000;

export interface InlineDecision {
  caller: number;
  /** The call's pc in the caller's original code. */
  pc: number;
  callee: number;
  /** Why (printed by --explain-opt). */
  why: string;
  /** For a self-call unrolled: how many levels of copies. */
  levels?: number;
}

/** Counts of a profile, by function index and original pc: call sites' counts and all calls made. */
export interface CallCounts {
  site(fn: number, pc: number): number | undefined;
  total: number;
}

const CALLS = new Set<number>([O.call, O.callv, O.callm, O.callx]);

/** The functions that can reach themselves through direct calls (a recursion, however long its cycle). */
export function recursiveFunctions(mod: BytecodeModule): Set<number> {
  const callees = mod.functions.map((f) => directCalls(f).map((s) => s.callee));
  const out = new Set<number>();
  mod.functions.forEach((_, start) => {
    const seen = new Set<number>();
    const work = [...callees[start]];
    while (work.length) {
      const f = work.pop()!;
      if (f === start) { out.add(start); return; }
      if (seen.has(f)) continue;
      seen.add(f);
      work.push(...callees[f]);
    }
  });
  return out;
}

function directCalls(fn: BcFunction): { pc: number; callee: number }[] {
  const out: { pc: number; callee: number }[] = [];
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (fn.code[pc] === O.call) out.push({ pc, callee: fn.code[pc + 2] });
  return out;
}

const isLeaf = (fn: BcFunction) => {
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (CALLS.has(fn.code[pc])) return false;
  return true;
};

/**
 * Which call sites to inline, with why; `rejected`: hot sites left as calls, with why (for
 * --explain-opt). Sizes are of the callee as written (its own inlining comes on top, bounded by
 * MAX_WORDS).
 */
export function planInlining(mod: BytecodeModule, counts?: CallCounts): { decisions: InlineDecision[]; rejected: InlineDecision[] } {
  const recursive = recursiveFunctions(mod);
  const decisions: InlineDecision[] = [], rejected: InlineDecision[] = [];
  const unfit = (f: BcFunction, i: number): string | null =>
    recursive.has(i) ? 'it is recursive' : f.handlers.length ? 'it handles exceptions' : f.ncaps ? 'it captures values' : null;
  const unrolled = new Set<number>();
  mod.functions.forEach((fn, caller) => {
    let words = fn.code.length;
    for (const { pc, callee } of directCalls(fn)) {
      const f = mod.functions[callee];
      const n = counts?.site(caller, pc);
      const hot = n !== undefined && n >= HOT_CALLS && n >= HOT_SHARE * counts!.total;
      const leaf = isLeaf(f) && f.code.length <= LEAF_WORDS;
      if (!hot && !leaf) continue;
      const site = { caller, pc, callee };
      if (hot && callee === caller && unrolls(mod, caller, pc) && !unrolled.has(caller)) {
        unrolled.add(caller);
        const levels = UNROLL_LEVELS;
        words += levels * f.code.length;
        decisions.push({ ...site, levels, why: `hot self-call: ${n} calls (${pct(n!, counts!.total)} of all calls); ${levels} level${levels > 1 ? 's' : ''} of the recursion unrolled (its body copied in ${levels > 1 ? `${levels} deep, each copy into the last` : 'once'}; the innermost copy's calls stay calls)` });
        continue;
      }
      const no = callee === caller ? 'it is the caller' : unfit(f, callee)
        ?? (!leaf && f.code.length > HOT_WORDS ? `it is ${f.code.length} words (more than ${HOT_WORDS})` : null)
        ?? (words + f.code.length > MAX_WORDS ? `${fn.name} would pass ${MAX_WORDS} words` : null);
      if (no) { if (hot) rejected.push({ ...site, why: no }); continue; }
      words += f.code.length;
      decisions.push({ ...site, why: hot ? `hot: ${n} calls (${pct(n!, counts!.total)} of all calls), ${f.code.length} words`
        : `small leaf: ${f.code.length} words, calls nothing` });
    }
  });
  return { decisions, rejected };
}

/**
 * Whether the self-call at pc of function `self` may be unrolled — its body copied in: a
 * small function without handlers or captures, and not the call the lowering turns into a jump
 * back (a tail call: a loop already).
 */
function unrolls(mod: BytecodeModule, self: number, pc: number): boolean {
  const fn = mod.functions[self];
  return fn.code.length <= UNROLL_WORDS && !fn.handlers.length && !fn.ncaps && !planFunction(mod, self, true).tails.has(pc);
}

const pct = (n: number, total: number) => `${((100 * n) / Math.max(total, 1)).toFixed(1)}%`;

/**
 * The module with `decisions` carried out (a new module; `mod` is not changed), where each
 * instruction of a function's own code went (`pcMap(fn, pc)`), and the decisions given up, with
 * why. Callees are transformed before their callers, so a copy brings its own inlined sites.
 */
export function inlineModule(mod: BytecodeModule, decisions: InlineDecision[]): { mod: BytecodeModule; pcMap: (fn: number, pc: number) => number; dropped: InlineDecision[] } {
  const dropped: InlineDecision[] = [];
  if (!decisions.length) return { mod, pcMap: (_, pc) => pc, dropped };
  const byCaller = new Map<number, Map<number, number>>();
  const levels = new Map<number, number>();
  for (const d of decisions) {
    if (!byCaller.has(d.caller)) byCaller.set(d.caller, new Map());
    byCaller.get(d.caller)!.set(d.pc, d.callee);
    if (d.caller === d.callee) levels.set(d.caller, d.levels ?? 1);
  }
  const done = new Map<number, BcFunction>(), maps = new Map<number, (pc: number) => number>();
  const transform = (i: number): BcFunction => {
    let out = done.get(i);
    if (out) return out;
    const sites = byCaller.get(i);
    // (decisions name no recursive callee but a function itself, so this terminates)
    if (sites) {
      const fn = mod.functions[i];
      // (a self-call unrolled copies the function as written, then that copy with a copy in it, and
      // so on: each level's copy has the one below it in place of the self-call)
      const once = (self: BcFunction) => rebuild(fn, new Map([...sites].map(([pc, c]) => [pc, { index: c, fn: c === i ? self : transform(c) }])));
      const build = () => {
        let self = fn;
        for (let k = 1; k < (levels.get(i) ?? 1); k++) self = once(self).fn;
        return withAppends(mod, once(self));
      };
      let r = build();
      // A string the function appends to in place that is passed into a copy is now moved between
      // registers, and may no longer be appended to: such a call stays a call (a concatenation in
      // a loop would become quadratic).
      const lost = new Set<number>();
      for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (fn.code[pc] === O.appendn && r.fn.code[r.pcMap(pc)] !== O.appendn) lost.add(fn.code[pc + 1]);
      if (lost.size) {
        for (const pc of [...sites.keys()]) {
          const args = Array.from(fn.code.subarray(pc + 4, pc + 4 + fn.code[pc + 3]));
          const r0 = args.find((a) => lost.has(a));
          if (r0 === undefined) continue;
          dropped.push({ caller: i, pc, callee: sites.get(pc)!, why: `${fn.name} appends to the string it passes (r${r0}) in place, which a copy would prevent` });
          sites.delete(pc);
        }
        r = build();
      }
      // (a frame with k levels of its recursion unrolled stands for k + 1: it takes that many from
      // the stack, so the recursion stops where it does on the tiers that do not unroll)
      out = [...sites.values()].includes(i) ? { ...r.fn, frameLevels: 1 + (levels.get(i) ?? 1) } : r.fn;
      maps.set(i, r.pcMap);
    } else out = mod.functions[i];
    done.set(i, out);
    return out;
  };
  const out = { ...mod, functions: mod.functions.map((_, i) => transform(i)) };
  return { mod: out, pcMap: (fn, pc) => maps.get(fn)?.(pc) ?? pc, dropped };
}

/**
 * A rebuilt function's concatenations decided again (append.ts): which may append in place. (The
 * strings `mod`'s functions only read are the same after inlining: a copy keeps nothing.)
 */
function withAppends(mod: BytecodeModule, r: { fn: BcFunction; pcMap: (pc: number) => number }): { fn: BcFunction; pcMap: (pc: number) => number } {
  const code = r.fn.code;
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) if (code[pc] === O.appendn) code[pc] = O.concatn;
  for (const pc of appendSites(mod, r.fn)) code[pc] = O.appendn;
  return r;
}

/**
 * `fn` with the calls at the pcs of `sites` replaced by copies of their callees; `pcMap`: where
 * each of its own instructions went. Code is placed with labels (`:pc` in fn, `sN:pc` in the copy
 * made for the site at pc N) that become pcs at the end.
 */
function rebuild(fn: BcFunction, sites: Map<number, { index: number; fn: BcFunction }>): { fn: BcFunction; pcMap: (pc: number) => number } {
  const b = new CodeBuilder();
  const regKinds = [...fn.regKinds], regTypes = [...fn.regTypes];
  /**
   * Copies `code` (labels `tag:pc`), its registers renamed by `reg`; a ret goes to `end` with its
   * result in `dst`. With `early`, a branch over a ret (`if n < 2: return n`) becomes the result
   * moved to `dst` first and the inverse branch to `end`: one branch, not a branch and a jump.
   */
  const copy = (src: BcFunction, tag: string, reg: (r: number) => number, dst: number, end: string | null, early = false) => {
    const code = src.code;
    const targets = early ? jumpTargets(src) : null;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      b.label(`${tag}:${pc}`);
      const words = Array.from(code.subarray(pc, pc + instrLength(code, pc)));
      const line = src.lines[pc];
      const site = end === null ? sites.get(pc) : undefined;
      if (site) { inline(pc, words, line, site); continue; }
      const ret = pc + words.length;
      if (end !== null && targets && INVERSE.has(words[0]) && code[ret] === O.ret && words[words.length - 1] === ret + 2 && !targets.has(ret)) {
        b.put([O.mov, dst, reg(code[ret + 1])], src.lines[ret]);
        renameRegisters(words, reg);
        words[0] = INVERSE.get(words[0])!;
        b.put(words, line, end);
        b.label(`${tag}:${ret}`);
        pc = ret;
        continue;
      }
      if (end !== null && words[0] === O.ret) { b.put([O.mov, dst, reg(words[1])], line); b.put([O.jmp, 0], line, end); continue; }
      if (end !== null && words[0] === O.retv) { b.put([O.jmp, 0], line, end); continue; }
      const j = OPS[words[0]].ops.indexOf('j');
      if (end !== null) renameRegisters(words, reg);
      b.put(words, line, j >= 0 ? `${tag}:${words[1 + j]}` : '');
    }
    b.label(`${tag}:${code.length}`);
  };
  const copies: { pc: number; callee: number; from: BcFunction; line: number; reg: Int32Array }[] = [];
  // A copy's registers are dead once it is done (its code writes each before reading it), so all
  // copies draw theirs from one pool, by kind and type: the function gains the registers the
  // largest copy needs, not their sum — fewer for the frame to find homes for.
  const pool = new Map<string, number[]>();
  const inline = (pc: number, words: number[], line: number, site: { index: number; fn: BcFunction }) => {
    const callee = site.fn;
    // A parameter the callee never assigns is the argument's register itself (of the same type):
    // no move in.
    const written = new Set<number>();
    for (let p = 0; p < callee.code.length; p += instrLength(callee.code, p)) eachDef(callee.code, p, (r) => written.add(r));
    const reg = new Int32Array(callee.regKinds.length).fill(-1);
    for (let a = 0; a < words[3]; a++) {
      const arg = words[4 + a];
      if (!written.has(a) && regTypes[arg] === callee.regTypes[a] && regKinds[arg] === callee.regKinds[a]) reg[a] = arg;
    }
    const taken = new Map<string, number>();
    reg.forEach((r, i) => {
      if (r >= 0) return;
      const key = `${callee.regKinds[i]}:${callee.regTypes[i]}`;
      const k = taken.get(key) ?? 0, list = pool.get(key) ?? [];
      taken.set(key, k + 1);
      pool.set(key, list);
      if (k === list.length) { list.push(regKinds.length); regKinds.push(callee.regKinds[i]); regTypes.push(callee.regTypes[i]); }
      reg[i] = list[k];
    });
    for (let a = 0; a < words[3]; a++) if (reg[a] !== words[4 + a]) b.put([O.mov, reg[a], words[4 + a]], line);
    // (the result may be written before the copy is done when the copy reads no register of that
    // name and no handler of the caller could see the old value if the copy fails)
    copy(callee, `s${pc}`, (r) => reg[r], words[1], `:${pc + words.length}`, !fn.handlers.length && !reg.includes(words[1]));
    copies.push({ pc, callee: site.index, from: site.fn, line, reg });
  };
  copy(fn, '', (r) => r, -1, null);
  const { code, lines, pcOf } = b.finish();
  // Where the copies came from: a site per copy, then the callee's own sites under it.
  const inlined: InlineSite[] = (fn.inlined ?? []).map((s) => ({ ...s, start: pcOf(`:${s.start}`), end: pcOf(`:${s.end}`) }));
  const vars: LocalVar[] = (fn.vars ?? []).map((v) => ({ ...v, start: pcOf(`:${v.start}`), end: pcOf(`:${v.end}`) }));
  for (const c of copies) {
    const tag = `s${c.pc}`, me = inlined.length;
    inlined.push({ start: pcOf(`${tag}:0`), end: pcOf(`${tag}:${c.from.code.length}`), callee: c.callee, line: c.line, parent: -1 });
    for (const s of c.from.inlined ?? []) {
      inlined.push({ ...s, start: pcOf(`${tag}:${s.start}`), end: pcOf(`${tag}:${s.end}`), parent: s.parent < 0 ? me : me + 1 + s.parent });
    }
    for (const v of c.from.vars ?? []) vars.push({ ...v, reg: c.reg[v.reg], start: pcOf(`${tag}:${v.start}`), end: pcOf(`${tag}:${v.end}`) });
  }
  const handlers = fn.handlers.map((h) => ({ ...h, start: pcOf(`:${h.start}`), end: pcOf(`:${h.end}`), target: pcOf(`:${h.target}`) }));
  return {
    fn: { ...fn, code, lines, regKinds: Uint8Array.from(regKinds), regTypes, handlers, inlined, frameRegs: fn.frameRegs ?? fn.regKinds.length, ...(fn.vars ? { vars } : {}) },
    pcMap: (pc) => pcOf(`:${pc}`),
  };
}

/** Renames every register operand of an instruction (in place). */
function renameRegisters(words: number[], reg: (r: number) => number): void {
  let p = 1;
  for (const letter of OPS[words[0]].ops) {
    if (letter === '*' || letter === '%') {
      const k = words[p++];
      for (let i = 0; i < k; i++) { words[p] = reg(words[p]); p += letter === '%' ? 2 : 1; }
    } else {
      if (letter === 'r' || letter === 'd') words[p] = reg(words[p]);
      p++;
    }
  }
}

/**
 * The frames the instruction at `pc` of `fn` (function `self`) runs in, innermost first: the
 * functions inlined around it with the line in each (the instruction's own, then each call's),
 * ending with `self` at its call line. One frame of `self` for code not inlined.
 */
export function inlineFrames(fn: BcFunction, self: number, pc: number, line: number): { fn: number; line: number }[] {
  const sites = fn.inlined ?? [];
  let k = -1;
  sites.forEach((s, i) => { if (pc >= s.start && pc < s.end && (k < 0 || s.end - s.start < sites[k].end - sites[k].start)) k = i; });
  return framesFrom(fn, self, k, line);
}

/** The frames of inline site k's call (innermost first): where a traceback stands when that call fails. */
export function siteFrames(fn: BcFunction, self: number, k: number): { fn: number; line: number }[] {
  const site = fn.inlined![k];
  return framesFrom(fn, self, site.parent, site.line);
}

/** The frames of code at `line` in inline site k (-1: the function's own code), innermost first. */
function framesFrom(fn: BcFunction, self: number, k: number, line: number): { fn: number; line: number }[] {
  const sites = fn.inlined ?? [];
  const frames: { fn: number; line: number }[] = [];
  for (; k >= 0; k = sites[k].parent) {
    frames.push({ fn: sites[k].callee, line });
    line = sites[k].line;
  }
  frames.push({ fn: self, line });
  return frames;
}
