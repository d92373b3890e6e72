// Writes runtime-asm/runtime.cfi.json: the call frame information of every runtime function —
// where the canonical frame address (CFA) is and where callee-saved registers were saved, at
// each instruction — which nasm cannot emit (it has no .cfi directives). Most runtime functions
// are frameless (pushes, `sub rsp`), some keep rbp frames or realign rsp; the table is found by
// following the stack pointer through each function's instructions (objdump's decoding) along
// its branches. `bpjit build -g` turns it into .debug_frame entries, so debuggers and profilers
// unwind through the runtime. Usage: gen-runtime-cfi.js runtime.o out.json [--check]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** A row: from `offset` on, CFA = reg + off (reg '' : no caller — the outermost frame), and saved registers at CFA + k. */
export type CfiRow = [offset: number, reg: string, off: number, saved: [string, number][]];

const CALLEE_SAVED = ['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15'];
/** Functions that never return: code after a call of one is reached only by a jump. */
const NORETURN = new Set(['bp_rt_error', 'bp_rt_exit', 'bp_rt_throw', 'bp_rt_throw_next', 'bp_rt_mark_overflow']);
/** The outermost frame: nothing calls it. */
const OUTERMOST = new Set(['_start', 'bp_rt_on_signal', 'bp_rt_sigreturn']);

interface Insn { off: number; mnem: string; ops: string[]; target: number | null; reloc: string | null }

interface State {
  /** CFA - rsp, CFA - rbp (null: unknown), and copies of rsp in other callee-saved registers. */
  rsp: number | null;
  rbp: number | null;
  copies: Map<string, number>;
  saved: Map<string, number>;
}

const key = (s: State) => JSON.stringify([rule(s), [...s.saved].sort()]);

function rule(s: State): [string, number] {
  if (s.rsp !== null) return ['rsp', s.rsp];
  if (s.rbp !== null) return ['rbp', s.rbp];
  for (const [r, k] of s.copies) return [r, k];
  return ['', 0];
}

const entryState = (): State => ({ rsp: 8, rbp: null, copies: new Map(), saved: new Map() });
const clone = (s: State): State => ({ rsp: s.rsp, rbp: s.rbp, copies: new Map(s.copies), saved: new Map(s.saved) });
const imm = (t: string) => (/^0x[0-9a-f]+$/.test(t) ? parseInt(t, 16) : null);
/** The 64-bit register an operand names, when it is one (eax → rax, r12d → r12). */
function reg64(t: string | undefined): string | null {
  if (!t) return null;
  const m = /^(r(?:[abcd]x|[sd]i|[sb]p)|e(?:[abcd]x|[sd]i|[sb]p)|r\d+[dwb]?|[abcd][lh]|[sd]il|[sb]pl)$/.exec(t);
  if (!m) return null;
  if (/^r\d+/.test(t)) return t.replace(/[dwb]$/, '');
  if (t.startsWith('e')) return 'r' + t.slice(1);
  if (t.length === 2 && /[lh]$/.test(t)) return `r${t[0]}x`;
  if (t.endsWith('l')) return 'r' + t.slice(0, 2);
  return t;
}

/** The state after `i` (null: control does not go on to the next instruction). */
function step(s0: State, i: Insn): State | null {
  const s = clone(s0);
  const [a, b] = i.ops;
  const dst = reg64(a);
  const add = (k: number) => { if (s.rsp !== null) s.rsp += k; };
  switch (i.mnem) {
    case 'push':
      add(8);
      if (dst && CALLEE_SAVED.includes(dst) && !s.saved.has(dst) && s.rsp !== null) s.saved.set(dst, -s.rsp);
      return s;
    case 'pop':
      if (dst && s.saved.get(dst) === -(s.rsp ?? NaN)) s.saved.delete(dst);
      add(-8);
      if (dst === 'rbp') s.rbp = null;
      if (dst) s.copies.delete(dst);
      return s;
    case 'leave':
      s.rsp = s.rbp === null ? null : s.rbp - 8;
      if (s.saved.get('rbp') === -(s.rsp ?? NaN) - 8) s.saved.delete('rbp');
      s.rbp = null;
      return s;
    case 'ret': case 'hlt': case 'ud2': return null;
    case 'call': return i.reloc && NORETURN.has(i.reloc) ? null : s;
    case 'jmp': return null;
  }
  if (dst === 'rsp') {
    const k = imm(b ?? '');
    if (i.mnem === 'sub' && k !== null) add(k);
    else if (i.mnem === 'add' && k !== null) add(-k);
    else if (i.mnem === 'mov' && b === 'rbp') s.rsp = s.rbp;
    else if (i.mnem === 'mov' && b && s.copies.has(b)) s.rsp = s.copies.get(b)!;
    else if (i.mnem === 'lea' && /^\[rbp[+-]0x[0-9a-f]+\]$/.test(b ?? '') && s.rbp !== null) s.rsp = s.rbp - (b![4] === '-' ? -1 : 1) * parseInt(b!.slice(5, -1), 16);
    else s.rsp = null;
    return s;
  }
  if (dst && (dst === 'rbp' || s.copies.has(dst) || CALLEE_SAVED.includes(dst)) && !['cmp', 'test', 'bt'].includes(i.mnem)) {
    const copy = i.mnem === 'mov' && b === 'rsp' ? s.rsp : null;
    if (dst === 'rbp') s.rbp = copy;
    else if (copy !== null) s.copies.set(dst, copy);
    else s.copies.delete(dst);
  }
  if (i.mnem === 'xchg' && b) for (const r of [reg64(b)]) if (r === 'rbp') s.rbp = null;
  return s;
}

function analyse(name: string, insns: Insn[]): { rows: CfiRow[]; problems: string[] } {
  const problems: string[] = [];
  const at = new Map<number, State>();
  const index = new Map(insns.map((x, k) => [x.off, k]));
  const work: [number, State][] = [[0, entryState()]];
  while (work.length) {
    const [off, s] = work.pop()!;
    const prev = at.get(off);
    // rsp restored from memory (a longjmp-style exit) is unknown here: the state it meets is
    // the one it was saved in
    if (prev && (key(prev) === key(s) || rule(s)[0] === '')) continue;
    if (prev && rule(prev)[0] !== '') { problems.push(`${name}+0x${off.toString(16)}: two frame states meet (${key(prev)} / ${key(s)})`); continue; }
    at.set(off, s);
    const k = index.get(off);
    if (k === undefined) { problems.push(`${name}+0x${off.toString(16)}: a branch into an instruction`); continue; }
    const i = insns[k];
    if (i.target !== null && (i.mnem === 'jmp' || i.mnem.startsWith('j') || i.mnem === 'loop')) work.push([i.target, clone(s)]);
    // a call of a local routine: its own frame from there
    if (i.target !== null && i.mnem === 'call') work.push([i.target, entryState()]);
    const next = step(s, i);
    if (next && k + 1 < insns.length) work.push([insns[k + 1].off, next]);
  }
  const rows: CfiRow[] = [];
  let last = '';
  for (const i of insns) {
    const s = at.get(i.off);
    if (!s) {
      if (!['hlt', 'nop', 'int3'].includes(i.mnem)) problems.push(`${name}+0x${i.off.toString(16)}: not reached from the entry`);
      continue;
    }
    const [reg, off] = OUTERMOST.has(name) ? ['', 0] : rule(s);
    const saved = reg ? [...s.saved].sort() : [];
    const row: CfiRow = [i.off, reg, off, saved];
    const k = JSON.stringify(row.slice(1));
    if (k !== last) rows.push(row);
    last = k;
  }
  return { rows, problems };
}

/** objdump's decoding of the object, per text section. */
function disassemble(object: string): Map<string, Insn[]> {
  const out = execFileSync('objdump', ['-d', '-r', '-w', '-M', 'intel', '--no-show-raw-insn', object], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const sections = new Map<string, Insn[]>();
  let cur: Insn[] | null = null;
  for (const line of out.split('\n')) {
    const sec = /^Disassembly of section (\S+):$/.exec(line);
    if (sec) { cur = []; sections.set(sec[1], cur); continue; }
    const m = /^\s*([0-9a-f]+):\t(.*)$/.exec(line);
    if (!m || !cur) continue;
    const [text, ...rest0] = m[2].split('\t');
    // (with -w a relocation follows on the line: "off: R_X86_64_PC32<tab>symbol-0x4")
    const reloc = /R_X86_64_\w+\s+(?:\.text\.)?([\w.$]+?)(?:[-+]0x[0-9a-f]+)?$/.exec(rest0.join('\t'))?.[1] ?? null;
    const body = text.replace(/\s+#.*$/, '').replace(/^(rep[nz]*|lock|bnd|notrack)\s+/, '').trim();
    const [mnem, rest = ''] = body.split(/\s+(.*)/);
    const ops = rest.split(',').map((x) => x.trim().replace(/^(QWORD|DWORD|WORD|BYTE) PTR /, '')).filter(Boolean);
    const t = /^([0-9a-f]+) </.exec(rest);
    cur.push({ off: parseInt(m[1], 16), mnem, ops, target: t && !reloc ? parseInt(t[1], 16) : null, reloc });
  }
  return sections;
}

export function runtimeCfi(object: string): { table: Record<string, CfiRow[]>; problems: string[] } {
  const table: Record<string, CfiRow[]> = {};
  const problems: string[] = [];
  for (const [section, insns] of disassemble(object)) {
    if (!section.startsWith('.text.') || !insns.length) continue;
    const r = analyse(section.slice(6), insns);
    table[section] = r.rows;
    problems.push(...r.problems);
  }
  return { table, problems };
}

if (process.argv[1]?.endsWith('gen-runtime-cfi.js')) {
  const [object, out] = process.argv.slice(2);
  const { table, problems } = runtimeCfi(object);
  for (const p of problems) console.error(`gen-runtime-cfi: ${p}`);
  const text = JSON.stringify(table).replace(/\],"/g, '],\n"') + '\n';
  if (process.argv.includes('--check')) process.exit(fs.readFileSync(out, 'utf8') === text ? 0 : 1);
  fs.writeFileSync(out, text);
  process.exit(problems.length ? 1 : 0);
}
