// Appends in place: a concatenation `s = s + …` (concatn whose first part is its destination)
// becomes appendn when every value of s reaching it is a string no one else can hold — made by
// a concatenation or a constant, and never copied to another register, stored, or passed to a
// function that keeps it, wherever it goes. Native code may then grow s's string in place, which
// makes building a string in a loop linear instead of quadratic; for the VM it is a concatn. The
// compiler marks the sites (markAppends); the verifier accepts an appendn only where this
// analysis allows one (appendSites), so a .bpc cannot claim a string it shares.
import type { BcFunction, BytecodeModule } from './module.js';
import { O, instrLength } from './opcodes.js';
import { builtinById } from '../lang/builtins.js';
import { eachDef, eachUse, instructionIndex, successors } from './walk.js';

/** Turns the concatn instructions allowed to append in place into appendn (all functions). */
export function markAppends(mod: BytecodeModule): void {
  mod.functions.forEach((fn) => {
    for (const pc of appendSites(mod, fn)) if (fn.code[pc] === O.concatn) fn.code[pc] = O.appendn;
  });
}

/** The pcs of fn's concatenations (concatn or appendn) that may append in place. */
export function appendSites(mod: BytecodeModule, fn: BcFunction): Set<number> {
  const code = fn.code;
  // (a handler can be entered from anywhere in its range: not modelled, so nothing appends)
  if (fn.handlers.length > 0) return new Set();
  const sites = new Map<number, number>();
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    if ((code[pc] === O.concatn || code[pc] === O.appendn) && code[pc + 2] > 0 && code[pc + 3] === code[pc + 1]) sites.set(pc, code[pc + 1]);
  }
  return sites.size ? appendable(mod, fn, sites) : new Set();
}

const MADE_HERE: ReadonlySet<number> = new Set([O.concat, O.concatn, O.appendn, O.loadk]);

/** Of the `sites` (pc → the string's register s), those where s's string is this function's alone. */
function appendable(mod: BytecodeModule, fn: BcFunction, sites: Map<number, number>): Set<number> {
  const code = fn.code;
  const readOnly = readOnlyParams(mod);
  const out = new Set<number>();
  const { pcs, index } = instructionIndex(code);
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
    const shared = (i: number) => !MADE_HERE.has(code[pcs[i]]) || reachesOut[i] === 1;
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

/** Instructions that only read their string operands: concatenate, compare, measure, print. */
const READERS: ReadonlySet<number> = new Set([O.concat, O.concatn, O.appendn, O.strlen, O.eq_s, O.ne_s, O.print]);

/**
 * Whether instruction pc only reads register r's string: concatenates, compares, measures,
 * prints or searches it, or passes it to a function parameter in `readOnly` ("f:i").
 */
function readsOnly(code: Int32Array, pc: number, r: number, readOnly: Set<string>): boolean {
  const op = code[pc];
  if (READERS.has(op)) return true;
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
