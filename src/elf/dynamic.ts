// What makes an executable dynamically linked, as linker input: the interpreter's path
// (PT_INTERP), the dynamic section (PT_DYNAMIC) with a DT_NEEDED per library, the dynamic
// symbol and string tables with a SysV hash table, and a GOT: one 8-byte slot per imported
// function that the dynamic loader fills through an R_X86_64_GLOB_DAT relocation before the
// program's _start runs (DT_BIND_NOW: everything is bound at load time). Imports are weak, so
// a symbol missing from its library leaves its slot 0 instead of stopping the loader: the
// program then reports it itself, naming the declaration. The tables' addresses are written by
// the static linker through ordinary relocations against the sections' own symbols, so this
// file decides contents only and link.ts lays everything out.
import type { InputSection, LinkOptions } from './link.js';

export const DYNAMIC_LINKER = '/lib64/ld-linux-x86-64.so.2';

export interface DynamicImport {
  /** The C symbol the dynamic loader looks up. */
  symbol: string;
  /** The linker symbol of its slot (what the code reads the address from). */
  slot: string;
}

const SHT = { PROGBITS: 1, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, DYNSYM: 11 } as const;
const DT = {
  NULL: 0, NEEDED: 1, HASH: 4, STRTAB: 5, SYMTAB: 6, RELA: 7, RELASZ: 8, RELAENT: 9, STRSZ: 10, SYMENT: 11, DEBUG: 21,
  FLAGS: 30, FLAGS_1: 0x6ffffffb,
} as const;
const DF_BIND_NOW = 8, DF_1_NOW = 1;
const R_X86_64_GLOB_DAT = 6n;
const STB_WEAK = 2, STT_FUNC = 2;

type Reloc = InputSection['relocs'][number];
const abs = (offset: number, symbol: string): Reloc => ({ offset, type: 'R_X86_64_64', target: { symbol }, addend: 0 });

function section(name: string, kind: 'rodata' | 'data', data: Uint8Array, header: InputSection['header'], relocs: Reloc[] = [], align = 8): InputSection {
  const symbol = `bp_dyn${name.replace(/\./g, '_')}`;
  return {
    name, kind, align, data, size: data.length, relocs, origin: 'dynamic linking', header,
    symbols: [{ name: symbol, offset: 0, size: data.length, type: 'object', global: true }],
  };
}
const symbolOf = (s: InputSection) => s.symbols[0].name;

/**
 * The sections of a program that needs `libraries` (paths or sonames, in DT_NEEDED order) and
 * imports `imports`, and the link options that keep them and give them their program headers.
 */
export function dynamicLinking(libraries: string[], imports: DynamicImport[]): { sections: InputSection[]; options: LinkOptions } {
  // .dynstr: the libraries, then the symbols
  const strings: string[] = [];
  let strSize = 1;
  const str = (s: string) => { const at = strSize; strings.push(s); strSize += Buffer.byteLength(s, 'latin1') + 1; return at; };
  const needed = libraries.map(str);
  const names = imports.map((i) => str(i.symbol));
  const dynstr = section('.dynstr', 'rodata', Buffer.from(`\0${strings.map((s) => `${s}\0`).join('')}`, 'latin1'), { name: '.dynstr', type: SHT.STRTAB }, [], 1);

  // .dynsym: the null symbol, then one undefined weak function per import
  const symtab = new Uint8Array(24 * (imports.length + 1));
  const sv = new DataView(symtab.buffer);
  names.forEach((name, i) => {
    sv.setUint32(24 * (i + 1), name, true);
    sv.setUint8(24 * (i + 1) + 4, (STB_WEAK << 4) | STT_FUNC);
  });
  const dynsym = section('.dynsym', 'rodata', symtab, { name: '.dynsym', type: SHT.DYNSYM, entsize: 24, link: '.dynstr', info: 1 });

  // .hash: one bucket chaining every symbol (lookups into an executable that defines nothing)
  const n = imports.length + 1;
  const hash = new Uint32Array(2 + 1 + n);
  hash[0] = 1;
  hash[1] = n;
  hash[2] = n > 1 ? 1 : 0;
  for (let i = 1; i < n - 1; i++) hash[3 + i] = i + 1;
  const hashSection = section('.hash', 'rodata', new Uint8Array(hash.buffer), { name: '.hash', type: SHT.HASH, entsize: 4, link: '.dynsym' });

  // .got: the slots; .rela.dyn: a GLOB_DAT per slot (r_offset is the slot's address)
  const got: InputSection = {
    name: '.got', kind: 'data', align: 8, data: new Uint8Array(8 * imports.length), size: 8 * imports.length, relocs: [], origin: 'dynamic linking',
    header: { name: '.got', type: SHT.PROGBITS, entsize: 8 },
    symbols: imports.map((i, k) => ({ name: i.slot, offset: 8 * k, size: 8, type: 'object' as const, global: true })),
  };
  const rela = new Uint8Array(24 * imports.length);
  const rv = new DataView(rela.buffer);
  imports.forEach((_, k) => rv.setBigUint64(24 * k + 8, (BigInt(k + 1) << 32n) | R_X86_64_GLOB_DAT, true));
  const relaSection = section('.rela.dyn', 'rodata', rela, { name: '.rela.dyn', type: SHT.RELA, entsize: 24, link: '.dynsym' },
    imports.map((i, k) => abs(24 * k, i.slot)));

  const interp = section('.interp', 'rodata', Buffer.from(`${DYNAMIC_LINKER}\0`, 'latin1'), { name: '.interp', type: SHT.PROGBITS }, [], 1);

  // .dynamic: (tag, value) pairs; addresses by relocation
  const entries: [number, number | string][] = [
    ...needed.map((at): [number, number] => [DT.NEEDED, at]),
    [DT.HASH, symbolOf(hashSection)], [DT.STRTAB, symbolOf(dynstr)], [DT.SYMTAB, symbolOf(dynsym)],
    [DT.STRSZ, strSize], [DT.SYMENT, 24],
    [DT.RELA, symbolOf(relaSection)], [DT.RELASZ, rela.length], [DT.RELAENT, 24],
    [DT.DEBUG, 0], [DT.FLAGS, DF_BIND_NOW], [DT.FLAGS_1, DF_1_NOW], [DT.NULL, 0],
  ];
  const dyn = new Uint8Array(16 * entries.length);
  const dv = new DataView(dyn.buffer);
  const dynRelocs: Reloc[] = [];
  entries.forEach(([tag, value], i) => {
    dv.setBigUint64(16 * i, BigInt(tag), true);
    if (typeof value === 'string') dynRelocs.push(abs(16 * i + 8, value));
    else dv.setBigUint64(16 * i + 8, BigInt(value), true);
  });
  const dynamic = section('.dynamic', 'data', dyn, { name: '.dynamic', type: SHT.DYNAMIC, entsize: 16, link: '.dynstr' }, dynRelocs);

  const sections = [interp, dynsym, dynstr, hashSection, relaSection, dynamic, got];
  return {
    sections,
    options: {
      roots: sections,
      segments: [{ type: 3, section: interp, flags: 4, align: 1 }, { type: 2, section: dynamic, flags: 6, align: 8 }],
    },
  };
}
