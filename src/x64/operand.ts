// Operands besides registers: memory references, immediates, labels and named symbols.
// Memory operands are built with sized helpers, as in nasm: qword(rbp, -8), qword(rbx, rcx, 8, 16),
// qword(null, rcx, 4, 100) (index without base), qword(rip(label)), qword(rip(sym('x'), 4)),
// qword(abs(0x1000)); `mem(...)` is unsized, for lea.
import { Gp64 } from './regs.js';

export class Label {
  private static next = 0;
  readonly id = Label.next++;
  toString(): string { return `L${this.id}`; }
}

/** A named symbol, resolved by the linker or the loader (call/jmp targets, RIP-relative data). */
export class Sym {
  constructor(readonly name: string, readonly addend = 0) {
    Object.freeze(this);
  }
  toString(): string { return this.addend ? `${this.name}${this.addend > 0 ? '+' : ''}${this.addend}` : this.name; }
}

/** The absolute address of a symbol as a 64-bit immediate (mov r64, imm64 / dq). */
export class SymAbs {
  constructor(readonly name: string, readonly addend = 0) {
    Object.freeze(this);
  }
}

/** An immediate of explicit width (forces the form; plain numbers let the encoder choose). */
export class Imm {
  constructor(readonly value: bigint, readonly width: 8 | 16 | 32 | 64) {
    Object.freeze(this);
  }
}

export type MemSize = 0 | 8 | 16 | 32 | 64 | 128;

export class Mem {
  constructor(
    readonly size: MemSize,
    readonly base: Gp64 | null,
    readonly index: Gp64 | null,
    readonly scale: 1 | 2 | 4 | 8,
    readonly disp: number,
    /** RIP-relative to a label or symbol (disp is added to its address). */
    readonly rel: Label | Sym | null = null,
    /** An absolute address with neither base nor index. */
    readonly absolute = false,
  ) {
    Object.freeze(this);
  }
  withSize(size: MemSize): Mem {
    return new Mem(size, this.base, this.index, this.scale, this.disp, this.rel, this.absolute);
  }
}

/** RIP-relative address of a label or symbol, plus an offset. */
export class RipRef {
  constructor(readonly target: Label | Sym, readonly disp = 0) {}
}

export class AbsRef {
  constructor(readonly addr: number) {}
}

export const rip = (target: Label | Sym, disp = 0): RipRef => new RipRef(target, disp);
export const abs = (addr: number): AbsRef => new AbsRef(addr);
export const sym = (name: string, addend = 0): Sym => new Sym(name, addend);
export const symAbs = (name: string, addend = 0): SymAbs => new SymAbs(name, addend);
export const imm8 = (v: number | bigint) => new Imm(BigInt(v), 8);
export const imm16 = (v: number | bigint) => new Imm(BigInt(v), 16);
export const imm32 = (v: number | bigint) => new Imm(BigInt(v), 32);
export const imm64 = (v: number | bigint) => new Imm(BigInt(v), 64);

type MemArgs =
  | [ref: RipRef | AbsRef]
  | [base: Gp64, disp?: number]
  | [base: Gp64 | null, index: Gp64, scale: 1 | 2 | 4 | 8, disp?: number];

function memOf(size: MemSize, args: MemArgs): Mem {
  const [a, b, c, d] = args as [unknown, unknown, unknown, unknown];
  if (a instanceof RipRef) return new Mem(size, null, null, 1, a.disp, a.target);
  if (a instanceof AbsRef) return new Mem(size, null, null, 1, a.addr, null, true);
  if (b instanceof Gp64) return new Mem(size, a as Gp64 | null, b, (c as 1 | 2 | 4 | 8) ?? 1, (d as number) ?? 0);
  return new Mem(size, a as Gp64, null, 1, (b as number) ?? 0);
}

export const byte = (...a: MemArgs): Mem => memOf(8, a);
export const word = (...a: MemArgs): Mem => memOf(16, a);
export const dword = (...a: MemArgs): Mem => memOf(32, a);
export const qword = (...a: MemArgs): Mem => memOf(64, a);
export const oword = (...a: MemArgs): Mem => memOf(128, a);
export const xmmword = oword;
export const mem = (...a: MemArgs): Mem => memOf(0, a);
