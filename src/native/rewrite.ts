// Rewrites the lowering makes to a function's bytecode before laying out its frame: patterns it
// emits as something cheaper than their instructions one by one. The frame layout sees their
// effect on which registers are read where (`reads`, `replaced`, `skip`), so homes and live
// intervals stay right.
import { Kind, O, OPS, instrLength } from '../bytecode/opcodes.js';
import type { BcFunction, BytecodeModule } from '../bytecode/module.js';
import { builtinById } from '../lang/builtins.js';
import { hasMagic } from './magic.js';

/** A call of the function itself whose result is returned, or returned plus `other` or `k`. */
export interface TailSite {
  readonly other?: number;
  readonly k?: number;
}

/**
 * Self-calls in tail position, modulo an integer addition, become jumps back to the function's
 * start (gcc's tail recursion with accumulators): `return f(x) + y` adds y to an accumulator,
 * and every return adds the accumulator. fib makes half as many calls. Each such trip also
 * takes the frame's size from the stack left (as a real call would), so unbounded recursion is
 * still a stack overflow rather than an endless loop.
 */
export interface TailPlan {
  sites: Map<number, TailSite>;
  /** Extra registers: the stack left (bytes), and the accumulator (-1: none). */
  vsp: number;
  acc: number;
}

/** A part of a concatenation chain: a string register, or an int register written in decimal. */
export interface ConcatPart {
  reg: number;
  int: boolean;
}

export interface Rewrites {
  tail: TailPlan | null;
  /**
   * Chains of string concatenations `t = a + b; …; u = t + c` whose intermediate results feed
   * only the next link: the last link (pc → its parts) allocates once and copies each part
   * once; the others (in `skip`) emit nothing, and so does a `to_str` of an int whose only use
   * is the chain (its digits are written in place). `line + w + to_str(i) + " "` made five
   * strings; it makes one.
   */
  concats: Map<number, ConcatPart[]>;
  /**
   * Of those, the ones of the form `s = s + …` where s is a string only this function holds:
   * s may grow in place (bp_rt_str_concat_n), which makes building a string in a loop linear.
   */
  appends: Set<number>;
  /** Instructions that emit no code. */
  skip: Set<number>;
  /** Instructions whose operands are not read as written: `reads` says what they read. */
  replaced: Set<number>;
  /** Registers an instruction reads (and, for a replaced one, writes) besides its operands. */
  reads: Map<number, number[]>;
  /** Call instructions that no longer call. */
  notCalls: Set<number>;
  /** Integer divisions and remainders by a known constant (pc → divisor): see magic.ts. */
  divisors: Map<number, bigint>;
  /** Registers added after the function's own. */
  extra: number;
  /** Of those, the ones that live in the frame (not worth a callee-saved register). */
  inMemory: Set<number>;
}

/** Arguments the jump back to the start can move through scratch registers (see lower.ts). */
const TAIL_INT_ARGS = 6, TAIL_FLOAT_ARGS = 7;

/**
 * `wholeProgram`: every call of the function is in `mod`, so parameters all callers pass the
 * same constant for are constants. `exactCalls`: every call stays a call (profiling counts them).
 */
export function planRewrites(mod: BytecodeModule, self: number, wholeProgram: boolean, exactCalls = false): Rewrites {
  const fn = mod.functions[self];
  const rw: Rewrites = {
    tail: null, concats: new Map(), appends: new Set(), divisors: new Map(), skip: new Set(), replaced: new Set(), reads: new Map(), notCalls: new Set(), extra: 0, inMemory: new Set(),
  };
  const targets = jumpTargets(fn);
  if (!exactCalls) planTailCalls(fn, self, targets, rw);
  planConcats(mod, fn, targets, rw);
  const params = wholeProgram ? constantParams(mod).get(self) : undefined;
  constants(mod, fn, targets, params ?? new Map(), (pc, known) => {
    const op = fn.code[pc];
    const k = known.get(fn.code[pc + 3]);
    if ((op === O.div_i || op === O.mod_i) && k !== undefined && hasMagic(k)) rw.divisors.set(pc, k);
  });
  return rw;
}

/**
 * Calls `visit` at every instruction with the integer registers known to hold a constant there:
 * set by loadi/loadk (or copied from one) earlier in the same basic block, or parameters in
 * `params` that the function never assigns.
 */
function constants(mod: BytecodeModule, fn: BcFunction, targets: Set<number>, params: Map<number, bigint>,
  visit: (pc: number, known: Map<number, bigint>) => void): void {
  const code = fn.code;
  const written = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) eachDef(code, pc, (r) => written.add(r));
  const invariant = new Map([...params].filter(([r]) => !written.has(r)));
  let known = new Map(invariant);
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (targets.has(pc)) known = new Map(invariant);
    visit(pc, known);
    const op = code[pc];
    const value = op === O.loadi ? BigInt(code[pc + 2])
      : op === O.loadk && mod.consts[code[pc + 2]].tag === 'int' ? mod.consts[code[pc + 2]].value as bigint
        : op === O.mov ? known.get(code[pc + 2]) : undefined;
    eachDef(code, pc, (r) => known.delete(r));
    if (value !== undefined && fn.regKinds[code[pc + 1]] === Kind.Int) known.set(code[pc + 1], value);
  }
}

function eachDef(code: Int32Array, pc: number, f: (r: number) => void): void {
  let p = pc + 1;
  for (const letter of OPS[code[pc]].ops) {
    if (letter === 'd') f(code[p]);
    p += letter === '*' ? 1 + code[p] : letter === '%' ? 1 + 2 * code[p] : 1;
  }
}

const paramCache = new WeakMap<BytecodeModule, Map<number, Map<number, bigint>>>();

/** Per function called only directly: the parameters every call passes the same constant for. */
function constantParams(mod: BytecodeModule): Map<number, Map<number, bigint>> {
  const cached = paramCache.get(mod);
  if (cached) return cached;
  const escaped = new Set(mod.classes.flatMap((c) => c.vtable));
  const seen = new Map<number, (bigint | null)[]>();
  mod.functions.forEach((fn) => {
    const code = fn.code;
    constants(mod, fn, jumpTargets(fn), new Map(), (pc, known) => {
      const op = code[pc];
      if (op === O.closure || op === O.funcref) escaped.add(code[pc + 2]);
      if (op !== O.call) return;
      const callee = code[pc + 2];
      const args = Array.from({ length: code[pc + 3] }, (_, i) => known.get(code[pc + 4 + i]) ?? null);
      const prev = seen.get(callee);
      seen.set(callee, prev ? prev.map((v, i) => (v !== null && v === args[i] ? v : null)) : args);
    });
  });
  const out = new Map<number, Map<number, bigint>>();
  for (const [callee, args] of seen) {
    if (escaped.has(callee)) continue;
    out.set(callee, new Map(args.flatMap((v, i) => (v === null ? [] : [[i, v] as [number, bigint]]))));
  }
  paramCache.set(mod, out);
  return out;
}

function jumpTargets(fn: BcFunction): Set<number> {
  const code = fn.code;
  const targets = new Set<number>(fn.handlers.map((h) => h.target));
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const j = OPS[code[pc]].ops.indexOf('j');
    if (j >= 0) targets.add(code[pc + 1 + j]);
  }
  return targets;
}

function planTailCalls(fn: BcFunction, self: number, targets: Set<number>, rw: Rewrites): void {
  if (fn.handlers.length > 0 || fn.ncaps > 0) return;
  const code = fn.code;
  const floats = fn.regKinds.slice(0, fn.arity).filter((k) => k === Kind.Float).length;
  if (floats > TAIL_FLOAT_ARGS || fn.arity - floats > TAIL_INT_ARGS) return;
  const sites = new Map<number, TailSite>();
  const vsp = fn.regKinds.length, acc = vsp + 1;
  let anyAdds = false;
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (code[pc] !== O.call || code[pc + 2] !== self) continue;
    const t = code[pc + 1];
    const p1 = pc + instrLength(code, pc);
    if (targets.has(p1)) continue;
    let site: TailSite;
    if (code[p1] === O.ret && code[p1 + 1] === t) {
      site = {};
      rw.skip.add(p1);
    } else {
      const p2 = p1 + instrLength(code, p1);
      if (fn.ret !== 'i' || targets.has(p2) || code[p2] !== O.ret || code[p2 + 1] !== code[p1 + 1]) continue;
      if (code[p1] === O.addk_i && code[p1 + 2] === t) site = { k: code[p1 + 3] };
      else if (code[p1] === O.add_i && (code[p1 + 2] === t) !== (code[p1 + 3] === t)) site = { other: code[p1 + 2] === t ? code[p1 + 3] : code[p1 + 2] };
      else continue;
      rw.skip.add(p1); rw.skip.add(p2);
      anyAdds = true;
    }
    sites.set(pc, site);
    rw.replaced.add(pc);
    rw.notCalls.add(pc);
    // (the result register is not written: the site jumps away; the virtual stack pointer and
    // the accumulator are read and written on every trip, so they count twice)
    const args = Array.from({ length: code[pc + 3] }, (_, i) => code[pc + 4 + i]);
    const adds = site.other !== undefined || site.k !== undefined;
    rw.reads.set(pc, [...args, ...(site.other !== undefined ? [site.other] : []), vsp, vsp, ...(adds ? [acc, acc] : [])]);
  }
  if (sites.size === 0) return;
  rw.tail = { sites, vsp, acc: anyAdds ? acc : -1 };
  rw.extra = 2;
  rw.inMemory.add(vsp); // (one memory operand per trip costs less than a saved register per call)
  if (anyAdds) {
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      if (code[pc] === O.ret && !rw.skip.has(pc)) rw.reads.set(pc, [acc]);
    }
  }
}

function planConcats(mod: BytecodeModule, fn: BcFunction, targets: Set<number>, rw: Rewrites): void {
  const code = fn.code;
  // (a handler can be entered from anywhere in its range: not modelled, so not rewritten)
  if (fn.handlers.length > 0 || !hasOp(code, O.concat)) return;
  const live = liveOut(fn);
  // Concatenations not yet emitted: their result register → their parts and pc; and ints
  // converted to strings only to be concatenated: the string's register → the int's.
  let pending = new Map<number, { parts: ConcatPart[]; pc: number }>();
  let texts = new Map<number, { int: number; pc: number }>();
  const chains = new Map<number, ConcatPart[]>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (targets.has(pc)) { pending = new Map(); texts = new Map(); }
    const op = code[pc];
    if (op === O.concat) {
      const [d, x, y] = [code[pc + 1], code[pc + 2], code[pc + 3]];
      let parts: ConcatPart[] = [];
      for (const r of [x, y]) {
        // A value consumed here must die here: it is never computed. (Its parts array changes
        // hands rather than being copied: a chain of n parts is built in O(n).)
        const link = pending.get(r), text = texts.get(r);
        const last = x !== y && !live(pc, r);
        if (link && last) {
          if (parts.length === 0) parts = link.parts;
          else for (const p of link.parts) parts.push(p);
          rw.skip.add(link.pc);
          chains.delete(link.pc);
        }
        else if (text && last) { parts.push({ reg: text.int, int: true }); rw.skip.add(text.pc); }
        else parts.push({ reg: r, int: false });
        pending.delete(r);
        texts.delete(r);
      }
      forget(pending, texts, d);
      chains.set(pc, parts);
      pending.set(d, { parts, pc });
      continue;
    }
    // Anything else that reads a value needs it computed; a write ends the chains that read the
    // register (they are emitted where they stand).
    eachUse(code, pc, (r) => { pending.delete(r); texts.delete(r); });
    eachDef(code, pc, (r) => forget(pending, texts, r));
    if (op === O.tostr && mod.consts[code[pc + 3]].value === 'i') texts.set(code[pc + 1], { int: code[pc + 2], pc });
    if (OPS[op].ops.includes('j') || op === O.ret || op === O.retv || op === O.throw) { pending = new Map(); texts = new Map(); }
  }
  const sites = new Map([...chains].filter(([pc, parts]) => parts[0].reg === code[pc + 1] && !parts[0].int).map(([pc]) => [pc, code[pc + 1]]));
  const appends = sites.size ? appendable(mod, fn, sites) : new Set<number>();
  for (const [pc, parts] of chains) {
    const append = appends.has(pc);
    if (parts.length <= 2 && !parts.some((p) => p.int) && !append) continue;
    if (append) rw.appends.add(pc);
    rw.concats.set(pc, parts);
    rw.replaced.add(pc);
    rw.reads.set(pc, [...parts.map((p) => p.reg), code[pc + 1]]);
  }
}


/**
 * The concatenations `s = s + …` (pc → s) that may grow s's string in place: every value of s
 * reaching one is a string no one else can hold — made by a concatenation or a constant, and
 * never copied to another register, stored, passed to a function (only concatenated, compared,
 * measured, printed, searched or returned) wherever it goes.
 */
function appendable(mod: BytecodeModule, fn: BcFunction, sites: Map<number, number>): Set<number> {
  const code = fn.code;
  const readOnly = readOnlyParams(mod);
  const out = new Set<number>();
  const pcs: number[] = [];
  const index = new Int32Array(code.length);
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) { index[pc] = pcs.length; pcs.push(pc); }
  const n = pcs.length;
  const succ = pcs.map((pc) => successors(code, pc).map((t) => index[t]));
  const preds: number[][] = pcs.map(() => []);
  succ.forEach((ts, i) => { for (const t of ts) preds[t].push(i); });
  for (const d of new Set(sites.values())) {
    const defines = new Uint8Array(n), unsafe = new Uint8Array(n);
    pcs.forEach((pc, i) => {
      eachDef(code, pc, (r) => { if (r === d) defines[i] = 1; });
      // (a returned string is never appended to again: the caller's copy of it is not owned)
      if (code[pc] !== O.ret && !readsOnly(code, pc, d, readOnly)) eachUse(code, pc, (r) => { if (r === d) unsafe[i] = 1; });
    });
    // Backward: may the value d holds after i reach a use that shares it?
    const reachesIn = new Uint8Array(n), reachesOut = new Uint8Array(n);
    for (let changed = true; changed;) {
      changed = false;
      for (let i = n - 1; i >= 0; i--) {
        let o = 0;
        for (const t of succ[i]) o |= reachesIn[t];
        reachesOut[i] = o;
        const inn = unsafe[i] ? 1 : defines[i] ? 0 : o;
        if (inn !== reachesIn[i]) { reachesIn[i] = inn; changed = true; }
      }
    }
    // A value is shared if it came from elsewhere (not a concatenation or a constant) or reaches
    // such a use. Forward: may the value of d at i be a shared one (on entry it is)?
    const shared = (i: number) => (code[pcs[i]] !== O.concat && code[pcs[i]] !== O.loadk) || reachesOut[i] === 1;
    const sharedIn = new Uint8Array(n), sharedOut = new Uint8Array(n);
    for (let changed = true; changed;) {
      changed = false;
      for (let i = 0; i < n; i++) {
        let inn = i === 0 ? 1 : 0;
        for (const p of preds[i]) inn |= sharedOut[p];
        sharedIn[i] = inn;
        const o = defines[i] ? (shared(i) ? 1 : 0) : inn;
        if (o !== sharedOut[i]) { sharedOut[i] = o; changed = true; }
      }
    }
    for (const [pc, r] of sites) if (r === d && !sharedIn[index[pc]]) out.add(pc);
  }
  return out;
}

/**
 * Whether instruction pc only reads register r's string: concatenates, compares, measures,
 * prints or searches it, or passes it to a function parameter in `readOnly` ("f:i").
 */
function readsOnly(code: Int32Array, pc: number, r: number, readOnly: Set<string>): boolean {
  const op = code[pc];
  if (op === O.concat || op === O.strlen || op === O.eq_s || op === O.ne_s || op === O.print) return true;
  if (op === O.callb) return builtinById(code[pc + 2])?.readsOnly === true;
  if (op !== O.call) return false;
  for (let i = 0; i < code[pc + 3]; i++) if (code[pc + 4 + i] === r && !readOnly.has(`${code[pc + 2]}:${i}`)) return false;
  return true;
}

const readOnlyCache = new WeakMap<BytecodeModule, Set<string>>();

/**
 * The string parameters ("function:index") that their functions only read: never return, store,
 * pass to a function that keeps them, or copy to a register that does — a string passed there
 * stays its caller's alone. From all of them, those that fail are removed until none does.
 */
function readOnlyParams(mod: BytecodeModule): Set<string> {
  let ro = readOnlyCache.get(mod);
  if (ro) return ro;
  ro = new Set();
  mod.functions.forEach((fn, f) => { for (let p = fn.ncaps; p < fn.arity; p++) if (fn.regTypes[p] === 's') ro!.add(`${f}:${p - fn.ncaps}`); });
  for (let changed = true; changed;) {
    changed = false;
    for (const key of ro) {
      const [f, i] = key.split(':').map(Number);
      const fn = mod.functions[f];
      const code = fn.code;
      // the registers the parameter's value may be copied to, wherever
      const holds = new Set([fn.ncaps + i]);
      for (let grew = true; grew;) {
        grew = false;
        for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
          if (code[pc] === O.mov && holds.has(code[pc + 2]) && !holds.has(code[pc + 1])) { holds.add(code[pc + 1]); grew = true; }
        }
      }
      let kept = false;
      for (let pc = 0; pc < code.length && !kept; pc += instrLength(code, pc)) {
        if (code[pc] === O.mov) continue;
        eachUse(code, pc, (r) => { if (holds.has(r) && !readsOnly(code, pc, r, ro!)) kept = true; });
      }
      if (kept) { ro.delete(key); changed = true; }
    }
  }
  readOnlyCache.set(mod, ro);
  return ro;
}

function successors(code: Int32Array, pc: number): number[] {
  const op = code[pc];
  const next = pc + instrLength(code, pc);
  const j = OPS[op].ops.indexOf('j');
  const out: number[] = [];
  if (j >= 0) out.push(code[pc + 1 + j]);
  if (op !== O.jmp && op !== O.loop && op !== O.ret && op !== O.retv && op !== O.throw && op !== O.rterr && next < code.length) out.push(next);
  return out;
}

function eachUse(code: Int32Array, pc: number, f: (r: number) => void): void {
  let p = pc + 1;
  for (const letter of OPS[code[pc]].ops) {
    if (letter === '*' || letter === '%') {
      const k = code[p++];
      for (let i = 0; i < k; i++) { f(code[p]); p += letter === '%' ? 2 : 1; }
    } else {
      if (letter === 'r') f(code[p]);
      p++;
    }
  }
}

/** Whether an instruction `op` occurs in code (scanning instructions, not operands). */
function hasOp(code: Int32Array, op: number): boolean {
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) if (code[pc] === op) return true;
  return false;
}

/**
 * Whether string register r is live after the instruction at pc: the usual backward fixpoint,
 * over bitsets (a 9,000-line function has 27,000 instructions) of the string registers only —
 * the only ones asked about — so a function with 100,000 int temporaries costs nothing here.
 * Any other register counts as live.
 */
function liveOut(fn: BcFunction): (pc: number, r: number) => boolean {
  const code = fn.code;
  const dense = new Int32Array(fn.regKinds.length).fill(-1);
  let n = 0;
  fn.regTypes.forEach((t, r) => { if (t === 's') dense[r] = n++; });
  const W = (n + 31) >>> 5;
  const pcs: number[] = [];
  const index = new Int32Array(code.length);
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) { index[pc] = pcs.length; pcs.push(pc); }
  const bits = (list: (f: (r: number) => void) => void) => {
    const b = new Uint32Array(W);
    list((r) => { const k = dense[r]; if (k >= 0) b[k >>> 5] |= 1 << (k & 31); });
    return b;
  };
  const defs = pcs.map((pc) => bits((f) => eachDef(code, pc, f)));
  const uses = pcs.map((pc) => bits((f) => eachUse(code, pc, f)));
  const succ = pcs.map((pc) => successors(code, pc).map((t) => index[t]));
  const liveIn = new Uint32Array(pcs.length * W), out = new Uint32Array(pcs.length * W);
  for (let changed = true; changed;) {
    changed = false;
    for (let i = pcs.length - 1; i >= 0; i--) {
      for (let w = 0; w < W; w++) {
        let o = 0;
        for (const t of succ[i]) o |= liveIn[t * W + w];
        out[i * W + w] = o;
        const inn = ((o & ~defs[i][w]) | uses[i][w]) >>> 0;
        if (inn !== liveIn[i * W + w]) { liveIn[i * W + w] = inn; changed = true; }
      }
    }
  }
  return (pc, r) => {
    const k = dense[r];
    return k < 0 || (out[index[pc] * W + (k >>> 5)] & (1 << (k & 31))) !== 0;
  };
}

/** Drops the pending chains and conversions that read register r (it is about to change). */
function forget(pending: Map<number, { parts: ConcatPart[] }>, texts: Map<number, { int: number }>, r: number): void {
  for (const [d, link] of pending) if (d === r || link.parts.some((p) => p.reg === r)) pending.delete(d);
  for (const [d, text] of texts) if (d === r || text.int === r) texts.delete(d);
}
