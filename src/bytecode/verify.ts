// Verifier: checks that a BytecodeModule (typically read from a .bpc file, whose checksum anyone
// can recompute) is something every tier can run without touching memory it should not. What
// the compiler guarantees by construction is checked here again:
//   - tables: descriptors well formed with struct, class and signature indices in range; class
//     bases acyclic, inherited fields and overridden methods' signatures kept; unique function
//     names (they become native symbols); entry and initialiser callable; file names printable;
//   - code: known opcodes, operands in range, jump and handler targets on instruction starts, no
//     path running off the end;
//   - types: every instruction's registers and constants of the descriptors it needs
//     (verify-ops.ts), calls against the callee's parameter registers and result, builtins
//     against their signatures;
//   - data flow: no register read before it is written, no `retv` where a result is due
//     (verify-flow.ts).
// Returns a list of problems (empty: the module is valid).
import { parseFormatSpec } from '../lang/format-spec.js';
import { BcFunction, BytecodeModule, fnSymbol } from './module.js';
import { O, OPS, instrLength } from './opcodes.js';
import { appendSites } from './append.js';
import { kindOf } from './tdesc.js';
import { TERMINATORS, flowProblems, jumpTarget } from './verify-flow.js';
import { BUILTIN_IDS, Ins, fnSignature, typeProblem } from './verify-ops.js';
import { TypeEnv } from './verify-types.js';

/** Names the compiler gives functions: `main`, `geom.area`, `Dog.speak`, `main$lambda1`, `$init`, `<globals>$lambda1`. */
const FN_NAME = /^[A-Za-z_$<][A-Za-z0-9_$.<>]{0,1023}$/;
/** Problems reported per function before moving on (one bad instruction tends to cascade). */
const PER_FUNCTION = 5;

export function verifyModule(mod: BytecodeModule): string[] {
  const problems: string[] = [];
  const env = new TypeEnv(mod);
  checkTables(mod, env, problems);
  const symbols = new Set<string>();
  for (const [fi, f] of mod.functions.entries()) {
    const mine: string[] = [];
    if (!FN_NAME.test(f.name)) mine.push('bad name');
    else if (symbols.has(fnSymbol(f.name))) mine.push('a second function of this name');
    symbols.add(fnSymbol(f.name));
    checkFunction(mod, env, f, mine);
    problems.push(...mine.slice(0, PER_FUNCTION).map((m) => `function ${fi} (${printable(f.name)}): ${m}`));
  }
  if (problems.length > 0) return problems;
  checkClasses(mod, env, problems);
  checkAppends(mod, problems);
  const callable = (i: number, what: string) => {
    const f = mod.functions[i];
    if (f.arity !== 0 || f.ncaps !== 0) problems.push(`the ${what} function takes parameters`);
  };
  if (!(mod.entry >= 0 && mod.entry < mod.functions.length)) problems.push('no entry function');
  else callable(mod.entry, 'entry');
  if (mod.init !== -1) {
    if (!(mod.init >= 0 && mod.init < mod.functions.length)) problems.push('bad initialiser function');
    else if (mod.functions[mod.init].ret !== 'v') problems.push('the initialiser returns a value');
    else callable(mod.init, 'initialiser');
  }
  return problems;
}

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);

function checkTables(mod: BytecodeModule, env: TypeEnv, problems: string[]): void {
  mod.files.forEach((f, i) => {
    // File names are printed in error messages: no control characters to forge other lines.
    if (f.length === 0 || f.length > 4096 || /[\x00-\x1f\x7f]/.test(f)) problems.push(`file ${i}: bad name`);
  });
  mod.consts.forEach((c, i) => {
    if (c.tag === 'spec' && typeof parseFormatSpec(c.value, 'error') === 'string') problems.push(`constant ${i}: bad format spec`);
    if (c.tag === 'type' && !env.valid(c.value) && !env.parseSignature(c.value)) problems.push(`constant ${i}: bad type descriptor`);
  });
  const typed = (what: string, list: { name: string; type: string }[]) => list.forEach((g, i) => {
    if (!env.valid(g.type)) problems.push(`${what} ${i} (${printable(g.name)}): bad type ${printable(g.type)}`);
  });
  typed('global', mod.globals);
  mod.structs.forEach((s) => typed(`struct ${printable(s.name)} field`, s.fields));
  mod.classes.forEach((c) => typed(`class ${printable(c.name)} field`, c.fields));
  mod.externs.forEach((e, i) => {
    if (!e.params.every((p) => env.valid(p)) || !env.valid(e.ret, true)) problems.push(`extern ${i}: bad signature`);
    if (e.file >= mod.files.length) problems.push(`extern ${i}: file index ${e.file} out of range`);
  });
}

/** Class tables: what dynamic dispatch and inherited field offsets rely on. */
function checkClasses(mod: BytecodeModule, env: TypeEnv, problems: string[]): void {
  const nf = mod.functions.length;
  mod.classes.forEach((c, ci) => {
    const bad = (m: string) => problems.push(`class ${printable(c.name)}: ${m}`);
    if (env.ancestors[ci].size === 0) return bad('bad base class');
    if (c.vtable.some((f) => !(f >= 0 && f < nf))) return bad('bad vtable');
    if (!(c.initSlot >= -1 && c.initSlot < c.vtable.length)) bad('bad init slot');
    c.vtable.forEach((f, slot) => {
      const m = mod.functions[f];
      // The receiver may be an instance of this class or of any subclass.
      if (m.arity < 1 || m.ncaps !== 0 || !env.ancestors[ci].has(env.classOf(m.regTypes[0]))) bad(`slot ${slot}: ${printable(m.name)} cannot take this class as self`);
    });
    if (c.base < 0) return;
    const base = mod.classes[c.base];
    if (base.fields.some((f, i) => c.fields[i]?.type !== f.type)) bad('inherited fields changed');
    if (c.vtable.length < base.vtable.length) return bad('vtable shorter than the base class');
    // Constructors differ from class to class: their slot is never dispatched (verify-ops.ts).
    if (base.initSlot >= 0 && c.initSlot !== base.initSlot) bad('constructor slot changed');
    base.vtable.forEach((f, slot) => {
      if (slot === base.initSlot) return;
      const a = fnSignature(mod.functions[f]), b = fnSignature(mod.functions[c.vtable[slot]]);
      if (a.ret !== b.ret || a.params.slice(1).join() !== b.params.slice(1).join() || a.params.length !== b.params.length) bad(`slot ${slot}: override with another signature`);
    });
  });
}

/** Decodes and range-checks fn's code; null (with problems) when it cannot be decoded. */
function decode(mod: BytecodeModule, fn: BcFunction, bad: (m: string) => void): Ins[] | null {
  const code = fn.code, nregs = fn.regKinds.length;
  const ranges: Record<string, number> = {
    d: nregs, r: nregs, f: mod.functions.length, g: mod.globals.length, k: mod.consts.length, x: 4,
  };
  const ins: Ins[] = [];
  for (let pc = 0; pc < code.length;) {
    const op = code[pc], def = OPS[op];
    if (!def) { bad(`unknown opcode ${op} at ${pc}`); return null; }
    const x: Ins = { pc, op, v: [], list: [] };
    let p = pc + 1;
    for (const letter of def.ops) {
      if (p >= code.length) { bad(`instruction at ${pc} runs past the end`); return null; }
      const v = code[p++];
      if (letter === '*' || letter === '%') {
        const width = letter === '%' ? 2 : 1;
        if (v < 0 || v > (code.length - p) / width) { bad(`instruction at ${pc} runs past the end`); return null; }
        for (let i = 0; i < v * width; i++) {
          const w = code[p++];
          if (!(w >= 0 && w < (i % width === 0 ? nregs : mod.consts.length))) { bad(`operand ${w} out of range at ${pc}`); return null; }
          x.list.push(w);
        }
        continue;
      }
      x.v.push(v);
      let limit = ranges[letter];
      if (letter === 'f' && def.name === 'callx') limit = mod.externs.length;
      if (letter === 't') limit = def.name === 'newobj' ? mod.classes.length : mod.structs.length;
      if (limit !== undefined && !(v >= 0 && v < limit)) { bad(`operand ${v} (${letter}) out of range at ${pc}`); return null; }
      if (letter === 'b' && !BUILTIN_IDS.has(v)) { bad(`unknown builtin ${v} at ${pc}`); return null; }
    }
    ins.push(x);
    pc = p;
  }
  return ins;
}

function checkFunction(mod: BytecodeModule, env: TypeEnv, fn: BcFunction, problems: string[]): void {
  const bad = (m: string): void => { problems.push(m); };
  const nregs = fn.regKinds.length;
  if (fn.regTypes.length !== nregs) return bad('register tables disagree');
  for (let r = 0; r < nregs; r++) {
    if (!env.valid(fn.regTypes[r], r >= fn.arity) || fn.regKinds[r] !== kindOf(fn.regTypes[r])) return bad(`register r${r}: bad type ${printable(fn.regTypes[r])}`);
  }
  if (!env.valid(fn.ret, true)) bad('bad result type');
  if (!(fn.ncaps <= fn.arity && fn.arity <= nregs)) bad('bad arity');
  if (fn.lines.length !== fn.code.length || fn.lines.some((l) => l < 0)) bad('bad line table');
  if (!(fn.file < mod.files.length)) bad('bad file index');
  if (fn.code.length === 0) bad('empty function');
  if (problems.length > 0) return;
  const ins = decode(mod, fn, bad);
  if (!ins) return;
  const starts = new Set(ins.map((x) => x.pc));
  // (lines belong to instructions: one on an operand word is the line of no instruction on one
  // tier, of the instruction around it on another)
  const stray = fn.lines.findIndex((l, p) => l !== 0 && !starts.has(p));
  if (stray >= 0) bad(`line ${fn.lines[stray]} at word ${stray}, inside an instruction`);
  for (const x of ins) {
    const j = jumpTarget(x);
    if (j !== null && !starts.has(j)) bad(`jump target ${j} at ${x.pc} is not an instruction`);
  }
  if (!TERMINATORS.has(ins[ins.length - 1].op)) bad('code can run past the end of the function');
  for (const h of fn.handlers) {
    const edge = (pc: number) => starts.has(pc) || pc === fn.code.length;
    if (!(h.start < h.end && edge(h.start) && edge(h.end) && starts.has(h.target) && (h.reg === -1 || fn.regTypes[h.reg] === 's'))) {
      bad(`bad exception handler [${h.start}, ${h.end}) -> ${h.target}`);
    }
  }
  if (problems.length > 0) return;
  const ctx = { mod, fn, env };
  for (const x of ins) {
    const p = typeProblem(x, ctx);
    if (p) bad(`${OPS[x.op].name} at ${x.pc}: ${p}`);
    if (problems.length >= PER_FUNCTION) return;
  }
  if (problems.length === 0) problems.push(...flowProblems(fn, ins));
}

/** An appendn only where its string is the function's alone (append.ts; the code is valid by now). */
function checkAppends(mod: BytecodeModule, problems: string[]): void {
  mod.functions.forEach((fn, fi) => {
    let allowed: Set<number> | null = null;
    for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) {
      if (fn.code[pc] !== O.appendn) continue;
      allowed ??= appendSites(mod, fn);
      if (!allowed.has(pc)) problems.push(`function ${fi} (${printable(fn.name)}): appendn at ${pc}: its string may be held elsewhere`);
    }
  });
}
