// The native image: runtime-asm/runtime.o and the generated interpreter, laid out and linked
// once when bpjit is built (dist/native-image.bin, written by scripts/build-image.ts), so that a
// run copies two blocks into its address space and patches a few dozen words instead of reading
// an object file and generating code (45 and 40 ms of a hello world's start otherwise).
//
// The image's code goes at the start of the code area and its data at the start of the data
// area, which sit a fixed distance apart (space.ts), so every PC-relative reference inside the
// image is final at build time. What is left are fixups: absolute addresses (R_X86_64_64) and
// references to the program's symbols (bp_globals, bp_handlers, …), resolved at load.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputSection } from '../elf/index.js';
import { generateInterpreter, type InterpCode } from '../native/interp/gen.js';
import { RUNTIME_OBJECT, parseRuntimeSections } from '../elf/runtime-object.js';
import { CODE_BYTES } from './space.js';

const PAGE = 4096;
const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

type Area = 'code' | 'data';

export interface NativeImage {
  code: Uint8Array;
  /** Initialised data: read-only data (rodataSize bytes, page-aligned), then writable data. */
  data: Uint8Array;
  rodataSize: number;
  /** Data including bss. */
  dataSize: number;
  symbols: Record<string, [Area, number]>;
  /** [area, offset, type, target symbol, or target area and offset, addend] */
  fixups: { area: Area; offset: number; type: string; symbol?: string; target?: [Area, number]; addend: number }[];
  interp: Omit<InterpCode, 'code'>;
}

export const IMAGE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native-image.bin');

/** Links the runtime object and the interpreter into an image (at build time). */
export function buildImage(runtime: Uint8Array = fs.readFileSync(RUNTIME_OBJECT), interp: InterpCode = generateInterpreter()): NativeImage {
  const interpSection: InputSection = {
    name: '.text.bp_interp', kind: 'text', align: 16, data: interp.code.bytes, size: interp.code.bytes.length, origin: 'interpreter',
    relocs: interp.code.relocs.map((r) => ({ offset: r.offset, type: r.type, target: { symbol: r.symbol }, addend: r.addend })),
    symbols: [{ name: 'bp_interp_code', offset: 0, size: interp.code.bytes.length, type: 'func', global: true },
      ...Object.entries(interp.entries).map(([name, offset]) => ({ name, offset, size: 0, type: 'func' as const, global: true }))],
  };
  const sections = [...parseRuntimeSections(runtime), interpSection];
  const at = new Map<InputSection, [Area, number]>();
  let code = 0, data = 0;
  for (const s of sections.filter((x) => x.kind === 'text')) { code = alignUp(code, s.align); at.set(s, ['code', code]); code += s.size; }
  for (const s of sections.filter((x) => x.kind === 'rodata')) { data = alignUp(data, s.align); at.set(s, ['data', data]); data += s.size; }
  const rodataSize = alignUp(data, PAGE);
  data = rodataSize;
  for (const s of sections.filter((x) => x.kind === 'data' || x.kind === 'bss')) { data = alignUp(data, s.align); at.set(s, ['data', data]); data += s.size; }
  const initialised = Math.max(rodataSize, ...sections.filter((x) => x.kind === 'data').map((s) => at.get(s)![1] + s.size));
  const image: NativeImage = {
    code: new Uint8Array(alignUp(code, PAGE)), data: new Uint8Array(initialised), rodataSize, dataSize: data, symbols: {}, fixups: [],
    interp: { entries: interp.entries, handlers: interp.handlers, countingHandlers: interp.countingHandlers, frames: interp.frames },
  };
  for (const [s, [area, off]] of at) for (const y of s.symbols) if (y.global) image.symbols[y.name] = [area, off + y.offset];
  const linear = ([area, off]: [Area, number]) => (area === 'code' ? off : CODE_BYTES + off);
  for (const [s, place] of at) {
    if (s.kind === 'bss') continue;
    const bytes = place[0] === 'code' ? image.code : image.data;
    bytes.set(s.data, place[1]);
    const v = new DataView(bytes.buffer);
    for (const r of s.relocs) {
      const offset = place[1] + r.offset;
      const target: [Area, number] | undefined = 'symbol' in r.target ? image.symbols[r.target.symbol] : [at.get(r.target.section)![0], at.get(r.target.section)![1] + r.target.offset];
      if (target && r.type !== 'R_X86_64_64') v.setInt32(offset, linear(target) + r.addend - linear([place[0], offset]), true);
      else image.fixups.push({ area: place[0], offset, type: r.type, addend: r.addend, ...(target ? { target } : { symbol: (r.target as { symbol: string }).symbol }) });
    }
  }
  return image;
}

// --- the file: a JSON header (everything but the two blocks), a newline, the code, the data ---

export function writeImage(file: string, image: NativeImage): void {
  const { code, data, ...rest } = image;
  const header = Buffer.from(JSON.stringify({ ...rest, codeLength: code.length, dataLength: data.length }) + '\n');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat([header, code, data]));
}

export function readImage(file = IMAGE_FILE): NativeImage | null {
  let bytes: Buffer;
  try { bytes = fs.readFileSync(file); } catch { return null; }
  const nl = bytes.indexOf(10);
  const head = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Omit<NativeImage, 'code' | 'data'> & { codeLength: number; dataLength: number };
  const code = bytes.subarray(nl + 1, nl + 1 + head.codeLength);
  const data = bytes.subarray(nl + 1 + head.codeLength, nl + 1 + head.codeLength + head.dataLength);
  return { ...head, code, data };
}

let cached: NativeImage | null = null;

/** The build's image, or one made now (a checkout that was not built, or a removed file). */
export function nativeImage(): NativeImage {
  return (cached ??= readImage() ?? buildImage());
}
