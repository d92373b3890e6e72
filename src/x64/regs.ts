// Registers as typed singletons. Each has its width and hardware number; the classes are
// distinct (a brand field) so TypeScript rejects `add(eax, rbx)`. The byte registers carry the
// REX rules: spl/bpl/sil/dil and r8b–r15b need a REX prefix, ah/ch/dh/bh cannot have one.

export type RegSize = 8 | 16 | 32 | 64;

export class Gp<S extends RegSize = RegSize> {
  readonly kind = 'gp' as const;
  constructor(
    readonly name: string,
    readonly size: S,
    /** Hardware number 0–15 (for ah/ch/dh/bh: 4–7 without REX). */
    readonly num: number,
    /** spl/bpl/sil/dil: addressable only with a REX prefix. */
    readonly needsRex = false,
    /** ah/ch/dh/bh: addressable only without one. */
    readonly highByte = false,
  ) {
    Object.freeze(this);
  }
  toString(): string { return this.name; }
}

export class Gp64 extends Gp<64> { declare readonly brand64: never; }
export class Gp32 extends Gp<32> { declare readonly brand32: never; }
export class Gp16 extends Gp<16> { declare readonly brand16: never; }
export class Gp8 extends Gp<8> { declare readonly brand8: never; }

export class Xmm {
  readonly kind = 'xmm' as const;
  readonly size = 128;
  constructor(readonly name: string, readonly num: number) {
    Object.freeze(this);
  }
  toString(): string { return this.name; }
}

const N64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const N32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const N16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const N8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];

export const GP64: readonly Gp64[] = Array.from({ length: 16 }, (_, i) => new Gp64(i < 8 ? N64[i] : `r${i}`, 64, i));
export const GP32: readonly Gp32[] = Array.from({ length: 16 }, (_, i) => new Gp32(i < 8 ? N32[i] : `r${i}d`, 32, i));
export const GP16: readonly Gp16[] = Array.from({ length: 16 }, (_, i) => new Gp16(i < 8 ? N16[i] : `r${i}w`, 16, i));
export const GP8: readonly Gp8[] = Array.from({ length: 16 }, (_, i) => new Gp8(i < 8 ? N8[i] : `r${i}b`, 8, i, i >= 4 && i < 8));
export const XMM: readonly Xmm[] = Array.from({ length: 16 }, (_, i) => new Xmm(`xmm${i}`, i));
export const HIGH8: readonly Gp8[] = ['ah', 'ch', 'dh', 'bh'].map((n, i) => new Gp8(n, 8, 4 + i, false, true));

export const [rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15] = GP64;
export const [eax, ecx, edx, ebx, esp, ebp, esi, edi, r8d, r9d, r10d, r11d, r12d, r13d, r14d, r15d] = GP32;
export const [ax, cx, dx, bx, sp, bp, si, di, r8w, r9w, r10w, r11w, r12w, r13w, r14w, r15w] = GP16;
export const [al, cl, dl, bl, spl, bpl, sil, dil, r8b, r9b, r10b, r11b, r12b, r13b, r14b, r15b] = GP8;
export const [ah, ch, dh, bh] = HIGH8;
export const [xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15] = XMM;

export type AnyGp = Gp64 | Gp32 | Gp16 | Gp8;
export type Reg = AnyGp | Xmm;
