// Position-independent executables (bpjit build --pie): linked at address 0 as ET_DYN, which the
// kernel loads at a random address. Code only refers to things relative to itself; the few
// absolute addresses in data (handler and vtable entries, the runtime's error texts, the signal
// action) become R_X86_64_RELATIVE entries of .rela.dyn, which the program applies to itself
// before its _start runs (there is no dynamic loader: the image is static), and a .dynamic that
// names them and marks the file a PIE (DF_1_PIE), as static-pie executables do.
import type { InputSection, SectionSegment } from './link.js';

const SHT_STRTAB = 3, SHT_RELA = 4, SHT_DYNAMIC = 6, PT_DYNAMIC = 2;
const DT = { NULL: 0, STRTAB: 5, RELA: 7, RELASZ: 8, RELAENT: 9, STRSZ: 10, FLAGS_1: 0x6ffffffb } as const;
const DF_1_PIE = 0x08000000;
const R_X86_64_RELATIVE = 8n;
/** The symbols of the relocation table's start and end, which the start-up code reads. */
export const RELA_START = 'bp_rela', RELA_END = 'bp_rela_end';
/** The linker-defined address of the ELF header (the load address at run time). */
export const IMAGE_BASE = '__ehdr_start';

/** Sections whose absolute addresses need relocating go to the writable segment. */
export const needsRelocating = (s: InputSection): boolean => s.kind === 'rodata' && s.relocs.some((r) => r.type === 'R_X86_64_64');

export interface PieTables {
  sections: InputSection[];
  segment: SectionSegment;
  /** Makes room for `count` absolute addresses (known once the linker knows what it keeps). */
  room(count: number): void;
  /** Fills the tables: each absolute address's place and value (image-relative), and where the tables are. */
  fill(relocs: { place: number; value: number }[], addrOf: (s: InputSection) => number, bytesOf: (s: InputSection) => DataView): void;
}

export function pieTables(): PieTables {
  const rela: InputSection = {
    name: '.rela.dyn', kind: 'rodata', align: 8, data: new Uint8Array(0), size: 0, relocs: [], origin: 'pie', header: { name: '.rela.dyn', type: SHT_RELA, entsize: 24 },
    symbols: [{ name: RELA_START, offset: 0, size: 0, type: 'object', global: true }, { name: RELA_END, offset: 0, size: 0, type: 'object', global: true }],
  };
  // (a dynamic section names its string table: an empty one)
  const dynstr: InputSection = {
    name: '.dynstr', kind: 'rodata', align: 1, data: new Uint8Array(1), size: 1, relocs: [], origin: 'pie', header: { name: '.dynstr', type: SHT_STRTAB },
    symbols: [{ name: 'bp_dynstr', offset: 0, size: 1, type: 'object', global: true }],
  };
  const entries = 7;
  const dynamic: InputSection = {
    name: '.dynamic', kind: 'data', align: 8, data: new Uint8Array(16 * entries), size: 16 * entries, relocs: [], origin: 'pie',
    header: { name: '.dynamic', type: SHT_DYNAMIC, entsize: 16, link: '.dynstr' }, symbols: [{ name: '_DYNAMIC', offset: 0, size: 16 * entries, type: 'object', global: true }],
  };
  return {
    sections: [rela, dynstr, dynamic],
    segment: { type: PT_DYNAMIC, section: dynamic, flags: 6, align: 8 },
    room(count) {
      rela.size = rela.symbols[0].size = rela.symbols[1].offset = 24 * count;
      rela.data = new Uint8Array(rela.size);
    },
    fill(relocs, addrOf, bytesOf) {
      const r = bytesOf(rela);
      relocs.forEach((x, i) => {
        r.setBigUint64(24 * i, BigInt(x.place), true);
        r.setBigUint64(24 * i + 8, R_X86_64_RELATIVE, true);
        r.setBigInt64(24 * i + 16, BigInt(x.value), true);
      });
      const d = bytesOf(dynamic);
      ([[DT.STRTAB, addrOf(dynstr)], [DT.STRSZ, 1], [DT.RELA, addrOf(rela)], [DT.RELASZ, rela.size], [DT.RELAENT, 24], [DT.FLAGS_1, DF_1_PIE], [DT.NULL, 0]] as const).forEach(([tag, value], i) => {
        d.setBigUint64(16 * i, BigInt(tag), true);
        d.setBigUint64(16 * i + 8, BigInt(value), true);
      });
    },
  };
}
