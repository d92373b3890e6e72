// The generic form encoder: interprets a form's opcode column (prefixes, REX.W, opcode bytes,
// ModRM /r or /digit, +r, immediates) for concrete operands. It never looks at a mnemonic: what
// goes where is decided by the form's encoding column (MR, RM, MI, …). Memory operands follow the
// ModRM/SIB rules: rsp/r12 bases need a SIB byte, rbp/r13 bases need a displacement, an index
// without base is SIB + disp32, RIP-relative is mod 00 rm 101 + disp32.
import { FORMS, FormRow } from './forms.js';
import { Label, Mem, Sym } from './operand.js';
import { Gp, Xmm } from './regs.js';

export type OpKind =
  | 'r8' | 'r16' | 'r32' | 'r64' | 'rm8' | 'rm16' | 'rm32' | 'rm64' | 'm' | 'm8' | 'm16' | 'm32' | 'm64' | 'm128'
  | 'xmm' | 'xmm/m32' | 'xmm/m64' | 'xmm/m128' | 'imm8' | 'imm16' | 'imm32' | 'imm64' | 'simm8' | 'uimm32'
  | 'al' | 'ax' | 'eax' | 'rax' | 'cl' | 'one';

export interface Form {
  readonly name: string;
  readonly mnemonic: string;
  readonly ops: readonly OpKind[];
  /** Legacy prefixes emitted before REX (66, F2, F3). */
  readonly prefixes: readonly number[];
  readonly rexW: boolean;
  /** Opcode bytes after the REX prefix (including 0F escapes). */
  readonly opcode: readonly number[];
  /** 'r': ModRM.reg holds a register operand; a number: the /digit; null: no ModRM. */
  readonly modrm: 'r' | number | null;
  /** Register number added to the last opcode byte. */
  readonly plusR: boolean;
  /** Immediate width in bytes (0: none). */
  readonly immBytes: 0 | 1 | 2 | 4 | 8;
  readonly enc: string;
  readonly row: FormRow;
}

const IMM_BYTES: Record<string, 1 | 2 | 4 | 8> = { ib: 1, iw: 2, id: 4, io: 8 };

function parseForm(row: FormRow): Form {
  const [mnemonic, operands, opcode, enc] = row;
  const ops = operands.split(',').map((s) => s.trim()).filter(Boolean) as OpKind[];
  const prefixes: number[] = [], bytes: number[] = [];
  let rexW = false, modrm: 'r' | number | null = null, plusR = false, immBytes: Form['immBytes'] = 0;
  for (const tok of opcode.split(/\s+/)) {
    if (tok === 'REX.W') rexW = true;
    else if (tok === '/r') modrm = 'r';
    else if (/^\/[0-7]$/.test(tok)) modrm = Number(tok[1]);
    else if (IMM_BYTES[tok]) immBytes = IMM_BYTES[tok];
    else if (tok.endsWith('+r')) { bytes.push(parseInt(tok, 16)); plusR = true; }
    else if (/^[0-9A-F]{2}$/.test(tok)) {
      const b = parseInt(tok, 16);
      // Mandatory/legacy prefixes come before REX; everything after them is opcode.
      if (bytes.length === 0 && !rexW && (b === 0x66 || b === 0xf2 || b === 0xf3)) prefixes.push(b);
      else bytes.push(b);
    } else throw new Error(`bad opcode token '${tok}' in form ${mnemonic} ${operands}`);
  }
  const name = [mnemonic, ...ops.map((o) => o.replace('/', '_'))].join('_');
  return { name, mnemonic, ops, prefixes, rexW, opcode: bytes, modrm, plusR, immBytes, enc, row };
}

// The forms table is parsed a mnemonic at a time, when first used: a JIT compile or a build
// needs a few dozen mnemonics of the 1,000-odd rows (parsing them all took 8 ms of start-up).
let rowsByMnemonic: Map<string, FormRow[]> | null = null;
const parsedByMnemonic = new Map<string, readonly Form[]>();

/** Forms of a mnemonic, in preference order. */
export function formsOf(mnemonic: string): readonly Form[] | undefined {
  let forms = parsedByMnemonic.get(mnemonic);
  if (forms) return forms;
  if (!rowsByMnemonic) {
    rowsByMnemonic = new Map();
    for (const row of FORMS) {
      let l = rowsByMnemonic.get(row[0]);
      if (!l) rowsByMnemonic.set(row[0], (l = []));
      l.push(row);
    }
  }
  const rows = rowsByMnemonic.get(mnemonic);
  if (!rows) return undefined;
  forms = rows.map(parseForm);
  parsedByMnemonic.set(mnemonic, forms);
  return forms;
}

/** Every form, in table order (the conformance suite). */
export const parsedForms = (): readonly Form[] => FORMS.map(parseForm);

/** An operand as the encoder sees it. */
export type Operand = Gp | Xmm | Mem | bigint;

/** Where a relocation or label fixup lands inside the encoded bytes. */
export interface Fixup {
  /** Byte offset of the 32-bit field within the instruction. */
  offset: number;
  target: Label | Sym;
  /** Added to the target's address (includes any displacement). */
  addend: number;
  /** Bytes of the instruction after the field (RIP-relative is from the instruction's end). */
  after: number;
}

export class EncodeError extends Error {}

/** Encodes one instruction with form `f`; appends bytes to `out` and returns a fixup if any. */
export function encodeForm(f: Form, operands: readonly Operand[], out: number[]): Fixup | null {
  const start = out.length;
  let reg: number | null = null; // ModRM.reg (register number or digit)
  let rm: Gp | Xmm | Mem | null = null;
  let opReg: number | null = null; // +r register
  let imm: bigint | null = null;
  const ops = f.ops;
  // Map operands to roles by the encoding column.
  const regOps = operands.map((o, i) => ({ o, k: ops[i] }));
  switch (f.enc) {
    case 'MR': rm = operands[0] as Gp | Mem; reg = num(operands[1]); break;
    case 'RM': reg = num(operands[0]); rm = operands[1] as Gp | Mem; break;
    case 'RMI': reg = num(operands[0]); rm = operands[1] as Gp | Mem; imm = operands[2] as bigint; break;
    case 'MI': rm = operands[0] as Gp | Mem; imm = operands[1] as bigint; break;
    case 'M': rm = operands[0] as Gp | Mem; break;
    case 'I': imm = operands.length ? (operands[operands.length - 1] as bigint) : null; break;
    case 'O': opReg = num(operands[0]); break;
    case 'O2': opReg = num(operands[1]); break;
    case 'OI': opReg = num(operands[0]); imm = operands[1] as bigint; break;
    case 'ZO': break;
    default: throw new EncodeError(`bad encoding ${f.enc}`);
  }
  if (typeof f.modrm === 'number') reg = f.modrm;
  void regOps;
  // [reg*1 + disp] is [reg + disp]: the base form is shorter (no SIB, disp8 possible), as in nasm.
  if (rm instanceof Mem && !rm.base && rm.index && rm.scale === 1) rm = new Mem(rm.size, rm.index, null, 1, rm.disp);

  // REX: W, R (reg), X (index), B (rm base / opcode reg); forced by spl/bpl/sil/dil.
  let rex = f.rexW ? 8 : 0;
  let needRex = f.rexW;
  let forbidRex = false;
  for (const o of operands) {
    if (o instanceof Gp && o.size === 8) {
      if (o.needsRex) needRex = true;
      if (o.highByte) forbidRex = true;
    }
  }
  if (reg !== null && reg >= 8) rex |= 4;
  if (opReg !== null && opReg >= 8) rex |= 1;
  if (rm instanceof Mem) {
    if (rm.index && rm.index.num >= 8) rex |= 2;
    if (rm.base && rm.base.num >= 8) rex |= 1;
  } else if (rm && rm.num >= 8) rex |= 1;
  if (rex) needRex = true;
  if (needRex && forbidRex) throw new EncodeError('ah/ch/dh/bh cannot be used with an operand that needs a REX prefix');

  for (const p of f.prefixes) out.push(p);
  if (needRex) out.push(0x40 | rex);
  for (let i = 0; i < f.opcode.length; i++) {
    out.push(i === f.opcode.length - 1 && opReg !== null ? f.opcode[i] + (opReg & 7) : f.opcode[i]);
  }
  let fixup: Fixup | null = null;
  if (rm !== null) fixup = modrmBytes(reg ?? 0, rm, out, start);
  if (imm !== null && f.immBytes) {
    let v = BigInt.asUintN(f.immBytes * 8, imm);
    for (let i = 0; i < f.immBytes; i++) { out.push(Number(v & 0xffn)); v >>= 8n; }
  }
  if (fixup) fixup.after = out.length - (start + fixup.offset + 4);
  return fixup;
}

function num(o: Operand): number {
  if (o instanceof Gp || o instanceof Xmm) return o.num;
  throw new EncodeError('expected a register operand');
}

function modrmBytes(reg: number, rm: Gp | Xmm | Mem, out: number[], start: number): Fixup | null {
  const r = (reg & 7) << 3;
  if (!(rm instanceof Mem)) {
    out.push(0xc0 | r | (rm.num & 7));
    return null;
  }
  const m = rm;
  if (m.rel) {
    out.push(0x05 | r);
    const offset = out.length - start;
    out.push(0, 0, 0, 0);
    return { offset, target: m.rel, addend: m.disp + (m.rel instanceof Sym ? m.rel.addend : 0), after: 0 };
  }
  const disp = m.disp;
  if (m.index && m.index.num === 4) throw new EncodeError('rsp cannot be an index register');
  if (!m.base) {
    // SIB with no base: mod 00, base 101, disp32 (absolute when there is no index either).
    out.push(0x04 | r);
    out.push(((m.index ? SCALE[m.scale] : 0) << 6) | ((m.index ? m.index.num & 7 : 4) << 3) | 5);
    pushDisp32(out, disp);
    return null;
  }
  const b = m.base.num & 7;
  const mod = disp === 0 && b !== 5 ? 0 : disp >= -128 && disp <= 127 ? 1 : 2;
  if (m.index || b === 4) {
    out.push((mod << 6) | r | 4);
    out.push(((m.index ? SCALE[m.scale] : 0) << 6) | ((m.index ? m.index.num & 7 : 4) << 3) | b);
  } else out.push((mod << 6) | r | b);
  if (mod === 1) out.push(disp & 0xff);
  else if (mod === 2) pushDisp32(out, disp);
  return null;
}

const SCALE: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };

function pushDisp32(out: number[], d: number): void {
  if (d < -2147483648 || d > 2147483647) throw new EncodeError(`displacement ${d} does not fit 32 bits`);
  out.push(d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, (d >>> 24) & 0xff);
}
