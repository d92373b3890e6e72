// Relocatable objects (bpjit build --emit-obj): linker input sections → one ET_REL that a C
// toolchain links (gcc main.c prog.o). As link.ts does, it keeps only what its roots reach,
// then merges the sections by kind into .text, .rodata, .data.rel.ro (read-only data holding
// absolute addresses: a PIE's loader writes them, then protects them), .data and .bss, each
// with its relocations. Symbols listed as exports are global; every other name is local (no
// clash with the C program or its libraries, still named for debuggers); symbols nothing
// defines (the C functions BetterPython calls) are undefined globals for the C linker.
import { ElfError, R_X86_64, SHF, SHT, STB, STT } from './elf.js';
import { StringTable, type InputSection } from './link.js';

type Out = '.text' | '.rodata' | '.data.rel.ro' | '.data' | '.bss';
const OUTS: Out[] = ['.text', '.rodata', '.data.rel.ro', '.data', '.bss'];
const FLAGS: Record<Out, number> = {
  '.text': SHF.ALLOC | SHF.EXEC, '.rodata': SHF.ALLOC, '.data.rel.ro': SHF.ALLOC | SHF.WRITE, '.data': SHF.ALLOC | SHF.WRITE, '.bss': SHF.ALLOC | SHF.WRITE,
};
const SHF_INFO_LINK = 0x40;
const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

const outOf = (s: InputSection): Out => (s.kind === 'text' ? '.text' : s.kind === 'bss' ? '.bss' : s.kind === 'data' ? '.data'
  : s.relocs.some((r) => r.type === 'R_X86_64_64') ? '.data.rel.ro' : '.rodata');

/** `roots`: symbols kept with what they reach; `exports`: global symbol name → the symbol it names. */
export function relocatableObject(inputs: InputSection[], roots: string[], exports: Map<string, string>): Uint8Array {
  const defs = new Map<string, { section: InputSection; offset: number; size: number; type: 'func' | 'object' }>();
  for (const s of inputs) for (const y of s.symbols) {
    if (defs.has(y.name)) throw new ElfError(`symbol ${y.name} is defined twice`);
    defs.set(y.name, { section: s, offset: y.offset, size: y.size, type: y.type });
  }
  const kept = new Set<InputSection>();
  const undefinedSyms = new Set<string>();
  const work: InputSection[] = [];
  const keep = (s: InputSection) => { if (!kept.has(s)) { kept.add(s); work.push(s); } };
  for (const r of roots) {
    const d = defs.get(r);
    if (!d) throw new ElfError(`${r} is not defined`);
    keep(d.section);
  }
  while (work.length) {
    for (const r of work.pop()!.relocs) {
      if ('section' in r.target) keep(r.target.section);
      else if (defs.has(r.target.symbol)) keep(defs.get(r.target.symbol)!.section);
      else undefinedSyms.add(r.target.symbol);
    }
  }
  // Layout: each output section's inputs in their order, aligned.
  const place = new Map<InputSection, { out: Out; at: number }>();
  const sizes = new Map<Out, number>(OUTS.map((o) => [o, 0]));
  const aligns = new Map<Out, number>(OUTS.map((o) => [o, 1]));
  for (const s of inputs.filter((x) => kept.has(x))) {
    const out = outOf(s);
    const at = alignUp(sizes.get(out)!, Math.max(1, s.align));
    place.set(s, { out, at });
    sizes.set(out, at + s.size);
    aligns.set(out, Math.max(aligns.get(out)!, s.align));
  }
  const present = OUTS.filter((o) => sizes.get(o)! > 0);
  const index = new Map(present.map((o, i) => [o, i + 1]));
  const data = new Map(present.map((o) => [o, new Uint8Array(o === '.bss' ? 0 : sizes.get(o)!)]));
  for (const [s, p] of place) if (s.kind !== 'bss') data.get(p.out)!.set(s.data, p.at);

  // Symbols: null, a section symbol per output section, the locals, then the globals.
  const strtab = new StringTable();
  const syms: { name: number; info: number; shndx: number; value: number; size: number }[] = [{ name: 0, info: 0, shndx: 0, value: 0, size: 0 }];
  const sectionSym = new Map<Out, number>();
  for (const o of present) { sectionSym.set(o, syms.length); syms.push({ name: 0, info: STT.SECTION, shndx: index.get(o)!, value: 0, size: 0 }); }
  const exported = new Map([...exports].map(([c, name]) => [name, c]));
  const symbolOf = (bind: number, name: string, d: NonNullable<ReturnType<typeof defs.get>>) => {
    const p = place.get(d.section)!;
    return { name: strtab.add(name), info: (bind << 4) | (d.type === 'func' ? STT.FUNC : STT.OBJECT), shndx: index.get(p.out)!, value: p.at + d.offset, size: d.size };
  };
  for (const [name, d] of defs) if (kept.has(d.section) && !exports.has(name)) syms.push(symbolOf(STB.LOCAL, name, d));
  const firstGlobal = syms.length;
  const globalIndex = new Map<string, number>();
  for (const [c, name] of exports) {
    const d = defs.get(name);
    if (!d) throw new ElfError(`${name} is not defined`);
    globalIndex.set(c, syms.length);
    syms.push(symbolOf(STB.GLOBAL, c, d));
  }
  for (const u of [...undefinedSyms].sort()) { globalIndex.set(u, syms.length); syms.push({ name: strtab.add(u), info: (STB.GLOBAL << 4) | STT.NOTYPE, shndx: 0, value: 0, size: 0 }); }

  // Relocations, against a global (exported or undefined) or the section symbol of a local.
  const relas = new Map<Out, { offset: number; sym: number; type: number; addend: number }[]>(present.map((o) => [o, []]));
  for (const [s, p] of place) for (const r of s.relocs) {
    const type = R_X86_64[r.type];
    let sym: number, addend = r.addend;
    const target = 'section' in r.target ? { section: r.target.section, offset: r.target.offset } : defs.get(r.target.symbol);
    const global = 'symbol' in r.target ? exported.get(r.target.symbol) ?? (undefinedSyms.has(r.target.symbol) ? r.target.symbol : undefined) : undefined;
    if (global !== undefined) sym = globalIndex.get(global)!;
    else {
      const tp = place.get(target!.section)!;
      sym = sectionSym.get(tp.out)!;
      addend += tp.at + target!.offset;
    }
    relas.get(p.out)!.push({ offset: p.at + r.offset, sym, type, addend });
  }
  return writeObject(present, data, sizes, aligns, relas, syms, firstGlobal, strtab.bytes());
}

function writeObject(present: Out[], data: Map<Out, Uint8Array>, sizes: Map<Out, number>, aligns: Map<Out, number>,
  relas: Map<Out, { offset: number; sym: number; type: number; addend: number }[]>,
  syms: { name: number; info: number; shndx: number; value: number; size: number }[], firstGlobal: number, strtab: Uint8Array): Uint8Array {
  const shstr = new StringTable();
  type H = { name: number; type: number; flags: number; link: number; info: number; align: number; entsize: number; data: Uint8Array; size?: number };
  const headers: H[] = [{ name: 0, type: SHT.NULL, flags: 0, link: 0, info: 0, align: 0, entsize: 0, data: new Uint8Array(0) }];
  for (const o of present) {
    headers.push({ name: shstr.add(o), type: o === '.bss' ? SHT.NOBITS : SHT.PROGBITS, flags: FLAGS[o], link: 0, info: 0, align: aligns.get(o)!, entsize: 0, data: data.get(o)!, size: sizes.get(o)! });
  }
  const symIndex = headers.length + present.filter((o) => relas.get(o)!.length).length;
  present.forEach((o, i) => {
    const rs = relas.get(o)!;
    if (!rs.length) return;
    const b = new DataView(new ArrayBuffer(24 * rs.length));
    rs.forEach((r, k) => {
      b.setBigUint64(24 * k, BigInt(r.offset), true);
      b.setBigUint64(24 * k + 8, (BigInt(r.sym) << 32n) | BigInt(r.type), true);
      b.setBigInt64(24 * k + 16, BigInt(r.addend), true);
    });
    headers.push({ name: shstr.add(`.rela${o}`), type: SHT.RELA, flags: SHF_INFO_LINK, link: symIndex, info: i + 1, align: 8, entsize: 24, data: new Uint8Array(b.buffer) });
  });
  const st = new DataView(new ArrayBuffer(24 * syms.length));
  syms.forEach((y, i) => {
    st.setUint32(24 * i, y.name, true);
    st.setUint8(24 * i + 4, y.info);
    st.setUint16(24 * i + 6, y.shndx, true);
    st.setBigUint64(24 * i + 8, BigInt(y.value), true);
    st.setBigUint64(24 * i + 16, BigInt(y.size), true);
  });
  headers.push({ name: shstr.add('.symtab'), type: SHT.SYMTAB, flags: 0, link: symIndex + 1, info: firstGlobal, align: 8, entsize: 24, data: new Uint8Array(st.buffer) });
  headers.push({ name: shstr.add('.strtab'), type: SHT.STRTAB, flags: 0, link: 0, info: 0, align: 1, entsize: 0, data: strtab });
  // (an object without it would make the linker give the program an executable stack)
  headers.push({ name: shstr.add('.note.GNU-stack'), type: SHT.PROGBITS, flags: 0, link: 0, info: 0, align: 1, entsize: 0, data: new Uint8Array(0) });
  const shstrndx = headers.length;
  headers.push({ name: shstr.add('.shstrtab'), type: SHT.STRTAB, flags: 0, link: 0, info: 0, align: 1, entsize: 0, data: new Uint8Array(0) });
  headers[shstrndx].data = shstr.bytes();
  let off = 64;
  const offsets = headers.map((h) => {
    if (h.type === SHT.NULL) return 0;
    off = alignUp(off, Math.max(1, h.align));
    const at = off;
    if (h.type !== SHT.NOBITS) off += h.data.length;
    return at;
  });
  const shoff = alignUp(off, 8);
  const out = new Uint8Array(shoff + 64 * headers.length);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  v.setUint16(16, 1, true); // ET_REL
  v.setUint16(18, 62, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, 64, true);
  v.setUint16(58, 64, true);
  v.setUint16(60, headers.length, true);
  v.setUint16(62, shstrndx, true);
  headers.forEach((h, i) => {
    if (h.type !== SHT.NOBITS) out.set(h.data, offsets[i]);
    const o = shoff + 64 * i;
    v.setUint32(o, h.name, true);
    v.setUint32(o + 4, h.type, true);
    v.setBigUint64(o + 8, BigInt(h.flags), true);
    v.setBigUint64(o + 24, BigInt(offsets[i]), true);
    v.setBigUint64(o + 32, BigInt(h.size ?? h.data.length), true);
    v.setUint32(o + 40, h.link, true);
    v.setUint32(o + 44, h.info, true);
    v.setBigUint64(o + 48, BigInt(h.align), true);
    v.setBigUint64(o + 56, BigInt(h.entsize), true);
  });
  return out;
}
