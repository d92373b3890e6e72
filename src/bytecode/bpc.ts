// The .bpc file: a BytecodeModule on disk. Little-endian; strings are u32 length + bytes.
//   magic "BPJC", u32 format version, u32 payload length, payload, u32 FNV-1a checksum of payload
// The payload holds the module's tables in a fixed order. Reading never trusts a length: every
// read is bounds-checked, so a truncated or corrupted file gives BpcError, never a crash or a
// runaway loop; the verifier (verify.ts) then checks what the VM relies on.
import type { BcFunction, BytecodeModule, Const } from './module.js';

const BPC_MAGIC = 'BPJC';
const BPC_VERSION = 3;

export class BpcError extends Error {}

class Writer {
  private buf = Buffer.alloc(1 << 16);
  private n = 0;
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = Buffer.alloc(size);
    this.buf.copy(b, 0, 0, this.n);
    this.buf = b;
  }
  u8(v: number): void { this.room(1); this.buf[this.n++] = v; }
  u32(v: number): void { this.room(4); this.buf.writeUInt32LE(v >>> 0, this.n); this.n += 4; }
  i32(v: number): void { this.room(4); this.buf.writeInt32LE(v, this.n); this.n += 4; }
  i64(v: bigint): void { this.room(8); this.buf.writeBigInt64LE(v, this.n); this.n += 8; }
  f64(v: number): void { this.room(8); this.buf.writeDoubleLE(v, this.n); this.n += 8; }
  str(s: string): void { this.u32(s.length); this.room(s.length); this.buf.write(s, this.n, 'latin1'); this.n += s.length; }
  i32s(a: Int32Array): void { this.u32(a.length); for (const v of a) this.i32(v); }
  bytes(): Buffer { return this.buf.subarray(0, this.n); }
}

class Reader {
  private p = 0;
  constructor(private readonly buf: Buffer) {}
  private need(k: number, what: string): void {
    if (k < 0 || this.p + k > this.buf.length) throw new BpcError(`truncated file (reading ${what})`);
  }
  u8(what: string): number { this.need(1, what); return this.buf[this.p++]; }
  u32(what: string): number { this.need(4, what); const v = this.buf.readUInt32LE(this.p); this.p += 4; return v; }
  i32(what: string): number { this.need(4, what); const v = this.buf.readInt32LE(this.p); this.p += 4; return v; }
  i64(what: string): bigint { this.need(8, what); const v = this.buf.readBigInt64LE(this.p); this.p += 8; return v; }
  f64(what: string): number { this.need(8, what); const v = this.buf.readDoubleLE(this.p); this.p += 8; return v; }
  str(what: string): string {
    const n = this.u32(what);
    this.need(n, what);
    const s = this.buf.toString('latin1', this.p, this.p + n);
    this.p += n;
    return s;
  }
  /** A count of items that each take at least `min` bytes: bounded by what is left. */
  count(what: string, min = 1): number {
    const n = this.u32(what);
    if (n * min > this.buf.length - this.p) throw new BpcError(`corrupted file (bad ${what} count ${n})`);
    return n;
  }
  i32s(what: string): Int32Array {
    const n = this.count(what, 4);
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = this.i32(what);
    return a;
  }
  get done(): boolean { return this.p === this.buf.length; }
}

function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

const CONST_TAGS = ['int', 'float', 'str', 'type', 'spec'] as const;

export function writeBpc(mod: BytecodeModule): Buffer {
  const w = new Writer();
  w.u32(mod.files.length);
  for (const f of mod.files) w.str(f);
  w.u32(mod.consts.length);
  for (const c of mod.consts) {
    w.u8(CONST_TAGS.indexOf(c.tag));
    if (c.tag === 'int') w.i64(c.value);
    else if (c.tag === 'float') w.f64(c.value);
    else w.str(c.value);
  }
  w.u32(mod.functions.length);
  for (const f of mod.functions) {
    w.str(f.name);
    w.u32(f.arity);
    w.u32(f.ncaps);
    w.u32(f.regKinds.length);
    for (let i = 0; i < f.regKinds.length; i++) { w.u8(f.regKinds[i]); w.str(f.regTypes[i]); }
    w.str(f.ret);
    w.i32s(f.code);
    w.i32s(f.lines);
    w.u32(f.file);
    w.u32(f.defLine);
    w.u32(f.handlers.length);
    for (const h of f.handlers) { w.u32(h.start); w.u32(h.end); w.u32(h.target); w.i32(h.reg); }
  }
  w.u32(mod.globals.length);
  for (const g of mod.globals) { w.str(g.name); w.str(g.type); }
  const fields = (fs: { name: string; type: string }[]) => { w.u32(fs.length); for (const f of fs) { w.str(f.name); w.str(f.type); } };
  w.u32(mod.structs.length);
  for (const s of mod.structs) { w.str(s.name); fields(s.fields); }
  w.u32(mod.classes.length);
  for (const c of mod.classes) {
    w.str(c.name); w.i32(c.base); fields(c.fields);
    w.i32s(Int32Array.from(c.vtable)); w.i32(c.initSlot);
  }
  w.u32(mod.externs.length);
  for (const e of mod.externs) {
    w.str(e.name); w.str(e.lib); w.str(e.symbol); w.str(e.ret);
    w.u32(e.params.length);
    for (const p of e.params) w.str(p);
    w.u32(e.file); w.u32(e.line);
  }
  w.i32(mod.init);
  w.i32(mod.entry);
  return sealBpc(w.bytes());
}

/** A .bpc file of `payload`: the header (magic, version, length) and its checksum around it. */
export function sealBpc(payload: Uint8Array): Buffer {
  const head = Buffer.alloc(12);
  head.write(BPC_MAGIC, 0, 'latin1');
  head.writeUInt32LE(BPC_VERSION, 4);
  head.writeUInt32LE(payload.length, 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(fnv1a(payload), 0);
  return Buffer.concat([head, payload, tail]);
}

export function readBpc(file: Buffer): BytecodeModule {
  if (file.length < 16 || file.toString('latin1', 0, 4) !== BPC_MAGIC) throw new BpcError('not a bpjit .bpc file (bad magic)');
  const version = file.readUInt32LE(4);
  if (version !== BPC_VERSION) throw new BpcError(`unsupported .bpc version ${version} (this bpjit reads version ${BPC_VERSION}; recompile the program)`);
  const len = file.readUInt32LE(8);
  if (12 + len + 4 !== file.length) throw new BpcError(`truncated or padded file (payload says ${len} bytes, file has ${Math.max(0, file.length - 16)})`);
  const payload = file.subarray(12, 12 + len);
  if (fnv1a(payload) !== file.readUInt32LE(12 + len)) throw new BpcError('corrupted file (checksum mismatch)');
  const r = new Reader(payload);
  const files = Array.from({ length: r.count('files', 4) }, () => r.str('file name'));
  const consts: Const[] = [];
  for (let n = r.count('constants', 5), i = 0; i < n; i++) {
    const tag = CONST_TAGS[r.u8('constant tag')];
    if (!tag) throw new BpcError('corrupted file (bad constant tag)');
    if (tag === 'int') consts.push({ tag, value: r.i64('int constant') });
    else if (tag === 'float') consts.push({ tag, value: r.f64('float constant') });
    else consts.push({ tag, value: r.str('string constant') });
  }
  const functions: BcFunction[] = [];
  for (let n = r.count('functions', 16), i = 0; i < n; i++) {
    const name = r.str('function name');
    const arity = r.u32('arity');
    const ncaps = r.u32('captures');
    const nregs = r.count('registers', 5);
    const regKinds = new Uint8Array(nregs);
    const regTypes: string[] = [];
    for (let k = 0; k < nregs; k++) { regKinds[k] = r.u8('register kind'); regTypes.push(r.str('register type')); }
    const ret = r.str('result type');
    const code = r.i32s('code');
    const lines = r.i32s('line table');
    const file = r.u32('file index');
    const defLine = r.u32('line');
    const handlers = Array.from({ length: r.count('handlers', 16) }, () => ({
      start: r.u32('handler'), end: r.u32('handler'), target: r.u32('handler'), reg: r.i32('handler'),
    }));
    functions.push({ name, arity, ncaps, regKinds, regTypes, ret, code, lines, file, defLine, handlers });
  }
  const fieldList = () => Array.from({ length: r.count('fields', 8) }, () => ({ name: r.str('field name'), type: r.str('field type') }));
  const globals = fieldList();
  const structs = Array.from({ length: r.count('structs', 8) }, () => ({ name: r.str('struct name'), fields: fieldList() }));
  const classes = Array.from({ length: r.count('classes', 16) }, () => ({
    name: r.str('class name'), base: r.i32('base class'), fields: fieldList(), vtable: Array.from(r.i32s('vtable')), initSlot: r.i32('init slot'),
  }));
  const externs = Array.from({ length: r.count('externs', 28) }, () => {
    const name = r.str('extern'), lib = r.str('extern'), symbol = r.str('extern'), ret = r.str('extern');
    const params = Array.from({ length: r.count('extern params', 4) }, () => r.str('extern param'));
    return { name, lib, symbol, ret, params, file: r.u32('extern file'), line: r.u32('extern line') };
  });
  const init = r.i32('init');
  const entry = r.i32('entry');
  if (!r.done) throw new BpcError('corrupted file (trailing bytes)');
  return { files, consts, functions, globals, structs, classes, externs, init, entry };
}
