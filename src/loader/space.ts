// The address space of the in-process tier: one reserved mapping holding everything native code
// touches — the runtime object (the same runtime-asm/runtime.o executables link), the native
// interpreter, the program's data (tables, constants, globals) and the code compiled while it
// runs — so that every reference is a 32-bit displacement, as in an executable.
//
//   code   runtime and interpreter text, then stubs and compiled functions: filled a page run
//          at a time while writable, then read+execute (W^X, see memory.ts)
//   data   the runtime's read-only data (sealed read-only once written), its data and bss, then
//          the program's data, bump-allocated; a mapping of its own inside the reservation, so
//          that the views JavaScript writes through start at its beginning (V8 counts a view's
//          whole length as memory held)
//
// Input arrives as linker input sections (src/elf/link.ts) with relocations against symbols,
// so the runtime object, the lowering's output and generated data all load the same way.
import type { InputSection } from '../elf/index.js';
import type { NativeImage } from './image.js';
import type { Reloc } from '../x64/index.js';
import { PAGE, Region, copyFrom } from './memory.js';

/** The data area starts this far after the code area (the image is linked for it). */
export const CODE_BYTES = 256 << 20;
const DATA_BYTES = 512 << 20;

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

export class NativeSpace {
  readonly region: Region;
  private readonly symbols = new Map<string, bigint>();
  private code = 0;
  /** Offsets in the data area. */
  private data = 0;
  private readonly dataArea: Region;
  private readonly owned: Region[] = [];
  private view: DataView;

  constructor() {
    this.region = new Region(CODE_BYTES + DATA_BYTES);
    // Untouched pages of a private mapping cost nothing: the whole data area is writable at once.
    this.dataArea = this.region.remap(CODE_BYTES, DATA_BYTES, 'rw');
    this.view = new DataView(this.dataArea.bytes(PAGE).buffer);
  }

  get base(): bigint { return this.region.base; }

  /** The data area's bytes [offset, offset+length) (offsets within the data area). */
  private bytes(offset: number, length: number): Uint8Array {
    return this.dataArea.bytes(offset + length).subarray(offset, offset + length);
  }

  private dv(end: number): DataView {
    const all = this.dataArea.bytes(end);
    if (all.buffer !== this.view.buffer) this.view = new DataView(all.buffer);
    return this.view;
  }

  /** Offset of a data address in the data area. */
  private offsetOf(addr: bigint): number {
    const off = Number(addr - this.dataArea.base);
    if (off < 0 || off >= DATA_BYTES) throw new Error('not an address of the native data area');
    return off;
  }
  private codeAddress(offset: number): bigint { return this.region.base + BigInt(offset); }

  define(name: string, addr: bigint): void { this.symbols.set(name, addr); }
  address(name: string): bigint {
    const a = this.symbols.get(name);
    if (a === undefined) throw new Error(`native code refers to '${name}', which nothing defines`);
    return a;
  }
  has(name: string): boolean { return this.symbols.has(name); }

  /** `size` zeroed bytes of the data area; returns the address. */
  alloc(size: number, align = 8): bigint {
    this.data = alignUp(this.data, align);
    const at = this.data;
    this.data += Math.max(size, 1);
    if (this.data > DATA_BYTES) throw new Error('native data area full');
    return this.dataArea.base + BigInt(at);
  }

  /** A copy of `length` bytes at any readable address (strings in code, the heap, the stack). */
  readAny(addr: bigint, length: number): Uint8Array {
    return copyFrom(addr, length);
  }

  /**
   * `bytes` of zeroed read-write memory in a mapping of its own, outside the data area: for
   * large buffers that only native code writes and JavaScript copies out (readAny). In the data
   * area, what comes after one would be written through a view spanning it, which V8 counts as
   * memory held (64 MiB of samples cost a garbage collection, 14 ms, at every bpjit profile).
   */
  scratch(bytes: number): bigint {
    const r = new Region(bytes, undefined, 'rw');
    this.owned.push(r);
    return r.base;
  }

  /** A stack of `bytes` for native code, its lowest `guard` bytes inaccessible. */
  reserveStack(bytes: number, guard: number): Region {
    const r = new Region(bytes, undefined, 'rw');
    r.protect(0, guard, 'none');
    this.owned.push(r);
    return r;
  }

  /** Gives every mapping back (the runtime's heap is the runtime's: see NativeProgram.dispose). */
  dispose(): void {
    for (const r of [...this.owned, this.dataArea, this.region]) r.unmap();
    this.owned.length = 0;
  }

  /** Writes `bytes` at address `addr` of the data area. */
  write(addr: bigint, bytes: Uint8Array): void {
    const off = this.offsetOf(addr);
    this.bytes(off, bytes.length).set(bytes);
  }
  u64(addr: bigint, value: bigint): void { this.dv(this.offsetOf(addr) + 8).setBigUint64(this.offsetOf(addr), BigInt.asUintN(64, value), true); }
  i32(addr: bigint, value: number): void { this.dv(this.offsetOf(addr) + 4).setInt32(this.offsetOf(addr), value, true); }
  readU64(addr: bigint): bigint { return this.dv(this.offsetOf(addr) + 8).getBigUint64(this.offsetOf(addr), true); }
  readI32(addr: bigint): number { return this.dv(this.offsetOf(addr) + 4).getInt32(this.offsetOf(addr), true); }

  /**
   * Places input sections: code in fresh code pages (sealed read+execute), read-only data in
   * the rodata area, data and bss in the data area. Their global symbols are defined first, so
   * sections may refer to each other; then every relocation is applied. Returns each section's
   * address.
   */
  place(sections: InputSection[]): Map<InputSection, bigint> {
    const at = new Map<InputSection, bigint>();
    const codeStart = this.code;
    let code = this.code;
    // read-only data: a page run of its own in the data area
    const ro = sections.filter((s) => s.kind === 'rodata');
    if (ro.length) this.data = alignUp(this.data, PAGE);
    const roStart = this.data;
    for (const s of ro) at.set(s, this.alloc(s.size, Math.max(1, s.align)));
    if (ro.length) this.data = alignUp(this.data, PAGE);
    const roEnd = this.data;
    for (const s of sections) {
      if (s.kind === 'text') {
        code = alignUp(code, Math.max(1, s.align));
        at.set(s, this.codeAddress(code));
        code += s.size;
      } else if (s.kind !== 'rodata') at.set(s, this.alloc(s.size, Math.max(1, s.align)));
    }
    if (code > CODE_BYTES) throw new Error('code cache full');
    for (const [s, addr] of at) for (const sym of s.symbols) if (sym.global) this.symbols.set(sym.name, addr + BigInt(sym.offset));
    // Code: one writable buffer for the page run, relocated, then copied in and sealed.
    const codeEnd = alignUp(code, PAGE);
    const buf = new Uint8Array(codeEnd - codeStart);
    for (const s of sections) {
      const addr = at.get(s)!;
      const bytes = s.kind === 'text' ? buf.subarray(Number(addr - this.region.base) - codeStart, Number(addr - this.region.base) - codeStart + s.size)
        : this.bytes(this.offsetOf(addr), s.size);
      if (s.kind !== 'bss') bytes.set(s.data);
      this.relocate(bytes, addr, s.relocs.map((r) => ({ offset: r.offset, type: r.type, addend: r.addend,
        target: 'symbol' in r.target ? this.address(r.target.symbol) : at.get(r.target.section)! + BigInt(r.target.offset) })));
    }
    if (codeEnd > codeStart) {
      this.region.protect(codeStart, codeEnd - codeStart, 'rw');
      this.region.bytes(codeEnd).set(buf, codeStart);
      this.region.protect(codeStart, codeEnd - codeStart, 'rx');
      this.code = codeEnd;
    }
    // Read-only data is written once, before any code that reads it runs.
    if (roEnd > roStart) this.dataArea.protect(roStart, roEnd - roStart, 'r');
    return at;
  }

  /**
   * Makes room for the native image at the start of both areas and defines its symbols; the
   * image is copied in by fillImage once the program's symbols it refers to are defined.
   */
  reserveImage(img: NativeImage): void {
    if (this.code !== 0 || this.data !== 0) throw new Error('the native image goes first');
    this.code = img.code.length;
    this.data = alignUp(img.dataSize, 16);
    for (const [name, [area, off]] of Object.entries(img.symbols)) this.symbols.set(name, this.areaBase(area) + BigInt(off));
  }

  fillImage(img: NativeImage): void {
    const code = Uint8Array.from(img.code), data = Uint8Array.from(img.data);
    const views = { code: new DataView(code.buffer), data: new DataView(data.buffer) };
    for (const f of img.fixups) {
      const target = (f.symbol !== undefined ? this.address(f.symbol) : this.areaBase(f.target![0]) + BigInt(f.target![1])) + BigInt(f.addend);
      if (f.type === 'R_X86_64_64') views[f.area].setBigUint64(f.offset, target, true);
      else views[f.area].setInt32(f.offset, Number(target - (this.areaBase(f.area) + BigInt(f.offset))), true);
    }
    this.region.protect(0, code.length, 'rw');
    this.region.bytes(code.length).set(code, 0);
    this.region.protect(0, code.length, 'rx');
    this.bytes(0, data.length).set(data);
    if (img.rodataSize) this.dataArea.protect(0, img.rodataSize, 'r');
  }

  private areaBase(area: 'code' | 'data'): bigint {
    return area === 'code' ? this.region.base : this.dataArea.base;
  }

  /** Encoder output (code with relocations against symbols) as one code section named `symbol`. */
  placeCode(symbol: string, bytes: Uint8Array, relocs: Reloc[]): bigint {
    const s: InputSection = {
      name: `.text.${symbol}`, kind: 'text', align: 16, data: bytes, size: bytes.length, origin: 'bpjit',
      relocs: relocs.map((r) => ({ offset: r.offset, type: r.type, target: { symbol: r.symbol }, addend: r.addend })),
      symbols: [{ name: symbol, offset: 0, size: bytes.length, type: 'func', global: true }],
    };
    return this.place([s]).get(s)!;
  }

  private relocate(bytes: Uint8Array, base: bigint, relocs: { offset: number; type: string; target: bigint; addend: number }[]): void {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const r of relocs) {
      const s = r.target + BigInt(r.addend);
      if (r.type === 'R_X86_64_64') v.setBigUint64(r.offset, BigInt.asUintN(64, s), true);
      else if (r.type === 'R_X86_64_PC32' || r.type === 'R_X86_64_PLT32') {
        const d = s - (base + BigInt(r.offset));
        if (d < -(1n << 31n) || d >= 1n << 31n) throw new Error(`relocation out of range at ${r.offset}`);
        v.setInt32(r.offset, Number(d), true);
      } else throw new Error(`relocation ${r.type} cannot be applied in-process`);
    }
  }
}
