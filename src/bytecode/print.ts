// Bytecode → text, for `bpjit disasm` and golden tests: one instruction per line with its pc,
// operands decoded by the opcode table (registers as rN, constants with their value, function
// and builtin names), grouped under the source lines they came from; on request with the notes
// of the planning pass (plan.ts) beside the instructions they are about.
import { builtinById } from '../lang/builtins.js';
import { quote } from '../lang/quote.js';
import type { BcFunction, BytecodeModule, Const } from './module.js';
import { KIND_NAMES, OPS, type Rel, instrLength } from './opcodes.js';
import { planFunction, type Plan } from './plan.js';


function constText(c: Const): string {
  switch (c.tag) {
    case 'int': return String(c.value);
    case 'float': return Number.isInteger(c.value) ? c.value.toFixed(1) : String(c.value);
    case 'str': return quote(c.value);
    case 'type': return `<${c.value}>`;
    case 'spec': return `'${c.value}'`;
  }
}

/** Text of the instruction at pc. */
function printInstr(mod: BytecodeModule, fn: BcFunction, pc: number): string {
  const code = fn.code;
  const def = OPS[code[pc]];
  if (!def) return `<bad opcode ${code[pc]}>`;
  const parts: string[] = [];
  let p = pc + 1;
  const operand = (letter: string): string => {
    const v = code[p++];
    switch (letter) {
      case 'd': case 'r': return `r${v}`;
      case 'i': return String(v);
      case 'k': return v < 0 ? '-' : constText(mod.consts[v]);
      case 'j': return `@${v}`;
      case 'f': return mod.functions[v]?.name ?? `#${v}`;
      case 'b': return builtinById(v)?.name ?? `builtin#${v}`;
      case 'g': return `g${v}:${mod.globals[v]?.name ?? '?'}`;
      case 't': return String(v);
      case 'x': return KIND_NAMES[v] ?? String(v);
      case 's': return `slot${v}`;
      default: return String(v);
    }
  };
  for (const letter of def.ops) {
    if (letter === '*') {
      const n = code[p++];
      const regs: string[] = [];
      for (let i = 0; i < n; i++) regs.push(`r${code[p++]}`);
      parts.push(`(${regs.join(', ')})`);
    } else if (letter === '%') {
      const n = code[p++];
      const regs: string[] = [];
      for (let i = 0; i < n; i++) { regs.push(`r${code[p]}:${constText(mod.consts[code[p + 1]]).slice(1, -1)}`); p += 2; }
      parts.push(`(${regs.join(', ')})`);
    } else parts.push(operand(letter));
  }
  if (def.name === 'callx') parts[1] = mod.externs[code[pc + 2]]?.name ?? parts[1];
  return `${def.name} ${parts.join(', ')}`.trimEnd();
}

/** The plan's facts as notes: on the function, and per instruction (see plan.ts). */
function planNotes(plan: Plan | undefined): { head: string[]; at: Map<number, string> } {
  const head: string[] = [], at = new Map<number, string>();
  if (!plan) return { head, at };
  const b = plan.base;
  if (b) head.push(`base case: if r${b.param} ${REL_TEXT[b.rel]} ${b.k} it goes on, else it returns ${typeof b.result === 'bigint' ? b.result : `r${b.result}`} (callers may test it)`);
  for (const [pc, t] of plan.tails) {
    const plus = t.other !== undefined ? ` plus r${t.other}` : t.k !== undefined ? ` plus ${t.k}` : '';
    at.set(pc, `self-call in tail position${plus}: may loop back`);
  }
  for (const [pc, k] of plan.divisors) at.set(pc, `the divisor is ${k} here`);
  return { head, at };
}

const REL_TEXT: Readonly<Record<Rel, string>> = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '==', ne: '!=' };

/** Where the copies of other functions' code in `fn` begin (bytecode/inline.ts), as notes; the file of each pc's code. */
function inlineNotes(mod: BytecodeModule, fn: BcFunction, at: Map<number, string>): (pc: number) => number {
  const sites = fn.inlined ?? [];
  for (const s of sites) {
    const note = `inlined ${mod.functions[s.callee].name} (the call at line ${s.line}) up to @${s.end}`;
    at.set(s.start, at.has(s.start) ? `${at.get(s.start)}; ${note}` : note);
  }
  return (pc) => {
    let k = -1;
    sites.forEach((s, i) => { if (pc >= s.start && pc < s.end && (k < 0 || s.end - s.start < sites[k].end - sites[k].start)) k = i; });
    return k < 0 ? fn.file : mod.functions[sites[k].callee].file;
  };
}

/** `plan`: notes from the planning pass beside the instructions they are about. */
function printFunction(mod: BytecodeModule, fn: BcFunction, source?: (file: number, line: number) => string, plan?: Plan): string {
  const regs = Array.from(fn.regKinds, (_, i) => `r${i}:${fn.regTypes[i] ?? KIND_NAMES[fn.regKinds[i]]}`);
  const notes = planNotes(plan);
  const fileAt = inlineNotes(mod, fn, notes.at);
  for (const b of fn.bails ?? []) {
    const note = `a runtime error up to @${b.end} goes on at @${b.target} (the loop as written: bytecode/jam.ts)`;
    notes.at.set(b.start, notes.at.has(b.start) ? `${notes.at.get(b.start)}; ${note}` : note);
  }
  let out = `function ${fn.name} (arity ${fn.arity}${fn.ncaps ? `, ${fn.ncaps} captured` : ''}) -> ${fn.ret}\n`;
  out += `  registers: ${regs.join(' ') || '-'}\n`;
  for (const h of notes.head) out += `  ; plan: ${h}\n`;
  let lastLine = '';
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) {
    const line = fn.lines[pc], file = fileAt(pc);
    if (`${file}:${line}` !== lastLine && line > 0) {
      const src = source ? source(file, line).trim() : '';
      out += `  ; ${mod.files[file]}:${line}${src ? `  ${src}` : ''}\n`;
      lastLine = `${file}:${line}`;
    }
    const text = `  ${String(pc).padStart(5)}  ${printInstr(mod, fn, pc)}`;
    const note = notes.at.get(pc);
    out += note ? `${text.padEnd(48)}  ; plan: ${note}\n` : `${text}\n`;
  }
  for (const h of fn.handlers) out += `  handler [@${h.start}, @${h.end}) -> @${h.target}${h.reg >= 0 ? ` (message in r${h.reg})` : ''}\n`;
  return out;
}

/** `plans`: with the planning pass's notes (the whole module, as `bpjit build` sees it). */
export function printModule(mod: BytecodeModule, source?: (file: number, line: number) => string, only?: string, plans = false): string {
  const parts: string[] = [];
  mod.functions.forEach((fn, i) => {
    if (only && fn.name !== only) return;
    parts.push(printFunction(mod, fn, source, plans ? planFunction(mod, i, true) : undefined));
  });
  return parts.join('\n');
}
