// What an ELF file bpjit wrote says about itself, as elfy reads it: an independent reader, so
// the writer is not checked with bpjit's own (src/elf) reader. elfy decodes the headers and
// sections; the symbol table's entries (24 bytes each) are decoded here.
import fs from 'node:fs';
import elfy from 'elfy';

export interface ElfSummary {
  type: string;
  machine: string;
  /** Program headers: type and permissions ('R', 'RX', 'RW'). */
  segments: { type: string; perms: string }[];
  sections: string[];
  /** Global function symbols, by name. */
  functions: string[];
}

export function readElf(file: string): ElfSummary {
  const elf = elfy.parse(fs.readFileSync(file));
  const { programs, sections } = elf.body;
  const perms = (f: Record<string, boolean>) => (f.r ? 'R' : '') + (f.w ? 'W' : '') + (f.x ? 'X' : '');
  const symtab = sections.find((s) => s.type === 'symtab');
  const functions: string[] = [];
  if (symtab) {
    const names = sections[symtab.link].data;
    for (let at = 0; at + 24 <= symtab.data.length; at += 24) {
      const info = symtab.data[at + 4];
      if ((info & 0xf) !== 2 || info >> 4 !== 1) continue; // STT_FUNC, STB_GLOBAL
      const start = symtab.data.readUInt32LE(at);
      functions.push(names.subarray(start, names.indexOf(0, start)).toString('latin1'));
    }
  }
  return { type: elf.type, machine: elf.machine, segments: programs.map((p) => ({ type: p.type, perms: perms(p.flags) })), sections: sections.map((s) => s.name), functions };
}

/** The bytes of section `name` of an ELF file. */
export function sectionData(file: string, name: string): Buffer {
  const s = elfy.parse(fs.readFileSync(file)).body.sections.find((x) => x.name === name);
  if (!s) throw new Error(`no ${name} section in ${file}`);
  return s.data;
}
