// A whole program as linker input: every function reachable from the entry and the global
// initialiser, lowered for the 'aot' target, plus `bp_main` (what the runtime's _start calls)
// and the globals area. A function the lowering cannot take yet is reported with the
// construct and its line instead of producing a broken binary.
import fs from 'node:fs';
import { O, instrLength } from '../bytecode/opcodes.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { PROGRAM_MAIN, VTABLES, fnSymbol } from '../native/abi.js';
import { lowerFunction } from '../native/lower.js';
import type { MachineFunction, Unsupported } from '../native/machine.js';
import { Assembler, eax, rbp, rsp, sym } from '../x64/index.js';
import { InputSection, LinkedImage, codeSection, dataSection, link, readObject, sectionsOfObject } from '../elf/index.js';
import { RUNTIME_OBJECT } from '../native/runtime-object.js';

/** Indices of the functions a run can reach: from the initialiser and the entry, through calls. */
export function reachableFunctions(mod: BytecodeModule): number[] {
  const seen = new Set<number>();
  const work = [mod.init, mod.entry].filter((i) => i >= 0);
  while (work.length) {
    const i = work.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const code = mod.functions[i].code;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      if (code[pc] === O.call || code[pc] === O.funcref || code[pc] === O.closure) work.push(code[pc + 2]);
      // A class instantiated can have any of its methods called through its vtable.
      if (code[pc] === O.newobj) work.push(...mod.classes[code[pc + 2]].vtable);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

export interface NotLowered extends Unsupported {
  file: string;
  fn: string;
}

export type ProgramResult = { ok: true; image: LinkedImage; functions: MachineFunction[] } | { ok: false; problems: NotLowered[] };

/** Lowers and links `mod` with the runtime object. */
export function buildProgram(mod: BytecodeModule, runtime: Uint8Array = fs.readFileSync(RUNTIME_OBJECT)): ProgramResult {
  const functions: MachineFunction[] = [];
  const problems: NotLowered[] = [];
  for (const i of reachableFunctions(mod)) {
    const r = lowerFunction(mod, i, { target: 'aot' });
    if (r.ok) functions.push(r.mf);
    else problems.push({ ...r.why, file: mod.files[mod.functions[i].file], fn: mod.functions[i].name });
  }
  if (problems.length) return { ok: false, problems };
  const sections = functions.map((mf) => codeSection(mf.symbol, mf.code, mf.relocs, 'program'));
  // The globals, and their number for the collector, which scans them for references.
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(mod.globals.length), true);
  sections.push(handlerTable(functions), structLayouts(mod), vtables(mod, new Set(functions.map((f) => f.symbol))), mainSection(mod),
    dataSection('bp_globals', { size: Math.max(8, 8 * mod.globals.length) }, 'program'), dataSection('bp_globals_count', count, 'program'));
  const image = link([...sectionsOfObject(readObject('runtime.o', runtime)), ...sections]);
  return { ok: true, image, functions };
}

/**
 * bp_handlers: the exception handlers of every function, 32 bytes each — protected start and end
 * address, handler entry, rsp's offset from rbp — that bp_rt_throw searches frame by frame;
 * bp_handlers_count: how many. Within a function, innermost handlers come first.
 */
function handlerTable(functions: MachineFunction[]): InputSection {
  const rows = functions.flatMap((mf) => mf.handlers.map((h) => ({ mf, h })));
  const data = new Uint8Array(8 + 32 * rows.length);
  const view = new DataView(data.buffer);
  view.setBigUint64(0, BigInt(rows.length), true);
  const relocs: InputSection['relocs'] = [];
  rows.forEach(({ mf, h }, i) => {
    const at = 8 + 32 * i;
    [h.start, h.end, h.entry].forEach((off, k) => relocs.push({ offset: at + 8 * k, type: 'R_X86_64_64', target: { symbol: mf.symbol }, addend: off }));
    view.setBigInt64(at + 24, BigInt(h.rspOffset), true);
  });
  const section = dataSection('bp_handlers_count', data, 'program', relocs);
  section.symbols[0].size = 8;
  section.symbols.push({ name: 'bp_handlers', offset: 8, size: 32 * rows.length, type: 'object', global: true });
  return section;
}

/**
 * bp_struct_layouts: the number of structs, then per struct and per class index a pointer to
 * {name, field count, (field name, field type descriptor)…}, with the strings NUL-terminated
 * after the records — what printing a struct or an object needs.
 */
function structLayouts(mod: BytecodeModule): InputSection {
  const SYM = 'bp_struct_layouts';
  const strings: string[] = [];
  let textSize = 0;
  const text = (s: string): { at: number } => { const at = textSize; strings.push(s); textSize += Buffer.byteLength(s, 'latin1') + 1; return { at }; };
  const recordStart: number[] = [];
  // Structs first, then classes (the printer adds the struct count for a "C<n>;" descriptor).
  const layouts = [...mod.structs, ...mod.classes];
  const recordWords = layouts.map((l) => [text(l.name), BigInt(l.fields.length), ...l.fields.flatMap((f) => [text(f.name), text(f.type)])]);
  let offset = 8 * (layouts.length + 1);
  for (const r of recordWords) { recordStart.push(offset); offset += 8 * r.length; }
  const textBase = offset;
  const data = new Uint8Array(textBase + textSize);
  const view = new DataView(data.buffer);
  const relocs: InputSection['relocs'] = [];
  const ptr = (at: number, target: number) => relocs.push({ offset: at, type: 'R_X86_64_64', target: { symbol: SYM }, addend: target });
  view.setBigUint64(0, BigInt(mod.structs.length), true);
  recordStart.forEach((start, i) => ptr(8 * (i + 1), start));
  recordWords.forEach((r, i) => r.forEach((w, k) => {
    const at = recordStart[i] + 8 * k;
    if (typeof w === 'bigint') view.setBigUint64(at, w, true);
    else ptr(at, textBase + w.at);
  }));
  data.set(Buffer.from(strings.map((s) => s + '\0').join(''), 'latin1'), textBase);
  return dataSection(SYM, data, 'program', relocs);
}

/** bp_vtables: per class, a pointer to its methods by slot (null for classes never created). */
function vtables(mod: BytecodeModule, lowered: Set<string>): InputSection {
  const live = mod.classes.map((c) => c.vtable.every((f) => lowered.has(fnSymbol(mod.functions[f].name))));
  const rows = mod.classes.map((c, i) => (live[i] ? c.vtable : []));
  let at = 8 * mod.classes.length;
  const starts = rows.map((r) => { const s0 = at; at += 8 * r.length; return s0; });
  const data = new Uint8Array(at);
  const relocs: InputSection['relocs'] = [];
  rows.forEach((r, i) => {
    if (!r.length) return;
    relocs.push({ offset: 8 * i, type: 'R_X86_64_64', target: { symbol: VTABLES }, addend: starts[i] });
    r.forEach((f, k) => relocs.push({ offset: starts[i] + 8 * k, type: 'R_X86_64_64', target: { symbol: fnSymbol(mod.functions[f].name) }, addend: 0 }));
  });
  return dataSection(VTABLES, data, 'program', relocs);
}

/** bp_main: runs the global initialiser, then the entry; returns the entry's int (or 0). */
function mainSection(mod: BytecodeModule): InputSection {
  const a = new Assembler();
  a.push(rbp);
  a.mov(rbp, rsp);
  if (mod.init >= 0) a.call(sym(fnSymbol(mod.functions[mod.init].name)));
  if (mod.entry >= 0) a.call(sym(fnSymbol(mod.functions[mod.entry].name)));
  if (mod.entry < 0 || mod.functions[mod.entry].ret !== 'i') a.xor(eax, eax);
  a.pop(rbp);
  a.ret();
  const mc = a.finish();
  return codeSection(PROGRAM_MAIN, mc.bytes, mc.relocs, 'program');
}
