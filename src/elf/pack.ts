// Linker input sections saved as one file and read back: a JSON line (every section but its
// bytes; a relocation against a section names it by index), then the sections' bytes one after
// another. `npm run build` packs the runtime object's sections this way (see
// elf/runtime-object.ts): reading them back is a JSON.parse and a loop over the relocations,
// where decoding runtime.o's 600 section headers, 2,300 symbols and 1,000 relocations took 20 ms
// of every bpjit build.
import type { InputSection, RelocTarget } from './link.js';

/** A relocation as packed: offset, type, target (a symbol's name, or a section's index and offset), addend. */
type PackedReloc = [offset: number, type: string, target: string | [section: number, offset: number], addend: number];

interface PackedSection extends Omit<InputSection, 'data' | 'relocs'> {
  /** The length of its data (none for bss). */
  bytes: number;
  relocs: PackedReloc[];
}

interface Header {
  /** What the sections were made from (checked by the reader's caller). */
  stamp: unknown;
  sections: PackedSection[];
}

export function packSections(sections: readonly InputSection[], stamp: unknown): Uint8Array {
  const index = new Map(sections.map((s, i) => [s, i]));
  const target = (t: RelocTarget): PackedReloc[2] => {
    if ('symbol' in t) return t.symbol;
    const i = index.get(t.section);
    if (i === undefined) throw new Error(`a relocation refers to section ${t.section.name}, which is not packed`);
    return [i, t.offset];
  };
  const packed = sections.map(({ data, relocs, ...rest }): PackedSection => ({ ...rest, bytes: data.length, relocs: relocs.map((r) => [r.offset, r.type, target(r.target), r.addend]) }));
  const header: Header = { stamp, sections: packed };
  return Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), ...sections.map((s) => s.data)]);
}

/** The sections of a packed file, and its stamp; null for bytes that are not one. */
export function unpackSections(bytes: Uint8Array): { stamp: unknown; sections: InputSection[] } | null {
  const nl = bytes.indexOf(10);
  if (nl < 0) return null;
  let header: Header;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, nl).toString('latin1')) as Header;
  } catch {
    return null;
  }
  if (!Array.isArray(header?.sections)) return null;
  let at = nl + 1;
  const sections: InputSection[] = header.sections.map(({ bytes: length, ...p }) => {
    const data = bytes.subarray(at, at + length);
    at += length;
    return { ...p, data, relocs: [] };
  });
  if (at !== bytes.length) return null;
  header.sections.forEach((p, i) => {
    sections[i].relocs = p.relocs.map(([offset, type, t, addend]) => ({
      offset, type, addend, target: typeof t === 'string' ? { symbol: t } : { section: sections[t[0]], offset: t[1] },
    }));
  });
  return { stamp: header.stamp, sections };
}
