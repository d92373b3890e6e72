// The static linker: input sections (from the runtime object and from the lowering) → one
// ET_EXEC. Like `ld --gc-sections`, it keeps only the sections reachable through relocations
// from the entry symbol (the runtime puts every function and datum in its own section for this).
// Layout: three PT_LOAD segments — R (ELF and program headers, read-only data), R+X (code), R+W
// (data, then bss) — packed in the file without padding: each segment starts on a fresh page in
// memory at the address congruent to its file offset, as lld does without -z separate-code. Then
// PT_GNU_STACK (non-executable stack), a symbol table naming every function, and section headers.
// A dynamically linked executable adds sections and program headers (see dynamic.ts); a
// position-independent one (ET_DYN) is linked at 0 and relocates itself (see pie.ts).
import type { Reloc } from '../x64/index.js';
import { ElfError, ObjectFile, R_X86_64, SHF, SHN_ABS, SHN_UNDEF, SHT, STB, STT } from './elf.js';
import { IMAGE_BASE, needsRelocating, pieTables } from './pie.js';

export type SectionKind = 'text' | 'rodata' | 'data' | 'bss';

export type RelocTarget = { symbol: string } | { section: InputSection; offset: number };

export interface InputSection {
  name: string;
  kind: SectionKind;
  align: number;
  /** Contents; empty for bss. */
  data: Uint8Array;
  size: number;
  relocs: { offset: number; type: string; target: RelocTarget; addend: number }[];
  /** Symbols defined in this section (exported to the symbol table when global). */
  symbols: { name: string; offset: number; size: number; type: 'func' | 'object'; global: boolean }[];
  /** Where it came from, for messages. */
  origin: string;
  /**
   * A section header of its own (the dynamic linking tables, which readers find by name and
   * type); other sections share one header per kind.
   */
  header?: { name: string; type: number; entsize?: number; link?: string; info?: number };
}

/** A program header for one section (PT_INTERP, PT_DYNAMIC). */
export interface SectionSegment {
  type: number;
  section: InputSection;
  flags: number;
  align: number;
}

export interface LinkOptions {
  /** Sections kept though nothing refers to them (the dynamic linking tables). */
  roots?: InputSection[];
  /** Program headers naming sections: PT_INTERP goes before the loads (the ELF rule), others after. */
  segments?: SectionSegment[];
  /** A position-independent executable (ET_DYN at address 0, relocating itself: see pie.ts). */
  pie?: boolean;
}

export interface LinkedImage {
  bytes: Uint8Array;
  entry: number;
  /** Address of every global symbol kept. */
  symbols: Map<string, number>;
  /** Kept input sections with their addresses (for debug information). */
  placed: { section: InputSection; addr: number }[];
}

/** Encoder output as linker input: one function's code defining `symbol`. */
export function codeSection(symbol: string, code: Uint8Array, relocs: Reloc[], origin: string): InputSection {
  return {
    name: `.text.${symbol}`, kind: 'text', align: 16, data: code, size: code.length, origin,
    relocs: relocs.map((r) => ({ offset: r.offset, type: r.type, target: { symbol: r.symbol }, addend: r.addend })),
    symbols: [{ name: symbol, offset: 0, size: code.length, type: 'func', global: true }],
  };
}

/**
 * A datum defining `symbol`: read-only bytes (with relocations, e.g. against itself), or
 * `size` zeroed bytes in bss.
 */
export function dataSection(symbol: string, contents: Uint8Array | { size: number }, origin: string,
  relocs: InputSection['relocs'] = []): InputSection {
  const bss = !(contents instanceof Uint8Array);
  const size = bss ? contents.size : contents.length;
  return {
    name: `${bss ? '.bss' : '.rodata'}.${symbol}`, kind: bss ? 'bss' : 'rodata', align: bss ? 16 : 8,
    data: bss ? new Uint8Array(0) : contents, size, origin, relocs,
    symbols: [{ name: symbol, offset: 0, size, type: 'object', global: true }],
  };
}

/** The allocated sections of an object, with relocations resolved to sections or global names. */
export function sectionsOfObject(obj: ObjectFile): InputSection[] {
  const map = new Map<number, InputSection>();
  for (const s of obj.sections) {
    if (!(s.flags & SHF.ALLOC) || (s.type !== SHT.PROGBITS && s.type !== SHT.NOBITS)) continue;
    const kind: SectionKind = s.flags & SHF.EXEC ? 'text' : s.type === SHT.NOBITS ? 'bss' : s.flags & SHF.WRITE ? 'data' : 'rodata';
    map.set(s.index, { name: s.name, kind, align: s.align, data: s.data, size: s.size, relocs: [], symbols: [], origin: obj.name });
  }
  for (const sym of obj.symbols) {
    const sec = map.get(sym.shndx);
    if (!sec || sym.type === STT.SECTION || !sym.name || sym.bind !== STB.GLOBAL) continue;
    sec.symbols.push({ name: sym.name, offset: sym.value, size: sym.size, type: sym.type === STT.FUNC ? 'func' : 'object', global: true });
  }
  for (const s of obj.sections) {
    const sec = map.get(s.index);
    if (!sec) continue;
    for (const r of s.relocs) {
      const sym = obj.symbols[r.sym];
      let target: RelocTarget;
      if (sym.bind === STB.GLOBAL || sym.shndx === SHN_UNDEF) target = { symbol: sym.name };
      else if (sym.shndx === SHN_ABS) throw new ElfError(`${obj.name}: relocation against absolute symbol ${sym.name}`);
      else {
        const into = map.get(sym.shndx);
        if (!into) throw new ElfError(`${obj.name}: relocation in ${s.name} against a non-allocated section`);
        target = { section: into, offset: sym.type === STT.SECTION ? 0 : sym.value };
      }
      sec.relocs.push({ offset: r.offset, type: r.type, target, addend: r.addend });
    }
  }
  return [...map.values()];
}

const PAGE = 0x1000;
const BASE = 0x400000;
const EHDR = 64, PHDR = 56, SHDR = 64;
const PT = { LOAD: 1, DYNAMIC: 2, INTERP: 3, GNU_STACK: 0x6474e551 } as const;
const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

interface Phdr { type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number; align: number }

/** Links `inputs` into an executable whose entry point is `entry`. */
export function link(inputs0: InputSection[], entry = '_start', opts: LinkOptions = {}): LinkedImage {
  const pie = opts.pie ? pieTables() : null;
  const base = pie ? 0 : BASE;
  const inputs = pie ? [...inputs0, ...pie.sections] : inputs0;
  const defs = new Map<string, { section: InputSection; offset: number }>();
  for (const s of inputs) {
    for (const sym of s.symbols) {
      if (!sym.global) continue;
      const prev = defs.get(sym.name);
      if (prev) throw new ElfError(`symbol ${sym.name} is defined twice (${prev.section.origin} and ${s.origin})`);
      defs.set(sym.name, { section: s, offset: sym.offset });
    }
  }
  const start = defs.get(entry);
  if (!start) throw new ElfError(`entry symbol ${entry} is not defined`);

  // Keep what the entry reaches.
  const kept = new Set<InputSection>([start.section, ...(opts.roots ?? [])]);
  const undefinedRefs = new Map<string, string>();
  const work = [...kept];
  while (work.length) {
    const s = work.pop()!;
    for (const r of s.relocs) {
      let t: InputSection | undefined;
      if ('symbol' in r.target) {
        t = defs.get(r.target.symbol)?.section;
        if (!t && !(pie && r.target.symbol === IMAGE_BASE)) undefinedRefs.set(r.target.symbol, s.name);
      } else t = r.target.section;
      if (t && !kept.has(t)) { kept.add(t); work.push(t); }
    }
  }
  if (undefinedRefs.size) {
    throw new ElfError(`undefined symbol${undefinedRefs.size > 1 ? 's' : ''}: ${[...undefinedRefs].map(([n, from]) => `${n} (referenced from ${from})`).join(', ')}`);
  }
  // Sections with a header of their own first in their kind, so the shared headers do not overlap them.
  if (pie) {
    for (const t of pie.sections) kept.add(t);
    pie.room([...kept].reduce((n, s) => n + s.relocs.filter((r) => r.type === 'R_X86_64_64').length, 0));
    for (const t of pie.sections) for (const y of t.symbols) defs.set(y.name, { section: t, offset: y.offset });
  }
  const order = [...inputs.filter((s) => kept.has(s) && s.header), ...inputs.filter((s) => kept.has(s) && !s.header)];
  const groups: Record<SectionKind, InputSection[]> = { rodata: [], text: [], data: [], bss: [] };
  // (in a PIE, read-only data holding absolute addresses is relocated at start: it must be writable)
  for (const s of order) groups[pie && needsRelocating(s) ? 'data' : s.kind].push(s);
  const segments = [...(opts.segments ?? []), ...(pie ? [pie.segment] : [])];

  // Layout.
  const addr = new Map<InputSection, number>();
  const fileOff = new Map<InputSection, number>();
  let off = EHDR + (4 + segments.length) * PHDR;
  let vaddr = base + off;
  const place = (list: InputSection[], inFile: boolean) => {
    for (const s of list) {
      const a = Math.max(1, s.align);
      const pad = (a - (vaddr % a)) % a;
      vaddr += pad;
      if (inFile) { off += pad; fileOff.set(s, off); off += s.size; }
      addr.set(s, vaddr);
      vaddr += s.size;
    }
  };
  const seg = (flags: number): Phdr => ({ type: PT.LOAD, flags, offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: PAGE });
  const rSeg = seg(4), xSeg = seg(5), wSeg = seg(6);
  rSeg.vaddr = base;
  place(groups.rodata, true);
  rSeg.filesz = rSeg.memsz = off;
  const startSegment = (s: ReturnType<typeof seg>) => {
    off = alignUp(off, 16);
    vaddr = alignUp(vaddr, PAGE) + (off % PAGE);
    s.offset = off;
    s.vaddr = vaddr;
  };
  startSegment(xSeg);
  place(groups.text, true);
  xSeg.filesz = xSeg.memsz = off - xSeg.offset;
  startSegment(wSeg);
  place(groups.data, true);
  wSeg.filesz = off - wSeg.offset;
  place(groups.bss, false);
  wSeg.memsz = vaddr - wSeg.vaddr;
  const imageEnd = off;

  // Symbols and relocations.
  const symAddr = new Map<string, number>();
  for (const [name, d] of defs) if (kept.has(d.section)) symAddr.set(name, addr.get(d.section)! + d.offset);
  if (pie) symAddr.set(IMAGE_BASE, base);
  const relative: { place: number; value: number }[] = [];
  const out = new Uint8Array(imageEnd);
  const view = new DataView(out.buffer);
  for (const s of order) {
    if (s.kind === 'bss') continue;
    const fileAt = fileOff.get(s)!;
    out.set(s.data, fileAt);
    for (const r of s.relocs) {
      const S = 'symbol' in r.target ? symAddr.get(r.target.symbol)! : addr.get(r.target.section)! + r.target.offset;
      const P = addr.get(s)! + r.offset;
      const at = fileAt + r.offset;
      const value = r.type === 'R_X86_64_PC32' || r.type === 'R_X86_64_PLT32' ? S + r.addend - P : S + r.addend;
      const what = () => `${r.type} at ${s.name}+0x${r.offset.toString(16)}`;
      if (r.offset < 0 || r.offset + (r.type === 'R_X86_64_64' ? 8 : 4) > s.size) throw new ElfError(`${what()} is outside the section`);
      switch (r.type) {
        case 'R_X86_64_64':
          view.setBigUint64(at, BigInt(value), true);
          if (pie) relative.push({ place: P, value });
          break;
        case 'R_X86_64_32':
          if (value < 0 || value > 0xffffffff) throw new ElfError(`${what()} overflows`);
          view.setUint32(at, value, true); break;
        default:
          if (value < -0x80000000 || value > 0x7fffffff) throw new ElfError(`${what()} overflows`);
          view.setInt32(at, value, true);
      }
    }
  }
  pie?.fill(relative, (x) => addr.get(x)!, (x) => new DataView(out.buffer, fileOff.get(x)!, x.size));
  const entryAddr = symAddr.get(entry)!;
  const tables = writeTables(order, groups, addr, fileOff, imageEnd);
  const bytes = new Uint8Array(imageEnd + tables.bytes.length);
  bytes.set(out);
  bytes.set(tables.bytes, imageEnd);
  const ofSection = (x: SectionSegment): Phdr => ({
    type: x.type, flags: x.flags, offset: fileOff.get(x.section)!, vaddr: addr.get(x.section)!, filesz: x.section.size, memsz: x.section.size, align: x.align,
  });
  const phdrs = [
    ...segments.filter((x) => x.type === PT.INTERP).map(ofSection), rSeg, xSeg, wSeg, ...segments.filter((x) => x.type !== PT.INTERP).map(ofSection),
    { type: PT.GNU_STACK, flags: 6, offset: 0, vaddr: 0, filesz: 0, memsz: 0, align: 16 }, // RW, not executable
  ];
  writeHeaders(new DataView(bytes.buffer), pie ? 3 : 2, entryAddr, phdrs, imageEnd + tables.shoff, tables.shnum, tables.shstrndx);
  return { bytes, entry: entryAddr, symbols: symAddr, placed: order.map((section) => ({ section, addr: addr.get(section)! })) };
}

/** `type`: ET_EXEC (2) or ET_DYN (3). */
function writeHeaders(v: DataView, type: number, entry: number, segs: Phdr[], shoff: number, shnum: number, shstrndx: number): void {
  [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0].forEach((b, i) => v.setUint8(i, b));
  v.setUint16(16, type, true);
  v.setUint16(18, 62, true); // EM_X86_64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(entry), true);
  v.setBigUint64(32, BigInt(EHDR), true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, EHDR, true);
  v.setUint16(54, PHDR, true);
  v.setUint16(56, segs.length, true);
  v.setUint16(58, SHDR, true);
  v.setUint16(60, shnum, true);
  v.setUint16(62, shstrndx, true);
  let p = EHDR;
  for (const s of segs) {
    v.setUint32(p, s.type, true);
    v.setUint32(p + 4, s.flags, true);
    v.setBigUint64(p + 8, BigInt(s.offset), true);
    v.setBigUint64(p + 16, BigInt(s.vaddr), true);
    v.setBigUint64(p + 24, BigInt(s.vaddr), true);
    v.setBigUint64(p + 32, BigInt(s.filesz), true);
    v.setBigUint64(p + 40, BigInt(s.memsz), true);
    v.setBigUint64(p + 48, BigInt(s.align), true);
    p += PHDR;
  }
}

/** .symtab, .strtab, .shstrtab and the section header table, to follow the image. */
function writeTables(order: InputSection[], groups: Record<SectionKind, InputSection[]>, addr: Map<InputSection, number>,
  fileOff: Map<InputSection, number>, imageEnd: number): { bytes: Uint8Array; shoff: number; shnum: number; shstrndx: number } {
  const shstr = new StringTable();
  const headers: { name: number; type: number; flags: number; addr: number; offset: number; size: number; link: number; info: number; align: number; entsize: number }[] = [
    { name: 0, type: SHT.NULL, flags: 0, addr: 0, offset: 0, size: 0, link: 0, info: 0, align: 0, entsize: 0 },
  ];
  const outIndex = new Map<InputSection | SectionKind, number>();
  const names: Record<SectionKind, string> = { rodata: '.rodata', text: '.text', data: '.data', bss: '.bss' };
  const flagsOf = (kind: SectionKind) => SHF.ALLOC | (kind === 'text' ? SHF.EXEC : 0) | (kind === 'data' || kind === 'bss' ? SHF.WRITE : 0);
  const byName = new Map<string, number>();
  for (const kind of ['rodata', 'text', 'data', 'bss'] as SectionKind[]) {
    for (const s of groups[kind].filter((x) => x.header)) {
      const h = s.header!;
      outIndex.set(s, headers.length);
      byName.set(h.name, headers.length);
      headers.push({
        name: shstr.add(h.name), type: h.type, flags: flagsOf(s.kind), addr: addr.get(s)!, offset: fileOff.get(s)!, size: s.size,
        link: 0, info: h.info ?? 0, align: s.align, entsize: h.entsize ?? 0,
      });
    }
    const list = groups[kind].filter((s) => !s.header);
    if (!list.length) continue;
    const first = addr.get(list[0])!, last = list[list.length - 1];
    const end = addr.get(last)! + last.size;
    outIndex.set(kind, headers.length);
    headers.push({
      name: shstr.add(names[kind]), type: kind === 'bss' ? SHT.NOBITS : SHT.PROGBITS, flags: flagsOf(kind),
      addr: first, offset: kind === 'bss' ? imageEnd : fileOff.get(list[0])!, size: end - first, link: 0, info: 0,
      align: Math.max(...list.map((s) => s.align)), entsize: 0,
    });
  }
  for (const s of order) if (s.header?.link) headers[outIndex.get(s)!].link = byName.get(s.header.link) ?? 0;
  // Symbols: a FILE-less table of every kept global, functions typed with their sizes.
  const str = new StringTable();
  const syms: number[][] = [];
  for (const s of order) {
    for (const sym of s.symbols) {
      if (!sym.global) continue;
      syms.push([str.add(sym.name), (STB.GLOBAL << 4) | (sym.type === 'func' ? STT.FUNC : STT.OBJECT), outIndex.get(s) ?? outIndex.get(s.kind)!, addr.get(s)! + sym.offset, sym.size]);
    }
  }
  const symtab = new Uint8Array(24 * (syms.length + 1));
  const sv = new DataView(symtab.buffer);
  syms.forEach(([name, info, shndx, value, size], i) => {
    const o = 24 * (i + 1);
    sv.setUint32(o, name, true);
    sv.setUint8(o + 4, info);
    sv.setUint16(o + 6, shndx, true);
    sv.setBigUint64(o + 8, BigInt(value), true);
    sv.setBigUint64(o + 16, BigInt(size), true);
  });
  const symtabName = shstr.add('.symtab'), strtabName = shstr.add('.strtab'), shstrName = shstr.add('.shstrtab');
  const strBytes = str.bytes();
  let off = alignUp(imageEnd, 8);
  const symIndex = headers.length;
  headers.push({ name: symtabName, type: SHT.SYMTAB, flags: 0, addr: 0, offset: off, size: symtab.length, link: symIndex + 1, info: 1, align: 8, entsize: 24 });
  off += symtab.length;
  headers.push({ name: strtabName, type: SHT.STRTAB, flags: 0, addr: 0, offset: off, size: strBytes.length, link: 0, info: 0, align: 1, entsize: 0 });
  off += strBytes.length;
  const shstrndx = headers.length;
  headers.push({ name: shstrName, type: SHT.STRTAB, flags: 0, addr: 0, offset: off, size: 0, link: 0, info: 0, align: 1, entsize: 0 });
  const shstrBytes = shstr.bytes();
  headers[shstrndx].size = shstrBytes.length;
  off += shstrBytes.length;
  const shoff = alignUp(off, 8);
  const bytes = new Uint8Array(shoff + SHDR * headers.length - imageEnd);
  const at = (o: number) => o - imageEnd;
  bytes.set(symtab, at(headers[symIndex].offset));
  bytes.set(strBytes, at(headers[symIndex + 1].offset));
  bytes.set(shstrBytes, at(headers[shstrndx].offset));
  const v = new DataView(bytes.buffer);
  headers.forEach((h, i) => {
    const o = at(shoff) + SHDR * i;
    v.setUint32(o, h.name, true);
    v.setUint32(o + 4, h.type, true);
    v.setBigUint64(o + 8, BigInt(h.flags), true);
    v.setBigUint64(o + 16, BigInt(h.addr), true);
    v.setBigUint64(o + 24, BigInt(h.offset), true);
    v.setBigUint64(o + 32, BigInt(h.size), true);
    v.setUint32(o + 40, h.link, true);
    v.setUint32(o + 44, h.info, true);
    v.setBigUint64(o + 48, BigInt(h.align), true);
    v.setBigUint64(o + 56, BigInt(h.entsize), true);
  });
  return { bytes, shoff: at(shoff), shnum: headers.length, shstrndx };
}

export class StringTable {
  private readonly parts: Buffer[] = [Buffer.from([0])];
  private size = 1;
  private readonly seen = new Map<string, number>();
  add(s: string): number {
    let o = this.seen.get(s);
    if (o === undefined) {
      o = this.size;
      const b = Buffer.from(s + '\0', 'latin1');
      this.parts.push(b);
      this.size += b.length;
      this.seen.set(s, o);
    }
    return o;
  }
  bytes(): Uint8Array { return Buffer.concat(this.parts); }
}

export { R_X86_64 };
