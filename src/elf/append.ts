// Adding sections that are not loaded (debugging information) to an ELF file the linker wrote:
// their contents go after everything else, then a section name table that also names them,
// then the section headers again with theirs added. The loaded image does not move.
import { ElfError, SHT } from './elf.js';

export interface ExtraSection {
  name: string;
  data: Uint8Array;
  /** SHT_PROGBITS unless given. */
  type?: number;
  align?: number;
}

const SHDR = 64;
const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

export function appendSections(file: Uint8Array, extra: ExtraSection[]): Uint8Array {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const shoff = Number(v.getBigUint64(40, true)), shnum = v.getUint16(60, true), shstrndx = v.getUint16(62, true);
  if (v.getUint16(58, true) !== SHDR || shoff + shnum * SHDR !== file.length) throw new ElfError('the section headers must end the file');
  const headers = Array.from({ length: shnum }, (_, i) => file.slice(shoff + i * SHDR, shoff + (i + 1) * SHDR));
  const strHeader = new DataView(headers[shstrndx].buffer);
  const strOff = Number(strHeader.getBigUint64(24, true)), strSize = Number(strHeader.getBigUint64(32, true));
  const names = [Buffer.from(file.subarray(strOff, strOff + strSize))];
  let namesSize = strSize;
  const parts: Uint8Array[] = [file.subarray(0, shoff)];
  let off = shoff;
  const put = (data: Uint8Array, align: number) => {
    const pad = alignUp(off, align) - off;
    if (pad) parts.push(new Uint8Array(pad));
    off += pad;
    const at = off;
    parts.push(data);
    off += data.length;
    return at;
  };
  for (const s of extra) {
    const name = namesSize;
    names.push(Buffer.from(s.name + '\0', 'latin1'));
    namesSize += s.name.length + 1;
    const at = put(s.data, s.align ?? 1);
    const h = new DataView(new ArrayBuffer(SHDR));
    h.setUint32(0, name, true);
    h.setUint32(4, s.type ?? SHT.PROGBITS, true);
    h.setBigUint64(24, BigInt(at), true);
    h.setBigUint64(32, BigInt(s.data.length), true);
    h.setBigUint64(48, BigInt(s.align ?? 1), true);
    headers.push(new Uint8Array(h.buffer));
  }
  const table = Buffer.concat(names);
  strHeader.setBigUint64(24, BigInt(put(table, 1)), true);
  strHeader.setBigUint64(32, BigInt(table.length), true);
  const newShoff = put(new Uint8Array(0), 8);
  const out = new Uint8Array(newShoff + headers.length * SHDR);
  let p = 0;
  for (const part of parts) { out.set(part, p); p += part.length; }
  headers.forEach((h, i) => out.set(h, newShoff + i * SHDR));
  const ov = new DataView(out.buffer);
  ov.setBigUint64(40, BigInt(newShoff), true);
  ov.setUint16(60, headers.length, true);
  return out;
}
