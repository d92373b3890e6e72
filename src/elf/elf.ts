// ELF64 little-endian x86-64: the constants bpjit needs and a reader for relocatable objects
// (what nasm -f elf64 writes). Sections, symbols and RELA relocations are decoded from their
// bytes; a malformed object is an ElfError naming what is wrong, never an out-of-range read.

export const SHT = { NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, NOBITS: 8 } as const;
export const SHF = { WRITE: 1, ALLOC: 2, EXEC: 4 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1 } as const;
export const SHN_UNDEF = 0, SHN_ABS = 0xfff1;

/** x86-64 relocation types by name (those nasm emits and the lowering produces). */
export const R_X86_64: Record<string, number> = {
  R_X86_64_64: 1, R_X86_64_PC32: 2, R_X86_64_PLT32: 4, R_X86_64_32: 10, R_X86_64_32S: 11,
};
const R_NAME = new Map(Object.entries(R_X86_64).map(([k, v]) => [v, k]));

export class ElfError extends Error {}

export interface ObjSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  align: number;
  /** Contents (empty for NOBITS). */
  data: Uint8Array;
  size: number;
  relocs: ObjReloc[];
}

export interface ObjSymbol {
  name: string;
  type: number;
  bind: number;
  /** Section index, SHN_UNDEF or SHN_ABS. */
  shndx: number;
  value: number;
  size: number;
}

export interface ObjReloc {
  offset: number;
  type: string;
  /** Index into the object's symbols. */
  sym: number;
  addend: number;
}

export interface ObjectFile {
  name: string;
  sections: ObjSection[];
  symbols: ObjSymbol[];
}

/** Decodes an ELF64 x86-64 relocatable object. */
export function readObject(name: string, bytes: Uint8Array): ObjectFile {
  const fail = (what: string): never => { throw new ElfError(`${name}: ${what}`); };
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) fail('not an ELF file');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[4] !== 2 || bytes[5] !== 1) fail('not ELF64 little-endian');
  if (v.getUint16(16, true) !== 1) fail('not a relocatable object (ET_REL)');
  if (v.getUint16(18, true) !== 62) fail('not x86-64');
  const num = (off: number) => {
    if (off + 8 > bytes.length) fail('truncated');
    const n = v.getBigUint64(off, true);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) fail('offset out of range');
    return Number(n);
  };
  const shoff = num(40), shentsize = v.getUint16(58, true), shnum = v.getUint16(60, true), shstrndx = v.getUint16(62, true);
  if (shentsize !== 64 || shoff + shnum * 64 > bytes.length) fail('bad section header table');
  const slice = (off: number, len: number) => {
    if (off + len > bytes.length) fail('section data out of the file');
    return bytes.subarray(off, off + len);
  };
  const raw = Array.from({ length: shnum }, (_, i) => {
    const h = shoff + i * 64;
    return {
      nameOff: v.getUint32(h, true), type: v.getUint32(h + 4, true), flags: num(h + 8), offset: num(h + 24),
      size: num(h + 32), link: v.getUint32(h + 40, true), info: v.getUint32(h + 44, true), align: num(h + 48),
    };
  });
  const cstr = (tab: Uint8Array, off: number) => {
    let e = off;
    while (e < tab.length && tab[e] !== 0) e++;
    if (e >= tab.length) fail('string table entry out of range');
    return Buffer.from(tab.subarray(off, e)).toString('latin1');
  };
  if (shstrndx >= shnum) fail('bad section name table index');
  const shstr = slice(raw[shstrndx].offset, raw[shstrndx].size);
  const sections: ObjSection[] = raw.map((r, index) => ({
    index, name: cstr(shstr, r.nameOff), type: r.type, flags: r.flags, align: Math.max(1, r.align),
    data: r.type === SHT.NOBITS || r.type === SHT.NULL ? new Uint8Array(0) : slice(r.offset, r.size), size: r.size, relocs: [],
  }));
  const symtab = raw.findIndex((r) => r.type === SHT.SYMTAB);
  const symbols: ObjSymbol[] = [];
  if (symtab >= 0) {
    const s = raw[symtab];
    if (s.link >= shnum) fail('bad symbol string table');
    const strtab = slice(raw[s.link].offset, raw[s.link].size);
    for (let off = s.offset; off + 24 <= s.offset + s.size; off += 24) {
      slice(off, 24);
      const info = bytes[off + 4];
      symbols.push({ name: cstr(strtab, v.getUint32(off, true)), type: info & 15, bind: info >> 4, shndx: v.getUint16(off + 6, true), value: num(off + 8), size: num(off + 16) });
    }
  }
  raw.forEach((r, i) => {
    if (r.type !== SHT.RELA) return;
    if (r.info >= shnum) fail(`relocation section ${sections[i].name} applies to no section`);
    for (let off = r.offset; off + 24 <= r.offset + r.size; off += 24) {
      slice(off, 24);
      const info = v.getBigUint64(off + 8, true);
      const type = R_NAME.get(Number(info & 0xffffffffn));
      if (!type) fail(`unsupported relocation type ${info & 0xffffffffn} in ${sections[i].name}`);
      const sym = Number(info >> 32n);
      if (sym >= symbols.length) fail(`relocation against symbol ${sym}, which does not exist`);
      sections[r.info].relocs.push({ offset: num(off), type: type!, sym, addend: Number(v.getBigInt64(off + 16, true)) });
    }
  });
  return { name, sections, symbols };
}
