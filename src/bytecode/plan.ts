// The planning pass: facts about a function's bytecode that let native code do less than its
// instructions one by one — self-calls in tail position (a jump back with an accumulator),
// integer divisions by a known constant (a multiplication), and a recursion's base case (which
// a caller can test before calling). They are facts, not rewrites: the VM runs the instructions
// as they are; the lowering decides which to use (src/native/rewrite.ts: none that would change
// what the profiler counts); `bpjit disasm` prints them beside the instructions and checkPlan
// proves each one again from the code. (Concatenation chains and in-place appends are
// instructions of their own: concatn, appendn — see compile-expr.ts and append.ts.)
import { lineOfPc, type BcFunction, type BytecodeModule } from './module.js';
import { Kind, O, OP_DEFS, type Rel, instrLength } from './opcodes.js';
import { eachDef, jumpTargets } from './walk.js';

/** A call of the function itself whose result is returned, or returned plus `other` or `k`. */
export interface TailSite {
  readonly other?: number;
  readonly k?: number;
  /** The instructions after the call that the jump back replaces (the add, the ret). */
  readonly rest: number[];
}

/** `if p <rel> k: go on; return q (or a constant)` at the start of a function: its base case. */
export interface BaseCase {
  readonly param: number;
  readonly rel: Rel;
  readonly k: number;
  /** The result: a parameter register, or a constant. */
  readonly result: number | bigint;
}

export interface Plan {
  /** Self-calls in tail position, by the call's pc. */
  readonly tails: ReadonlyMap<number, TailSite>;
  /** Integer divisions and remainders whose divisor is a known constant, by pc. */
  readonly divisors: ReadonlyMap<number, bigint>;
  /** The function's base case, or null. */
  readonly base: BaseCase | null;
}

/**
 * The plan of function `self`. `wholeProgram`: every call of it is in `mod`, so a parameter every
 * caller passes the same constant for is a constant.
 */
export function planFunction(mod: BytecodeModule, self: number, wholeProgram: boolean): Plan {
  const fn = mod.functions[self];
  const targets = jumpTargets(fn);
  const divisors = new Map<number, bigint>();
  const params = wholeProgram ? constantParams(mod).get(self) : undefined;
  constants(mod, fn, targets, params ?? new Map(), (pc, known) => {
    const op = fn.code[pc];
    const k = known.get(fn.code[pc + 3]);
    if ((op === O.div_i || op === O.mod_i) && k !== undefined) divisors.set(pc, k);
  });
  return { tails: tailSites(fn, self, targets), divisors, base: baseCase(fn) };
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

/**
 * Self-calls whose result is returned — or, for an int function, returned plus a register or an
 * immediate (`return f(x) + y`) — with nothing jumping in between. A function with exception
 * handlers or captured values has none (a handler may be entered from the call; a lambda's
 * captures come from its closure), and neither has one in which anything but those self-calls
 * can fail: the frames the jump back saves would be missing from the traceback of an error or
 * an exception passing through them (a stack overflow's traceback counts its frames anyway).
 */
function tailSites(fn: BcFunction, self: number, targets: Set<number>): Map<number, TailSite> {
  const sites = new Map<number, TailSite>();
  if (fn.handlers.length > 0 || fn.ncaps > 0) return sites;
  const code = fn.code;
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (OP_DEFS[code[pc]].mayFail && !(code[pc] === O.call && code[pc + 2] === self)) return sites;
  }
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if (code[pc] !== O.call || code[pc + 2] !== self) continue;
    const t = code[pc + 1];
    const p1 = pc + instrLength(code, pc);
    if (targets.has(p1)) continue;
    if (code[p1] === O.ret && code[p1 + 1] === t) { sites.set(pc, { rest: [p1] }); continue; }
    const p2 = p1 + instrLength(code, p1);
    if (fn.ret !== 'i' || targets.has(p2) || code[p2] !== O.ret || code[p2 + 1] !== code[p1 + 1]) continue;
    if (code[p1] === O.addk_i && code[p1 + 2] === t) sites.set(pc, { k: code[p1 + 3], rest: [p1, p2] });
    else if (code[p1] === O.add_i && (code[p1 + 2] === t) !== (code[p1 + 3] === t)) {
      sites.set(pc, { other: code[p1 + 2] === t ? code[p1 + 3] : code[p1 + 2], rest: [p1, p2] });
    }
  }
  // A stack overflow's traceback shows a frame for each trip, at the line of the call (the
  // lowering's tailTrips): the same as on the other tiers only if the calls share one line.
  return new Set([...sites.keys()].map((pc) => lineOfPc(fn, pc))).size > 1 ? new Map() : sites;
}

const baseCases = new WeakMap<BcFunction, BaseCase | null>();

/** The base case `fn` starts with (see BaseCase): a compare-with-immediate, then a return. */
export function baseCase(fn: BcFunction): BaseCase | null {
  let b = baseCases.get(fn);
  if (b !== undefined) return b;
  b = null;
  const c = fn.code;
  const intParam = (r: number) => r < fn.arity && fn.regKinds[r] === Kind.Int;
  const first = c.length >= 6 ? OP_DEFS[c[0]] : undefined;
  if (fn.ncaps === 0 && first?.rel && first.ops === 'rij' && intParam(c[1])) {
    const result = c[4] === O.ret && intParam(c[5]) ? c[5]
      : c[4] === O.loadi && c[7] === O.ret && c[8] === c[5] && fn.regKinds[c[5]] === Kind.Int ? BigInt(c[6]) : null;
    if (result !== null) b = { param: c[1], rel: first.rel, k: c[2], result };
  }
  baseCases.set(fn, b);
  return b;
}

// --- checking a plan ------------------------------------------------------------------------

/**
 * Proves each fact of `plan` (of function `self`) again from the code, by other means than
 * planFunction found it (backwards from each use instead of forwards through the code); returns
 * what does not hold. The tests run it over every program of the corpus.
 */
export function checkPlan(mod: BytecodeModule, self: number, plan: Plan): string[] {
  const fn = mod.functions[self];
  const code = fn.code;
  const problems: string[] = [];
  const targets = jumpTargets(fn);
  const starts = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) starts.add(pc);
  const next = (pc: number) => pc + instrLength(code, pc);
  for (const [pc, site] of plan.tails) {
    const why = (m: string) => problems.push(`tail site ${pc}: ${m}`);
    if (!starts.has(pc) || code[pc] !== O.call || code[pc + 2] !== self) { why('not a call of the function itself'); continue; }
    if (fn.handlers.length || fn.ncaps) { why('the function has handlers or captures'); continue; }
    const expect = [next(pc)];
    if (site.rest.length === 2) expect.push(next(expect[0]));
    if (site.rest.join() !== expect.join() || site.rest.some((p) => targets.has(p))) { why('what follows the call is not its own'); continue; }
    const ret = site.rest[site.rest.length - 1];
    const result = site.rest.length === 1 ? code[pc + 1] : code[site.rest[0] + 1];
    if (code[ret] !== O.ret || code[ret + 1] !== result) { why('the result is not returned'); continue; }
    if (site.rest.length === 2) {
      const add = site.rest[0], t = code[pc + 1];
      const ok = fn.ret === 'i' && (site.k !== undefined
        ? code[add] === O.addk_i && code[add + 2] === t && code[add + 3] === site.k
        : code[add] === O.add_i && [code[add + 2], code[add + 3]].sort().join() === [t, site.other].sort().join() && site.other !== t);
      if (!ok) why('the addition is not the one planned');
    }
  }
  for (const [pc, k] of plan.divisors) {
    if (!starts.has(pc) || (code[pc] !== O.div_i && code[pc] !== O.mod_i)) problems.push(`divisor at ${pc}: not a division`);
    else if (valueAt(mod, self, targets, pc, code[pc + 3]) !== k) problems.push(`divisor at ${pc}: r${code[pc + 3]} is not ${k} there`);
  }
  const b = plan.base;
  if (b) {
    const ok = OP_DEFS[code[0]].rel === b.rel && OP_DEFS[code[0]].ops === 'rij' && code[1] === b.param && code[2] === b.k && b.param < fn.arity
      && (typeof b.result === 'bigint' ? code[4] === O.loadi && BigInt(code[6]) === b.result && code[7] === O.ret && code[8] === code[5]
        : code[4] === O.ret && code[5] === b.result && b.result < fn.arity);
    if (!ok) problems.push('the base case is not how the function starts');
  }
  return problems;
}

/**
 * The int constant register r holds at pc, looking back through its basic block (loadi, loadk,
 * mov) and then, with `callers`, at the calls when r is a parameter the function never writes
 * (their arguments are looked at in their own blocks only, as planFunction does); undefined
 * when unknown.
 */
function valueAt(mod: BytecodeModule, self: number, targets: Set<number>, pc: number, r: number, callers = true): bigint | undefined {
  const fn = mod.functions[self], code = fn.code;
  const before: number[] = [];
  for (let p = 0; p < pc; p += instrLength(code, p)) before.push(p);
  for (let i = before.length - 1; i >= 0; i--) {
    const p = before[i];
    let writes = false;
    eachDef(code, p, (w) => { if (w === r) writes = true; });
    if (writes) {
      if (code[p] === O.loadi) return BigInt(code[p + 2]);
      const k = code[p] === O.loadk ? mod.consts[code[p + 2]] : undefined;
      if (k?.tag === 'int') return k.value;
      return code[p] === O.mov && fn.regKinds[r] === Kind.Int ? valueAt(mod, self, targets, p, code[p + 2], callers) : undefined;
    }
    if (targets.has(p)) break;
  }
  return callers && r < fn.arity && r >= fn.ncaps ? argumentOfEveryCall(mod, self, r - fn.ncaps) : undefined;
}

/** The constant every call of function `callee` passes as argument `i` (none may escape), or undefined. */
function argumentOfEveryCall(mod: BytecodeModule, callee: number, i: number): bigint | undefined {
  const fn = mod.functions[callee];
  for (let p = 0; p < fn.code.length; p += instrLength(fn.code, p)) {
    let writes = false;
    eachDef(fn.code, p, (w) => { if (w === fn.ncaps + i) writes = true; });
    if (writes) return undefined;
  }
  if (mod.classes.some((c) => c.vtable.includes(callee))) return undefined;
  let value: bigint | undefined, calls = 0;
  for (let f = 0; f < mod.functions.length; f++) {
    const code = mod.functions[f].code, targets = jumpTargets(mod.functions[f]);
    for (let p = 0; p < code.length; p += instrLength(code, p)) {
      if ((code[p] === O.closure || code[p] === O.funcref) && code[p + 2] === callee) return undefined;
      if (code[p] !== O.call || code[p + 2] !== callee) continue;
      const v = valueAt(mod, f, targets, p, code[p + 4 + i], false);
      if (v === undefined || (calls++ > 0 && v !== value)) return undefined;
      value = v;
    }
  }
  return value;
}
