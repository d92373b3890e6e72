// bp_line_table: what a built executable's runtime needs to print a traceback (see
// runtime-asm/traceback.asm) — per function, in address order, its code and constants ranges,
// name, file and line rows (native offset → line), every address relative to the field that
// holds it so the table needs no relocation at load (a position-independent executable too).
// Code inlined from other functions (bytecode/inline.ts) has rows whose line is a chain of
// frames instead (INLINE_CHAIN | the chain's offset in the table: a count, then per frame its
// function's record number and line, innermost first), and so have the "file:line" strings of
// its runtime errors (the record's loc rows: offset in the constants, chain).
import type { BytecodeModule } from '../bytecode/module.js';
import type { InputSection } from '../elf/index.js';
import type { InlineFrame, MachineFunction } from '../native/machine.js';

/**
 * A function's record: dwords, the addresses relative to the field holding them; `size` bytes
 * (runtime-asm/traceback.asm reads it through layout.inc).
 */
export const LINE_RECORD = { code: 0, codeSize: 4, rodata: 8, rodataSize: 12, name: 16, file: 20, rows: 24, nrows: 28, locs: 32, nlocs: 36, size: 40 } as const;

/** A row's line with this bit is a chain of inline frames. */
export const INLINE_CHAIN = 0x80000000;

export interface PlacedFunction {
  mf: MachineFunction;
  text: InputSection;
  rodata?: InputSection;
}

/** The table for `functions`, given in the order the linker places their code. */
export function lineTableSection(mod: BytecodeModule, functions: PlacedFunction[]): InputSection {
  const fileOf = new Map(mod.functions.map((f) => [f.name, mod.files[f.file]]));
  const rowsStart = 8 + LINE_RECORD.size * functions.length;
  const rowsSize = functions.reduce((n, f) => n + 8 * (f.mf.lines.length + (f.mf.locs?.length ?? 0)), 0);
  // the chains of inline frames, each once
  const recordOf = new Map(functions.map((f, i) => [f.mf.name, i]));
  const chains = new Map<string, number[]>();
  let chainsSize = 0;
  const chain = (frames: InlineFrame[]): number => {
    const words = [frames.length, ...frames.flatMap((f) => [recordOf.get(mod.functions[f.fn].name) ?? 0, f.line])];
    const key = words.join();
    if (!chains.has(key)) { chains.set(key, [rowsStart + rowsSize + chainsSize, ...words]); chainsSize += 4 * words.length; }
    return (INLINE_CHAIN | chains.get(key)![0]) >>> 0;
  };
  const rowLine = (r: { line: number; frames?: InlineFrame[] }) => (r.frames ? chain(r.frames) : r.line);
  const rowLines = functions.map((f) => f.mf.lines.map(rowLine));
  const locLines = functions.map((f) => (f.mf.locs ?? []).map((l) => chain(l.frames)));
  const strings = new Map<string, number>();
  let stringsSize = 0;
  const text = (s: string) => {
    let at = strings.get(s);
    if (at === undefined) { at = rowsStart + rowsSize + chainsSize + stringsSize; strings.set(s, at); stringsSize += Buffer.byteLength(s, 'latin1') + 1; }
    return at;
  };
  const names = functions.map((f) => [text(f.mf.name), text(fileOf.get(f.mf.name) ?? '?')]);
  const data = new Uint8Array(rowsStart + rowsSize + chainsSize + stringsSize);
  const v = new DataView(data.buffer);
  const section: InputSection = {
    name: '.rodata.bp_line_table', kind: 'rodata', align: 8, data, size: data.length, relocs: [], origin: 'program',
    symbols: [{ name: 'bp_line_table', offset: 0, size: data.length, type: 'object', global: true }],
  };
  const rel = (offset: number, target: InputSection, at: number) => section.relocs.push({ offset, type: 'R_X86_64_PC32', target: { section: target, offset: at }, addend: 0 });
  v.setBigUint64(0, BigInt(functions.length), true);
  let row = rowsStart;
  functions.forEach((f, i) => {
    const r = 8 + LINE_RECORD.size * i;
    rel(r + LINE_RECORD.code, f.text, 0);
    v.setUint32(r + LINE_RECORD.codeSize, f.text.size, true);
    if (f.rodata) { rel(r + LINE_RECORD.rodata, f.rodata, 0); v.setUint32(r + LINE_RECORD.rodataSize, f.rodata.size, true); }
    rel(r + LINE_RECORD.name, section, names[i][0]);
    rel(r + LINE_RECORD.file, section, names[i][1]);
    rel(r + LINE_RECORD.rows, section, row);
    v.setUint32(r + LINE_RECORD.nrows, f.mf.lines.length, true);
    f.mf.lines.forEach((l, k) => { v.setUint32(row, l.offset, true); v.setUint32(row + 4, rowLines[i][k], true); row += 8; });
    rel(r + LINE_RECORD.locs, section, row);
    v.setUint32(r + LINE_RECORD.nlocs, locLines[i].length, true);
    // (offsets in the constants, which the linker places apart from the code)
    (f.mf.locs ?? []).forEach((l, k) => { v.setUint32(row, l.offset - (f.mf.rodata?.start ?? 0), true); v.setUint32(row + 4, locLines[i][k], true); row += 8; });
  });
  for (const [at, ...words] of chains.values()) words.forEach((w, k) => v.setUint32(at + 4 * k, w, true));
  for (const [s, at] of strings) data.set(Buffer.from(s + '\0', 'latin1'), at);
  return section;
}
