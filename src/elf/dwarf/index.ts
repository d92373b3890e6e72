// Debugging information for a linked executable (`bpjit build -g`): DWARF 5 line table, compile
// unit with functions, variables and types, location lists, and call frame information for the
// program's functions and the runtime's — as sections appended to the file (see append.ts).
import fs from 'node:fs';
import type { BytecodeModule } from '../../bytecode/module.js';
import type { FrameDebug } from '../../native/frame-debug.js';
import type { MachineFunction } from '../../native/machine.js';
import type { ExtraSection } from '../append.js';
import type { InputSection, LinkedImage } from '../link.js';
import { debugFrame, rowsOfFrame, type CfiRow, type FrameEntry } from './frame.js';
import { debugInfo } from './info.js';
import { debugLine } from './line.js';

export interface DebugInput {
  mod: BytecodeModule;
  image: LinkedImage;
  /** The compiled functions (lowered with `debug`) and their code sections. */
  functions: { mf: MachineFunction; text: InputSection }[];
  /** Other code with frame states (bp_main). */
  code: { section: InputSection; cfi: FrameDebug['cfi'] }[];
  /** runtime-asm/runtime.cfi.json: rows by section name. */
  runtimeCfi: Record<string, CfiRow[]>;
  compDir: string;
  producer: string;
}

/** The runtime's call frame table beside its object. */
export function readRuntimeCfi(runtimeObject: string): Record<string, CfiRow[]> {
  return JSON.parse(fs.readFileSync(runtimeObject.replace(/\.o$/, '.cfi.json'), 'utf8')) as Record<string, CfiRow[]>;
}

export function debugSections(d: DebugInput): ExtraSection[] {
  const addr = new Map(d.image.placed.map((p) => [p.section, p.addr]));
  const byName = new Map(d.mod.functions.map((f) => [f.name, f]));
  const entryFile = d.mod.entry >= 0 ? d.mod.functions[d.mod.entry].file : 0;
  // the line table's file 0 is the unit's own: the entry's file; then every file by module index
  const files = [d.mod.files[entryFile], ...d.mod.files];
  const functions = d.functions.map(({ mf, text }) => {
    const fn = byName.get(mf.name)!;
    return { fn, mf: mf as MachineFunction & { frame: FrameDebug }, addr: addr.get(text)!, size: text.size, file: fn.file + 1, main: d.mod.functions[d.mod.entry] === fn };
  });
  const sequences = functions.map((f) => ({
    addr: f.addr, size: f.size, file: f.file,
    rows: f.mf.lines.map((r, i) => ({ offset: r.offset, line: r.line, stmt: r.offset < f.mf.frame.bodyEnd, prologueEnd: i === 1 })),
  }));
  const info = debugInfo({ mod: d.mod, producer: d.producer, compDir: d.compDir, name: files[0], functions });
  const frames: FrameEntry[] = [
    ...functions.map((f) => ({ addr: f.addr, size: f.size, rows: rowsOfFrame(f.mf.frame.cfi, f.mf.frame.saved) })),
    ...d.code.map((c) => ({ addr: addr.get(c.section)!, size: c.section.size, rows: rowsOfFrame(c.cfi) })),
    ...d.image.placed.filter((p) => p.section.kind === 'text' && d.runtimeCfi[p.section.name] && p.section.origin === 'runtime.o')
      .map((p) => ({ addr: p.addr, size: p.section.size, rows: d.runtimeCfi[p.section.name] })),
  ];
  return [
    { name: '.debug_abbrev', data: info.abbrev },
    { name: '.debug_info', data: info.info },
    { name: '.debug_str', data: info.str, align: 1 },
    { name: '.debug_line', data: debugLine(d.compDir, files, sequences) },
    ...(info.loclists ? [{ name: '.debug_loclists', data: info.loclists }] : []),
    { name: '.debug_frame', data: debugFrame(frames), align: 8 },
  ];
}
