// Form selection: the first form of a mnemonic (in forms.ts order, which is nasm's preference)
// whose operand kinds accept the operands. Immediates are judged at the operation's width the way
// nasm judges them: a value is taken modulo 2^width for 8/16/32-bit operations (so `add ax,
// 0xFFFF` is `add ax, -1` and gets the sign-extended byte form), while a 64-bit operation's
// 32-bit immediate must fit as a signed value (it is sign-extended by the CPU).
import { EncodeError, formsOf, Form, OpKind, Operand } from './encode.js';
import { Imm, Mem } from './operand.js';
import { Gp, Xmm } from './regs.js';

export type SelectOperand = Operand | Imm;

const RANGE = (lo: bigint, hi: bigint) => (v: bigint) => v >= lo && v <= hi;
const fitsS8 = RANGE(-128n, 127n);

/** Operation width: the size of the first register or memory operand (for immediates). */
function opWidth(ops: readonly SelectOperand[]): number {
  for (const o of ops) {
    if (o instanceof Gp) return o.size;
    if (o instanceof Mem && o.size) return o.size;
  }
  return 64;
}

function matchImm(kind: OpKind, o: SelectOperand, width: number): boolean {
  const explicit = o instanceof Imm ? o.width : 0;
  const v = o instanceof Imm ? o.value : (o as bigint);
  const wrapped = width < 64 ? BigInt.asIntN(width, v) : v;
  const inWidth = width < 64 ? RANGE(-(1n << BigInt(width - 1)), (1n << BigInt(width)) - 1n)(v) : RANGE(-(1n << 63n), (1n << 64n) - 1n)(v);
  switch (kind) {
    case 'one': return explicit === 0 && v === 1n;
    case 'simm8': return (explicit === 0 || explicit === 8) && inWidth && fitsS8(wrapped);
    case 'imm8': return (explicit === 0 || explicit === 8) && RANGE(-128n, 255n)(v);
    case 'imm16': return (explicit === 0 || explicit === 16) && RANGE(-32768n, 65535n)(v);
    case 'imm32':
      if (explicit !== 0 && explicit !== 32) return false;
      return width === 64 ? RANGE(-(1n << 31n), (1n << 31n) - 1n)(v) : RANGE(-(1n << 31n), (1n << 32n) - 1n)(v);
    case 'uimm32': return explicit === 0 && RANGE(0n, (1n << 32n) - 1n)(v);
    case 'imm64': return (explicit === 0 || explicit === 64) && RANGE(-(1n << 63n), (1n << 64n) - 1n)(v);
    default: return false;
  }
}

function matches(kind: OpKind, o: SelectOperand, width: number): boolean {
  if (typeof o === 'bigint' || o instanceof Imm) return kind.startsWith('imm') || kind === 'simm8' || kind === 'uimm32' || kind === 'one' ? matchImm(kind, o, width) : false;
  switch (kind) {
    case 'r8': return o instanceof Gp && o.size === 8;
    case 'r16': return o instanceof Gp && o.size === 16;
    case 'r32': return o instanceof Gp && o.size === 32;
    case 'r64': return o instanceof Gp && o.size === 64;
    case 'rm8': return (o instanceof Gp && o.size === 8) || (o instanceof Mem && o.size === 8);
    case 'rm16': return (o instanceof Gp && o.size === 16) || (o instanceof Mem && o.size === 16);
    case 'rm32': return (o instanceof Gp && o.size === 32) || (o instanceof Mem && o.size === 32);
    case 'rm64': return (o instanceof Gp && o.size === 64) || (o instanceof Mem && o.size === 64);
    case 'm': return o instanceof Mem;
    case 'm8': case 'm16': case 'm32': case 'm64': case 'm128': return o instanceof Mem && o.size === Number(kind.slice(1));
    case 'xmm': return o instanceof Xmm;
    case 'xmm/m32': return o instanceof Xmm || (o instanceof Mem && o.size === 32);
    case 'xmm/m64': return o instanceof Xmm || (o instanceof Mem && o.size === 64);
    case 'xmm/m128': return o instanceof Xmm || (o instanceof Mem && (o.size === 128 || o.size === 0));
    case 'al': return o instanceof Gp && o.size === 8 && o.num === 0 && !o.highByte;
    case 'ax': return o instanceof Gp && o.size === 16 && o.num === 0;
    case 'eax': return o instanceof Gp && o.size === 32 && o.num === 0;
    case 'rax': return o instanceof Gp && o.size === 64 && o.num === 0;
    case 'cl': return o instanceof Gp && o.size === 8 && o.num === 1 && !o.highByte;
    default: return false;
  }
}

export function selectForm(mnemonic: string, ops: readonly SelectOperand[]): Form | null {
  const forms = formsOf(mnemonic);
  if (!forms) throw new EncodeError(`unknown instruction '${mnemonic}'`);
  const width = opWidth(ops);
  for (const f of forms) {
    if (f.ops.length !== ops.length) continue;
    if (!f.ops.every((k, i) => matches(k, ops[i], width))) continue;
    // xchg eax, eax must not become 90 (nop): in 64-bit mode it zero-extends rax.
    if ((f.enc === 'O' || f.enc === 'O2') && mnemonic === 'xchg' && ops.every((o) => o instanceof Gp && o.size === 32 && o.num === 0)) continue;
    return f;
  }
  return null;
}

/** The operands as the encoder takes them (explicit-width immediates unwrapped). */
export function plainOperands(ops: readonly SelectOperand[]): Operand[] {
  return ops.map((o) => (o instanceof Imm ? o.value : o));
}
