// The Assembler: methods named after the mnemonics (a.add(rax, 1), a.mov(qword(rbp, -8), rax),
// a.jl(label)), labels with forward references, jump relaxation, and relocations against named
// symbols. Instructions are encoded as they are issued into byte chunks; jumps to labels sit
// between chunks and start short, and `finish` grows the ones out of rel8 range until the layout
// is stable (nasm's multi-pass optimisation gives the same result).
import { EncodeError, Fixup, encodeForm } from './encode.js';
import { Imm, Label, Mem, Sym, SymAbs } from './operand.js';
import { instrText } from './print.js';
import { Gp, Gp16, Gp32, Gp64, Gp8, Xmm } from './regs.js';
import { CONDITIONS } from './forms.js';
import { SelectOperand, plainOperands, selectForm } from './select.js';

export type RelocType = 'R_X86_64_PC32' | 'R_X86_64_PLT32' | 'R_X86_64_64' | 'R_X86_64_32S' | 'R_X86_64_32';

export interface Reloc {
  /** Offset of the field to patch. */
  offset: number;
  type: RelocType;
  symbol: string;
  /** ELF addend (PC-relative ones include -4 and any bytes after the field). */
  addend: number;
}

export interface MachineCode {
  bytes: Uint8Array;
  relocs: Reloc[];
  labelOffset(l: Label): number;
  comments: { offset: number; text: string }[];
  listing: { offset: number; length: number; text: string }[];
  /**
   * The resolved PC-relative references to labels (not jumps): the field, the label's offset and
   * the addend, value = target + addend - offset — what it takes to move a label's bytes away.
   */
  labelRefs: { offset: number; target: number; addend: number }[];
  /** With a listing: the offset of every label bound (by id; the listing names them L<id>). */
  labels: { id: number; offset: number }[];
}

type Imm_ = number | bigint | Imm;
type JumpTarget = Label | Sym | Gp64 | Mem;

const CC = new Map(CONDITIONS);

interface Chunk {
  bytes: number[];
  /** Label fixups (rel32 to a label) and symbol relocations within this chunk. */
  fixups: { at: number; fix: Fixup; pcrel: RelocType }[];
  abs: { at: number; sym: SymAbs }[];
  /** A relaxable jump ending this chunk: condition (-1: jmp), target, and whether it is near. */
  jump: { cc: number; target: Label; near: boolean; forceNear: boolean } | null;
  /** Labels bound at offsets within this chunk. */
  labels: { label: Label; at: number }[];
  /** Alignment padding request at the end of the chunk. */
  align: number;
  listing: { at: number; length: number; text: string }[];
  comments: { at: number; text: string }[];
}

const newChunk = (): Chunk => ({ bytes: [], fixups: [], abs: [], jump: null, labels: [], align: 0, listing: [], comments: [] });

/** Multi-byte NOPs (Intel's recommended forms) for alignment padding, by length. */
const NOPS: number[][] = [
  [], [0x90], [0x66, 0x90], [0x0f, 0x1f, 0x00], [0x0f, 0x1f, 0x40, 0x00], [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00], [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00], [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

export function nopBytes(n: number): number[] {
  const out: number[] = [];
  while (n > 0) {
    const k = Math.min(n, 9);
    out.push(...NOPS[k]);
    n -= k;
  }
  return out;
}

export class Assembler {
  private chunks: Chunk[] = [newChunk()];
  private cur: Chunk = this.chunks[0];
  private readonly bound = new Set<Label>();
  private readonly listingOn: boolean;

  constructor(opts: { listing?: boolean } = {}) {
    this.listingOn = opts.listing ?? false;
  }

  newLabel(): Label {
    return new Label();
  }

  bind(l: Label): void {
    if (this.bound.has(l)) throw new EncodeError(`label L${l.id} bound twice`);
    this.bound.add(l);
    this.cur.labels.push({ label: l, at: this.cur.bytes.length });
  }

  comment(text: string): void {
    this.cur.comments.push({ at: this.cur.bytes.length, text });
  }

  /** Encodes `mnemonic` with `ops` (selecting the shortest form, nasm's choice on ties). */
  emit(mnemonic: string, ...ops: SelectOperand[]): void {
    const norm = ops.map((o) => (typeof o === 'number' ? BigInt(o) : o)) as SelectOperand[];
    const form = selectForm(mnemonic, norm);
    if (!form) throw new EncodeError(`no encoding for '${instrText(mnemonic, norm)}'`);
    const c = this.cur;
    const at = c.bytes.length;
    let fix: Fixup | null;
    try {
      fix = encodeForm(form, plainOperands(norm), c.bytes);
    } catch (e) {
      c.bytes.length = at;
      if (e instanceof EncodeError) throw new EncodeError(`${e.message}: '${instrText(mnemonic, norm)}'`);
      throw e;
    }
    if (fix) c.fixups.push({ at, fix, pcrel: 'R_X86_64_PC32' });
    if (this.listingOn) c.listing.push({ at, length: c.bytes.length - at, text: instrText(mnemonic, norm) });
  }

  private raw(bytes: number[], text: string): void {
    const c = this.cur;
    const at = c.bytes.length;
    for (const b of bytes) c.bytes.push(b);
    if (this.listingOn) c.listing.push({ at, length: bytes.length, text });
  }

  /** rel32 to a label or a symbol after `prefix` bytes (call, jmp/jcc near to a symbol). */
  private rel32(prefix: number[], target: Label | Sym, text: string, type: RelocType): void {
    const c = this.cur;
    const at = c.bytes.length;
    for (const b of prefix) c.bytes.push(b);
    const offset = c.bytes.length - at;
    c.bytes.push(0, 0, 0, 0);
    c.fixups.push({ at, fix: { offset, target, addend: target instanceof Sym ? target.addend : 0, after: 0 }, pcrel: type });
    if (this.listingOn) c.listing.push({ at, length: c.bytes.length - at, text });
  }

  private branch(cc: number, target: Label, forceNear: boolean): void {
    this.cur.jump = { cc, target, near: forceNear, forceNear };
    const next = newChunk();
    this.chunks.push(next);
    this.cur = next;
  }

  // --- control flow ---------------------------------------------------------------------

  jmp(t: JumpTarget): void {
    if (t instanceof Label) this.branch(-1, t, false);
    else if (t instanceof Sym) this.rel32([0xe9], t, `jmp ${t}`, 'R_X86_64_PLT32');
    else this.emit('jmp', t);
  }
  jmpNear(t: Label): void { this.branch(-1, t, true); }
  call(t: JumpTarget): void {
    if (t instanceof Label || t instanceof Sym) this.rel32([0xe8], t, `call ${t instanceof Label ? `L${t.id}` : t}`, 'R_X86_64_PLT32');
    else this.emit('call', t);
  }
  jcc(cc: string, t: Label | Sym): void {
    const n = CC.get(cc);
    if (n === undefined) throw new EncodeError(`unknown condition '${cc}'`);
    if (t instanceof Sym) this.rel32([0x0f, 0x80 + n], t, `j${cc} ${t}`, 'R_X86_64_PLT32');
    else this.branch(n, t, false);
  }
  jccNear(cc: string, t: Label): void {
    const n = CC.get(cc);
    if (n === undefined) throw new EncodeError(`unknown condition '${cc}'`);
    this.branch(n, t, true);
  }
  ret(n?: number): void { if (n === undefined) this.emit('ret'); else this.emit('ret', new Imm(BigInt(n), 16)); }

  // --- data -------------------------------------------------------------------------------

  db(bytes: ArrayLike<number>): void { this.raw(Array.from(bytes, (b) => b & 0xff), `db ${Array.from(bytes).join(', ')}`); }
  dd(v: number): void {
    const x = v >>> 0;
    this.raw([x & 0xff, (x >> 8) & 0xff, (x >> 16) & 0xff, x >>> 24], `dd ${v}`);
  }
  dq(v: number | bigint | SymAbs): void {
    if (v instanceof SymAbs) {
      this.cur.abs.push({ at: this.cur.bytes.length, sym: v });
      this.raw([0, 0, 0, 0, 0, 0, 0, 0], `dq ${v.name}`);
      return;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    const b: number[] = [];
    for (let i = 0; i < 8; i++) { b.push(Number(x & 0xffn)); x >>= 8n; }
    this.raw(b, `dq ${BigInt(v)}`);
  }
  align(n: number): void {
    this.cur.align = n;
    const next = newChunk();
    this.chunks.push(next);
    this.cur = next;
  }

  // --- the instruction set (see forms.ts for every accepted operand combination) ----------

  mov(d: Gp64, s: Gp64 | Mem | Imm_ | SymAbs): void;
  mov(d: Gp32, s: Gp32 | Mem | Imm_): void;
  mov(d: Gp16, s: Gp16 | Mem | Imm_): void;
  mov(d: Gp8, s: Gp8 | Mem | Imm_): void;
  mov(d: Mem, s: Gp | Imm_): void;
  mov(d: Gp | Mem, s: Gp | Mem | Imm_ | SymAbs): void {
    if (s instanceof SymAbs) {
      // movabs r64, imm64 with the symbol's address filled by the linker/loader.
      if (!(d instanceof Gp64)) throw new EncodeError('mov of a symbol address needs a 64-bit register');
      const c = this.cur;
      const at = c.bytes.length;
      c.bytes.push(0x48 | (d.num >= 8 ? 1 : 0), 0xb8 + (d.num & 7));
      c.abs.push({ at: c.bytes.length, sym: s });
      c.bytes.push(0, 0, 0, 0, 0, 0, 0, 0);
      if (this.listingOn) c.listing.push({ at, length: 10, text: `mov ${d.name}, ${s.name}` });
      return;
    }
    this.emit('mov', d, s as SelectOperand);
  }

  add(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('add', d, s as SelectOperand); }
  or(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('or', d, s as SelectOperand); }
  adc(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('adc', d, s as SelectOperand); }
  sbb(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('sbb', d, s as SelectOperand); }
  and(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('and', d, s as SelectOperand); }
  sub(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('sub', d, s as SelectOperand); }
  xor(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('xor', d, s as SelectOperand); }
  cmp(d: Gp | Mem, s: Gp | Mem | Imm_): void { this.emit('cmp', d, s as SelectOperand); }
  test(d: Gp | Mem, s: Gp | Imm_): void { this.emit('test', d, s as SelectOperand); }
  xchg(d: Gp | Mem, s: Gp | Mem): void { this.emit('xchg', d, s); }
  lea(d: Gp64 | Gp32 | Gp16, s: Mem): void { this.emit('lea', d, s); }
  movzx(d: Gp64 | Gp32 | Gp16, s: Gp8 | Gp16 | Mem): void { this.emit('movzx', d, s); }
  movsx(d: Gp64 | Gp32 | Gp16, s: Gp8 | Gp16 | Mem): void { this.emit('movsx', d, s); }
  movsxd(d: Gp64, s: Gp32 | Mem): void { this.emit('movsxd', d, s); }
  inc(d: Gp | Mem): void { this.emit('inc', d); }
  dec(d: Gp | Mem): void { this.emit('dec', d); }
  neg(d: Gp | Mem): void { this.emit('neg', d); }
  not(d: Gp | Mem): void { this.emit('not', d); }
  mul(s: Gp | Mem): void { this.emit('mul', s); }
  div(s: Gp | Mem): void { this.emit('div', s); }
  idiv(s: Gp | Mem): void { this.emit('idiv', s); }
  imul(d: Gp | Mem, s?: Gp | Mem | Imm_, k?: Imm_): void {
    if (s === undefined) this.emit('imul', d);
    else if (k !== undefined) this.emit('imul', d, s as SelectOperand, k as SelectOperand);
    else if (typeof s === 'number' || typeof s === 'bigint' || s instanceof Imm) this.emit('imul', d, d, s as SelectOperand);
    else this.emit('imul', d, s);
  }
  cqo(): void { this.emit('cqo'); }
  cdq(): void { this.emit('cdq'); }
  cwd(): void { this.emit('cwd'); }
  cdqe(): void { this.emit('cdqe'); }
  cwde(): void { this.emit('cwde'); }
  cbw(): void { this.emit('cbw'); }
  shl(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('shl', d, n as SelectOperand); }
  sal(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('sal', d, n as SelectOperand); }
  shr(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('shr', d, n as SelectOperand); }
  sar(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('sar', d, n as SelectOperand); }
  rol(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('rol', d, n as SelectOperand); }
  ror(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('ror', d, n as SelectOperand); }
  rcl(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('rcl', d, n as SelectOperand); }
  rcr(d: Gp | Mem, n: Gp8 | Imm_): void { this.emit('rcr', d, n as SelectOperand); }
  setcc(cc: string, d: Gp8 | Mem): void { this.emit(`set${cc}`, d); }
  cmovcc(cc: string, d: Gp, s: Gp | Mem): void { this.emit(`cmov${cc}`, d, s); }
  bt(d: Gp | Mem, s: Gp | Imm_): void { this.emit('bt', d, s as SelectOperand); }
  bts(d: Gp | Mem, s: Gp | Imm_): void { this.emit('bts', d, s as SelectOperand); }
  btr(d: Gp | Mem, s: Gp | Imm_): void { this.emit('btr', d, s as SelectOperand); }
  btc(d: Gp | Mem, s: Gp | Imm_): void { this.emit('btc', d, s as SelectOperand); }
  bsf(d: Gp, s: Gp | Mem): void { this.emit('bsf', d, s); }
  bsr(d: Gp, s: Gp | Mem): void { this.emit('bsr', d, s); }
  popcnt(d: Gp, s: Gp | Mem): void { this.emit('popcnt', d, s); }
  lzcnt(d: Gp, s: Gp | Mem): void { this.emit('lzcnt', d, s); }
  tzcnt(d: Gp, s: Gp | Mem): void { this.emit('tzcnt', d, s); }
  bswap(d: Gp64 | Gp32): void { this.emit('bswap', d); }
  push(s: Gp64 | Mem | Imm_): void { this.emit('push', s as SelectOperand); }
  pop(d: Gp64 | Mem): void { this.emit('pop', d); }
  nop(n = 1): void { if (n === 1) this.emit('nop'); else this.raw(nopBytes(n), `nop${n}`); }
  int3(): void { this.emit('int3'); }
  ud2(): void { this.emit('ud2'); }
  syscall(): void { this.emit('syscall'); }
  leave(): void { this.emit('leave'); }
  cld(): void { this.emit('cld'); }
  rep_movsb(): void { this.emit('rep_movsb'); }
  rep_stosb(): void { this.emit('rep_stosb'); }
  rep_stosq(): void { this.emit('rep_stosq'); }
  movsd(d: Xmm | Mem, s: Xmm | Mem): void { this.emit('movsd', d, s); }
  movss(d: Xmm | Mem, s: Xmm | Mem): void { this.emit('movss', d, s); }
  movq(d: Xmm | Gp64 | Mem, s: Xmm | Gp64 | Mem): void { this.emit('movq', d, s); }
  movd(d: Xmm | Gp32 | Mem, s: Xmm | Gp32 | Mem): void { this.emit('movd', d, s); }
  movapd(d: Xmm | Mem, s: Xmm | Mem): void { this.emit('movapd', d, s); }
  movaps(d: Xmm | Mem, s: Xmm | Mem): void { this.emit('movaps', d, s); }
  movupd(d: Xmm | Mem, s: Xmm | Mem): void { this.emit('movupd', d, s); }
  addsd(d: Xmm, s: Xmm | Mem): void { this.emit('addsd', d, s); }
  subsd(d: Xmm, s: Xmm | Mem): void { this.emit('subsd', d, s); }
  mulsd(d: Xmm, s: Xmm | Mem): void { this.emit('mulsd', d, s); }
  divsd(d: Xmm, s: Xmm | Mem): void { this.emit('divsd', d, s); }
  sqrtsd(d: Xmm, s: Xmm | Mem): void { this.emit('sqrtsd', d, s); }
  minsd(d: Xmm, s: Xmm | Mem): void { this.emit('minsd', d, s); }
  maxsd(d: Xmm, s: Xmm | Mem): void { this.emit('maxsd', d, s); }
  ucomisd(d: Xmm, s: Xmm | Mem): void { this.emit('ucomisd', d, s); }
  comisd(d: Xmm, s: Xmm | Mem): void { this.emit('comisd', d, s); }
  cvtsi2sd(d: Xmm, s: Gp64 | Gp32 | Mem): void { this.emit('cvtsi2sd', d, s); }
  cvttsd2si(d: Gp64 | Gp32, s: Xmm | Mem): void { this.emit('cvttsd2si', d, s); }
  cvtsd2si(d: Gp64 | Gp32, s: Xmm | Mem): void { this.emit('cvtsd2si', d, s); }
  cvtss2sd(d: Xmm, s: Xmm | Mem): void { this.emit('cvtss2sd', d, s); }
  cvtsd2ss(d: Xmm, s: Xmm | Mem): void { this.emit('cvtsd2ss', d, s); }
  andpd(d: Xmm, s: Xmm | Mem): void { this.emit('andpd', d, s instanceof Mem ? s.withSize(128) : s); }
  andnpd(d: Xmm, s: Xmm | Mem): void { this.emit('andnpd', d, s instanceof Mem ? s.withSize(128) : s); }
  orpd(d: Xmm, s: Xmm | Mem): void { this.emit('orpd', d, s instanceof Mem ? s.withSize(128) : s); }
  xorpd(d: Xmm, s: Xmm | Mem): void { this.emit('xorpd', d, s instanceof Mem ? s.withSize(128) : s); }
  xorps(d: Xmm, s: Xmm | Mem): void { this.emit('xorps', d, s instanceof Mem ? s.withSize(128) : s); }
  pxor(d: Xmm, s: Xmm | Mem): void { this.emit('pxor', d, s instanceof Mem ? s.withSize(128) : s); }
  roundsd(d: Xmm, s: Xmm | Mem, mode: number): void { this.emit('roundsd', d, s, new Imm(BigInt(mode), 8)); }

  // Condition-code shortcuts (jumps take labels; setcc a byte register or byte memory).
  je(t: Label): void { this.jcc('e', t); } jne(t: Label): void { this.jcc('ne', t); }
  jz(t: Label): void { this.jcc('z', t); } jnz(t: Label): void { this.jcc('nz', t); }
  jl(t: Label): void { this.jcc('l', t); } jle(t: Label): void { this.jcc('le', t); }
  jg(t: Label): void { this.jcc('g', t); } jge(t: Label): void { this.jcc('ge', t); }
  jb(t: Label): void { this.jcc('b', t); } jbe(t: Label): void { this.jcc('be', t); }
  ja(t: Label): void { this.jcc('a', t); } jae(t: Label): void { this.jcc('ae', t); }
  js(t: Label): void { this.jcc('s', t); } jns(t: Label): void { this.jcc('ns', t); }
  jo(t: Label): void { this.jcc('o', t); } jno(t: Label): void { this.jcc('no', t); }
  jp(t: Label): void { this.jcc('p', t); } jnp(t: Label): void { this.jcc('np', t); }
  sete(d: Gp8 | Mem): void { this.setcc('e', d); } setne(d: Gp8 | Mem): void { this.setcc('ne', d); }
  setl(d: Gp8 | Mem): void { this.setcc('l', d); } setle(d: Gp8 | Mem): void { this.setcc('le', d); }
  setg(d: Gp8 | Mem): void { this.setcc('g', d); } setge(d: Gp8 | Mem): void { this.setcc('ge', d); }
  setb(d: Gp8 | Mem): void { this.setcc('b', d); } setbe(d: Gp8 | Mem): void { this.setcc('be', d); }
  seta(d: Gp8 | Mem): void { this.setcc('a', d); } setae(d: Gp8 | Mem): void { this.setcc('ae', d); }
  setp(d: Gp8 | Mem): void { this.setcc('p', d); } setnp(d: Gp8 | Mem): void { this.setcc('np', d); }
  cmove(d: Gp, s: Gp | Mem): void { this.cmovcc('e', d, s); } cmovne(d: Gp, s: Gp | Mem): void { this.cmovcc('ne', d, s); }
  cmovl(d: Gp, s: Gp | Mem): void { this.cmovcc('l', d, s); } cmovle(d: Gp, s: Gp | Mem): void { this.cmovcc('le', d, s); }
  cmovg(d: Gp, s: Gp | Mem): void { this.cmovcc('g', d, s); } cmovge(d: Gp, s: Gp | Mem): void { this.cmovcc('ge', d, s); }
  cmovb(d: Gp, s: Gp | Mem): void { this.cmovcc('b', d, s); } cmovbe(d: Gp, s: Gp | Mem): void { this.cmovcc('be', d, s); }
  cmova(d: Gp, s: Gp | Mem): void { this.cmovcc('a', d, s); } cmovae(d: Gp, s: Gp | Mem): void { this.cmovcc('ae', d, s); }

  // --- layout -----------------------------------------------------------------------------

  finish(): MachineCode {
    const chunks = this.chunks;
    for (const c of chunks) if (c.jump && !this.bound.has(c.jump.target)) throw new EncodeError(`jump to label L${c.jump.target.id}, which is never bound`);
    const labelChunk = new Map<Label, { chunk: number; at: number }>();
    chunks.forEach((c, i) => c.labels.forEach((l) => labelChunk.set(l.label, { chunk: i, at: l.at })));
    const starts = new Array<number>(chunks.length + 1);
    const pads = new Array<number>(chunks.length).fill(0);
    const jumpLen = (j: NonNullable<Chunk['jump']>) => (j.near ? (j.cc < 0 ? 5 : 6) : 2);
    // Relax: grow short jumps that do not reach until nothing changes (only growth, so it ends).
    for (let changed = true; changed; ) {
      changed = false;
      let pos = 0;
      for (let i = 0; i < chunks.length; i++) {
        starts[i] = pos;
        const c = chunks[i];
        pos += c.bytes.length + (c.jump ? jumpLen(c.jump) : 0);
        pads[i] = c.align ? (c.align - (pos % c.align)) % c.align : 0;
        pos += pads[i];
      }
      starts[chunks.length] = pos;
      for (let i = 0; i < chunks.length; i++) {
        const j = chunks[i].jump;
        if (!j || j.near) continue;
        const t = labelChunk.get(j.target)!;
        const end = starts[i] + chunks[i].bytes.length + 2;
        const d = starts[t.chunk] + t.at - end;
        if (d < -128 || d > 127) { j.near = true; changed = true; }
      }
    }
    const total = starts[chunks.length];
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    const relocs: Reloc[] = [];
    const labelAddr = (l: Label) => {
      const t = labelChunk.get(l);
      if (!t) throw new EncodeError(`label L${l.id} is used but never bound`);
      return starts[t.chunk] + t.at;
    };
    const listing: MachineCode['listing'] = [];
    const comments: MachineCode['comments'] = [];
    const labelRefs: MachineCode['labelRefs'] = [];
    chunks.forEach((c, i) => {
      const s = starts[i];
      bytes.set(c.bytes, s);
      for (const { at, fix, pcrel } of c.fixups) {
        const field = s + at + fix.offset;
        if (fix.target instanceof Label) {
          const d = labelAddr(fix.target) + fix.addend - (field + 4 + fix.after);
          view.setInt32(field, d, true);
          labelRefs.push({ offset: field, target: labelAddr(fix.target), addend: fix.addend - 4 - fix.after });
        } else relocs.push({ offset: field, type: pcrel, symbol: fix.target.name, addend: fix.addend - 4 - fix.after });
      }
      for (const { at, sym } of c.abs) relocs.push({ offset: s + at, type: 'R_X86_64_64', symbol: sym.name, addend: sym.addend });
      let end = s + c.bytes.length;
      for (const l of c.listing) listing.push({ offset: s + l.at, length: l.length, text: l.text });
      for (const m of c.comments) comments.push({ offset: s + m.at, text: m.text });
      if (c.jump) {
        const j = c.jump;
        const len = jumpLen(j);
        const d = labelAddr(j.target) - (end + len);
        if (!j.near) { bytes[end] = j.cc < 0 ? 0xeb : 0x70 + j.cc; view.setInt8(end + 1, d); }
        else if (j.cc < 0) { bytes[end] = 0xe9; view.setInt32(end + 1, d, true); }
        else { bytes[end] = 0x0f; bytes[end + 1] = 0x80 + j.cc; view.setInt32(end + 2, d, true); }
        listing.push({ offset: end, length: len, text: `${j.cc < 0 ? 'jmp' : 'j' + CONDITIONS.find(([, n]) => n === j.cc)![0]} L${j.target.id}` });
        end += len;
      }
      if (pads[i]) {
        const nop = nopBytes(pads[i]);
        bytes.set(nop, end);
      }
    });
    const labels = this.listingOn ? [...labelChunk].map(([l, t]) => ({ id: l.id, offset: starts[t.chunk] + t.at })) : [];
    return { bytes, relocs, labelOffset: labelAddr, comments, listing: this.listingOn ? listing : [], labelRefs, labels };
  }
}
