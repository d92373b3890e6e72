// The whole-program data native code needs beside its functions — the globals, the exception
// handler table, the struct layouts the printer reads, the vtables, and `bp_main` — as blobs:
// bytes with relocations against symbols, defining one symbol (and maybe more inside). The
// linker turns them into sections of an executable (src/driver/build.ts); the in-process tier
// places them in its address space (src/loader/program.ts). Both get the same bytes.
import { SYSV_ADAPTER_BYTES } from '../bytecode/limits.js';
import { calledExterns, externWhere, type BytecodeModule } from '../bytecode/module.js';
import { Assembler, eax, edi, qword, rbp, rdx, rip, rsi, rsp, sym, type Reloc } from '../x64/index.js';
import { ERR, PROGRAM_MAIN, RT, VTABLES, externSlot, fnSymbol } from './abi.js';
import { STATIC_STR_HEADER, STR } from './heap.js';
import type { MachineFunction } from './machine.js';
import { FrameMarks, type CfiState } from './frame-debug.js';

export interface Blob {
  symbol: string;
  kind: 'text' | 'rodata' | 'bss';
  bytes: Uint8Array;
  size: number;
  relocs: Reloc[];
  /** More symbols inside the blob (offset 0 resizes the main one). */
  symbols?: { name: string; offset: number; size: number }[];
  /** Code: the states of its frame by offset, for debuggers (see frame-debug.ts). */
  cfi?: { offset: number; state: CfiState }[];
}

const rodata = (symbol: string, bytes: Uint8Array, relocs: Reloc[] = []): Blob => ({ symbol, kind: 'rodata', bytes, size: bytes.length, relocs });
const abs = (offset: number, symbol: string, addend: number): Reloc => ({ offset, type: 'R_X86_64_64', symbol, addend });

/**
 * A row of bp_handlers: the protected code [start, end) and the handler's entry (addresses),
 * rsp's offset from rbp in the function's body; `size` bytes (runtime-asm/except.asm reads
 * it through layout.inc).
 */
export const HANDLER_ROW = { start: 0, end: 8, entry: 16, rspOffset: 24, size: 32 } as const;

/** bp_globals (8 bytes per global, scanned by the collector) and bp_globals_count. */
export function globalsArea(mod: BytecodeModule): Blob[] {
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(mod.globals.length), true);
  const size = Math.max(8, 8 * mod.globals.length);
  return [{ symbol: 'bp_globals', kind: 'bss', bytes: new Uint8Array(0), size, relocs: [] }, rodata('bp_globals_count', count)];
}

/**
 * bp_handlers_count, then bp_handlers: the exception handlers of every function, a HANDLER_ROW
 * each, that bp_rt_throw searches frame by frame. Within a function, innermost first.
 */
export function handlerTable(functions: MachineFunction[]): Blob {
  const rows = functions.flatMap((mf) => mf.handlers.map((h) => ({ mf, h })));
  const data = new Uint8Array(8 + HANDLER_ROW.size * rows.length);
  const view = new DataView(data.buffer);
  view.setBigUint64(0, BigInt(rows.length), true);
  const relocs: Reloc[] = [];
  rows.forEach(({ mf, h }, i) => {
    const at = 8 + HANDLER_ROW.size * i;
    relocs.push(abs(at + HANDLER_ROW.start, mf.symbol, h.start), abs(at + HANDLER_ROW.end, mf.symbol, h.end), abs(at + HANDLER_ROW.entry, mf.symbol, h.entry));
    view.setBigInt64(at + HANDLER_ROW.rspOffset, BigInt(h.rspOffset), true);
  });
  return { ...rodata('bp_handlers_count', data, relocs), symbols: [{ name: 'bp_handlers_count', offset: 0, size: 8 }, { name: 'bp_handlers', offset: 8, size: HANDLER_ROW.size * rows.length }] };
}

/**
 * bp_struct_layouts: the number of structs, then per struct and per class index a pointer to
 * {name, field count, (field name, field type descriptor)…}, with the strings NUL-terminated
 * after the records — what printing a struct or an object needs.
 */
export function structLayouts(mod: BytecodeModule): Blob {
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
  const relocs: Reloc[] = [];
  view.setBigUint64(0, BigInt(mod.structs.length), true);
  recordStart.forEach((start, i) => relocs.push(abs(8 * (i + 1), SYM, start)));
  recordWords.forEach((r, i) => r.forEach((w, k) => {
    const at = recordStart[i] + 8 * k;
    if (typeof w === 'bigint') view.setBigUint64(at, w, true);
    else relocs.push(abs(at, SYM, textBase + w.at));
  }));
  data.set(Buffer.from(strings.map((s) => s + '\0').join(''), 'latin1'), textBase);
  return rodata(SYM, data, relocs);
}

/** bp_vtables: per class, a pointer to its methods by slot (null for classes never created). */
export function vtables(mod: BytecodeModule, lowered: Set<string>): Blob {
  const live = mod.classes.map((c) => c.vtable.every((f) => lowered.has(fnSymbol(mod.functions[f].name))));
  const rows = mod.classes.map((c, i) => (live[i] ? c.vtable : []));
  let at = 8 * mod.classes.length;
  const starts = rows.map((r) => { const s0 = at; at += 8 * r.length; return s0; });
  const relocs: Reloc[] = [];
  rows.forEach((r, i) => {
    if (!r.length) return;
    relocs.push(abs(8 * i, VTABLES, starts[i]));
    r.forEach((f, k) => relocs.push(abs(starts[i] + 8 * k, fnSymbol(mod.functions[f].name), 0)));
  });
  return rodata(VTABLES, new Uint8Array(Math.max(8, at)), relocs);
}

/**
 * bp_main: runs the global initialiser, then the entry; returns the entry's int or bool (or 0).
 * First, a slot of an extern the program calls that is still 0 is its symbol missing from its
 * library (executables import them weakly): the FFI error at the declaration, before anything
 * runs. The error texts are static string objects in a read-only blob of their own,
 * bp_extern_errors.
 */
export function mainFunction(mod: BytecodeModule, executable: boolean): Blob[] {
  const a = new Assembler();
  const marks = new FrameMarks(a);
  marks.state('entry');
  a.push(rbp);
  marks.state('pushed');
  a.mov(rbp, rsp);
  marks.state('framed');
  // (the stack the in-process tier's System V adapter takes: the same recursion depth everywhere)
  if (executable) a.sub(rsp, SYSV_ADAPTER_BYTES);
  const texts: string[] = [];
  const missing = calledExterns(mod).map((i) => {
    const l = a.newLabel();
    a.cmp(qword(rip(sym(externSlot(i)))), 0);
    a.je(l);
    texts.push(externWhere(mod, i), `symbol '${mod.externs[i].symbol}' not found in '${mod.externs[i].lib}'`);
    return l;
  });
  if (mod.init >= 0) a.call(sym(fnSymbol(mod.functions[mod.init].name)));
  if (mod.entry >= 0) a.call(sym(fnSymbol(mod.functions[mod.entry].name)));
  // The exit status: main's int, its bool (true is 1, as in the VM and the reference), else 0.
  if (mod.entry < 0 || !['i', 'b'].includes(mod.functions[mod.entry].ret)) a.xor(eax, eax);
  if (executable) a.add(rsp, SYSV_ADAPTER_BYTES);
  a.pop(rbp);
  marks.state('entry');
  a.ret();
  const { bytes, offsets } = staticStrings(texts);
  if (missing.length) marks.state('framed');
  missing.forEach((l, k) => {
    a.bind(l);
    a.mov(edi, ERR.FFI);
    a.lea(rsi, qword(rip(sym(EXTERN_ERRORS, offsets[2 * k]))));
    a.lea(rdx, qword(rip(sym(EXTERN_ERRORS, offsets[2 * k + 1]))));
    a.call(sym(RT.error));
  });
  const mc = a.finish();
  return [{ symbol: PROGRAM_MAIN, kind: 'text', bytes: mc.bytes, size: mc.bytes.length, relocs: mc.relocs, cfi: marks.states(mc) }, rodata(EXTERN_ERRORS, bytes)];
}

const EXTERN_ERRORS = 'bp_extern_errors';

/** Static string objects (header, length, bytes, NUL), 8-byte aligned, one after another. */
function staticStrings(texts: string[]): { bytes: Uint8Array; offsets: number[] } {
  const offsets: number[] = [];
  const parts: Buffer[] = [];
  let at = 0;
  for (const t of texts) {
    const body = Buffer.from(`${t}\0`, 'latin1');
    const obj = Buffer.alloc(STR.data + Math.ceil(body.length / 8) * 8);
    obj.writeBigUInt64LE(STATIC_STR_HEADER, 0);
    obj.writeBigUInt64LE(BigInt(body.length - 1), STR.len);
    body.copy(obj, STR.data);
    offsets.push(at);
    parts.push(obj);
    at += obj.length;
  }
  return { bytes: new Uint8Array(Buffer.concat([...parts, Buffer.alloc(8)])), offsets };
}
