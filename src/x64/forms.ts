// THE instruction-form table: one row per encoding, written as the Intel manual writes it —
// mnemonic, operand column, opcode column, operand-encoding ("Op/En") column:
//   ['add', 'rm64, r64', 'REX.W 01 /r', 'MR']
// Rows of one mnemonic are listed in the order nasm prefers them (selection takes the first
// row whose operands match), which is how `select` reproduces nasm's choice among encodings of
// equal length. Families (ALU ops, shifts, condition codes) are generated from small tables.
//
// Operand kinds: r8 r16 r32 r64 | rm8 rm16 rm32 rm64 (register or memory) | m (memory, any size,
// for lea) m8…m128 | xmm | xmm/m32 xmm/m64 xmm/m128 | imm8 imm16 imm32 imm64 (any value that fits
// the operand width) | simm8 (sign-extended byte) | uimm32 (0..2^32-1, mov r64 short form) |
// al ax eax rax cl (fixed registers) | one (the constant 1).
// Opcode tokens: REX.W, legacy prefixes 66/F2/F3, opcode bytes, /r or /digit (ModRM), +r (register
// in the low opcode bits), ib iw id io (immediates).
// Encodings: MR RM MI M I O OI O2 RMI ZO — which operand goes to ModRM.reg / ModRM.rm / opcode.

export type FormRow = readonly [mnemonic: string, operands: string, opcode: string, encoding: string];

const ALU: [string, number][] = [['add', 0], ['or', 1], ['adc', 2], ['sbb', 3], ['and', 4], ['sub', 5], ['xor', 6], ['cmp', 7]];
const SIZES = [
  { s: 16, p: '66 ', acc: 'ax', i: 'iw', imm: 'imm16' },
  { s: 32, p: '', acc: 'eax', i: 'id', imm: 'imm32' },
  { s: 64, p: 'REX.W ', acc: 'rax', i: 'id', imm: 'imm32' },
];
const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

function alu(): FormRow[] {
  const rows: FormRow[] = [];
  for (const [m, d] of ALU) {
    const b = d * 8;
    rows.push([m, 'al, imm8', `${hex(b + 4)} ib`, 'I']);
    rows.push([m, 'rm8, imm8', `80 /${d} ib`, 'MI']);
    for (const z of SIZES) {
      rows.push([m, `rm${z.s}, simm8`, `${z.p}83 /${d} ib`, 'MI']);
      rows.push([m, `${z.acc}, ${z.imm}`, `${z.p}${hex(b + 5)} ${z.i}`, 'I']);
      rows.push([m, `rm${z.s}, ${z.imm}`, `${z.p}81 /${d} ${z.i}`, 'MI']);
    }
    rows.push([m, 'rm8, r8', `${hex(b)} /r`, 'MR']);
    rows.push([m, 'r8, rm8', `${hex(b + 2)} /r`, 'RM']);
    for (const z of SIZES) {
      rows.push([m, `rm${z.s}, r${z.s}`, `${z.p}${hex(b + 1)} /r`, 'MR']);
      rows.push([m, `r${z.s}, rm${z.s}`, `${z.p}${hex(b + 3)} /r`, 'RM']);
    }
  }
  return rows;
}

/** One-operand group F6/F7 and FE/FF. */
function unary(m: string, digit: number, op8: string, op: string): FormRow[] {
  return [[m, 'rm8', `${op8} /${digit}`, 'M'], ...SIZES.map((z): FormRow => [m, `rm${z.s}`, `${z.p}${op} /${digit}`, 'M'])];
}

function shifts(): FormRow[] {
  const rows: FormRow[] = [];
  for (const [m, d] of [['rol', 0], ['ror', 1], ['rcl', 2], ['rcr', 3], ['shl', 4], ['sal', 4], ['shr', 5], ['sar', 7]] as const) {
    rows.push([m, 'rm8, one', `D0 /${d}`, 'M'], [m, 'rm8, cl', `D2 /${d}`, 'M'], [m, 'rm8, imm8', `C0 /${d} ib`, 'MI']);
    for (const z of SIZES) {
      rows.push([m, `rm${z.s}, one`, `${z.p}D1 /${d}`, 'M'], [m, `rm${z.s}, cl`, `${z.p}D3 /${d}`, 'M'], [m, `rm${z.s}, imm8`, `${z.p}C1 /${d} ib`, 'MI']);
    }
  }
  return rows;
}

export const CONDITIONS: [string, number][] = [
  ['o', 0], ['no', 1], ['b', 2], ['c', 2], ['nae', 2], ['ae', 3], ['nb', 3], ['nc', 3], ['e', 4], ['z', 4], ['ne', 5], ['nz', 5],
  ['be', 6], ['na', 6], ['a', 7], ['nbe', 7], ['s', 8], ['ns', 9], ['p', 10], ['pe', 10], ['np', 11], ['po', 11],
  ['l', 12], ['nge', 12], ['ge', 13], ['nl', 13], ['le', 14], ['ng', 14], ['g', 15], ['nle', 15],
];

function conditional(): FormRow[] {
  const rows: FormRow[] = [];
  for (const [cc, n] of CONDITIONS) {
    rows.push([`set${cc}`, 'rm8', `0F ${hex(0x90 + n)} /0`, 'M']);
    for (const z of SIZES) rows.push([`cmov${cc}`, `r${z.s}, rm${z.s}`, `${z.p}0F ${hex(0x40 + n)} /r`, 'RM']);
  }
  return rows;
}

function bitTests(): FormRow[] {
  const rows: FormRow[] = [];
  for (const [m, op, d] of [['bt', 'A3', 4], ['bts', 'AB', 5], ['btr', 'B3', 6], ['btc', 'BB', 7]] as const) {
    for (const z of SIZES) rows.push([m, `rm${z.s}, r${z.s}`, `${z.p}0F ${op} /r`, 'MR'], [m, `rm${z.s}, imm8`, `${z.p}0F BA /${d} ib`, 'MI']);
  }
  for (const [m, op] of [['bsf', '0F BC'], ['bsr', '0F BD'], ['popcnt', 'F3 0F B8'], ['lzcnt', 'F3 0F BD'], ['tzcnt', 'F3 0F BC']] as const) {
    for (const z of SIZES) {
      const [pre, rest] = op.startsWith('F3') ? ['F3 ', op.slice(3)] : ['', op];
      rows.push([m, `r${z.s}, rm${z.s}`, `${z.s === 16 ? '66 ' : ''}${pre}${z.s === 64 ? 'REX.W ' : ''}${rest} /r`, 'RM']);
    }
  }
  return rows;
}

/** SSE scalar-double and friends: [mnemonic, prefix, opcode] with xmm, xmm/m64 operands. */
const SSE_RM: [string, string, string, string][] = [
  ['addsd', 'F2', '58', 'xmm/m64'], ['mulsd', 'F2', '59', 'xmm/m64'], ['subsd', 'F2', '5C', 'xmm/m64'],
  ['minsd', 'F2', '5D', 'xmm/m64'], ['divsd', 'F2', '5E', 'xmm/m64'], ['maxsd', 'F2', '5F', 'xmm/m64'],
  ['sqrtsd', 'F2', '51', 'xmm/m64'], ['ucomisd', '66', '2E', 'xmm/m64'], ['comisd', '66', '2F', 'xmm/m64'],
  ['cvtss2sd', 'F3', '5A', 'xmm/m32'], ['cvtsd2ss', 'F2', '5A', 'xmm/m64'],
  ['andpd', '66', '54', 'xmm/m128'], ['andnpd', '66', '55', 'xmm/m128'], ['orpd', '66', '56', 'xmm/m128'],
  ['xorpd', '66', '57', 'xmm/m128'], ['xorps', '', '57', 'xmm/m128'], ['andps', '', '54', 'xmm/m128'],
  ['pxor', '66', 'EF', 'xmm/m128'], ['sqrtpd', '66', '51', 'xmm/m128'],
];

function sse(): FormRow[] {
  const rows: FormRow[] = SSE_RM.map(([m, p, op, src]) => [m, `xmm, ${src}`, `${p ? p + ' ' : ''}0F ${op} /r`, 'RM']);
  rows.push(
    ['movsd', 'xmm, xmm/m64', 'F2 0F 10 /r', 'RM'], ['movsd', 'm64, xmm', 'F2 0F 11 /r', 'MR'],
    ['movss', 'xmm, xmm/m32', 'F3 0F 10 /r', 'RM'], ['movss', 'm32, xmm', 'F3 0F 11 /r', 'MR'],
    ['movapd', 'xmm, xmm/m128', '66 0F 28 /r', 'RM'], ['movapd', 'm128, xmm', '66 0F 29 /r', 'MR'],
    ['movaps', 'xmm, xmm/m128', '0F 28 /r', 'RM'], ['movaps', 'm128, xmm', '0F 29 /r', 'MR'],
    ['movupd', 'xmm, xmm/m128', '66 0F 10 /r', 'RM'], ['movupd', 'm128, xmm', '66 0F 11 /r', 'MR'],
    ['movq', 'xmm, xmm/m64', 'F3 0F 7E /r', 'RM'], ['movq', 'm64, xmm', '66 0F D6 /r', 'MR'],
    ['movq', 'xmm, r64', '66 REX.W 0F 6E /r', 'RM'], ['movq', 'r64, xmm', '66 REX.W 0F 7E /r', 'MR'],
    ['movd', 'xmm, rm32', '66 0F 6E /r', 'RM'], ['movd', 'rm32, xmm', '66 0F 7E /r', 'MR'],
    ['cvtsi2sd', 'xmm, rm32', 'F2 0F 2A /r', 'RM'], ['cvtsi2sd', 'xmm, rm64', 'F2 REX.W 0F 2A /r', 'RM'],
    ['cvttsd2si', 'r32, xmm/m64', 'F2 0F 2C /r', 'RM'], ['cvttsd2si', 'r64, xmm/m64', 'F2 REX.W 0F 2C /r', 'RM'],
    ['cvtsd2si', 'r32, xmm/m64', 'F2 0F 2D /r', 'RM'], ['cvtsd2si', 'r64, xmm/m64', 'F2 REX.W 0F 2D /r', 'RM'],
    ['roundsd', 'xmm, xmm/m64, imm8', '66 0F 3A 0B /r ib', 'RMI'],
  );
  return rows;
}

// prettier-ignore
export const FORMS: readonly FormRow[] = [
  ...alu(),
  ['mov', 'rm8, r8', '88 /r', 'MR'], ['mov', 'rm16, r16', '66 89 /r', 'MR'], ['mov', 'rm32, r32', '89 /r', 'MR'], ['mov', 'rm64, r64', 'REX.W 89 /r', 'MR'],
  ['mov', 'r8, rm8', '8A /r', 'RM'], ['mov', 'r16, rm16', '66 8B /r', 'RM'], ['mov', 'r32, rm32', '8B /r', 'RM'], ['mov', 'r64, rm64', 'REX.W 8B /r', 'RM'],
  ['mov', 'r8, imm8', 'B0+r ib', 'OI'], ['mov', 'r16, imm16', '66 B8+r iw', 'OI'], ['mov', 'r32, imm32', 'B8+r id', 'OI'],
  ['mov', 'r64, uimm32', 'B8+r id', 'OI'], ['mov', 'rm64, imm32', 'REX.W C7 /0 id', 'MI'], ['mov', 'r64, imm64', 'REX.W B8+r io', 'OI'],
  ['mov', 'rm8, imm8', 'C6 /0 ib', 'MI'], ['mov', 'rm16, imm16', '66 C7 /0 iw', 'MI'], ['mov', 'rm32, imm32', 'C7 /0 id', 'MI'],
  ['test', 'al, imm8', 'A8 ib', 'I'], ['test', 'ax, imm16', '66 A9 iw', 'I'], ['test', 'eax, imm32', 'A9 id', 'I'], ['test', 'rax, imm32', 'REX.W A9 id', 'I'],
  ['test', 'rm8, imm8', 'F6 /0 ib', 'MI'], ['test', 'rm16, imm16', '66 F7 /0 iw', 'MI'], ['test', 'rm32, imm32', 'F7 /0 id', 'MI'], ['test', 'rm64, imm32', 'REX.W F7 /0 id', 'MI'],
  ['test', 'rm8, r8', '84 /r', 'MR'], ['test', 'rm16, r16', '66 85 /r', 'MR'], ['test', 'rm32, r32', '85 /r', 'MR'], ['test', 'rm64, r64', 'REX.W 85 /r', 'MR'],
  ['xchg', 'ax, r16', '66 90+r', 'O2'], ['xchg', 'r16, ax', '66 90+r', 'O'], ['xchg', 'eax, r32', '90+r', 'O2'], ['xchg', 'r32, eax', '90+r', 'O'],
  ['xchg', 'rax, r64', 'REX.W 90+r', 'O2'], ['xchg', 'r64, rax', 'REX.W 90+r', 'O'],
  // Between two registers nasm puts the first in ModRM.reg (the RM row comes first).
  ['xchg', 'r8, rm8', '86 /r', 'RM'], ['xchg', 'rm8, r8', '86 /r', 'MR'], ['xchg', 'r16, rm16', '66 87 /r', 'RM'], ['xchg', 'rm16, r16', '66 87 /r', 'MR'],
  ['xchg', 'r32, rm32', '87 /r', 'RM'], ['xchg', 'rm32, r32', '87 /r', 'MR'], ['xchg', 'r64, rm64', 'REX.W 87 /r', 'RM'], ['xchg', 'rm64, r64', 'REX.W 87 /r', 'MR'],
  ['lea', 'r16, m', '66 8D /r', 'RM'], ['lea', 'r32, m', '8D /r', 'RM'], ['lea', 'r64, m', 'REX.W 8D /r', 'RM'],
  ['movzx', 'r16, rm8', '66 0F B6 /r', 'RM'], ['movzx', 'r32, rm8', '0F B6 /r', 'RM'], ['movzx', 'r64, rm8', 'REX.W 0F B6 /r', 'RM'],
  ['movzx', 'r32, rm16', '0F B7 /r', 'RM'], ['movzx', 'r64, rm16', 'REX.W 0F B7 /r', 'RM'],
  ['movsx', 'r16, rm8', '66 0F BE /r', 'RM'], ['movsx', 'r32, rm8', '0F BE /r', 'RM'], ['movsx', 'r64, rm8', 'REX.W 0F BE /r', 'RM'],
  ['movsx', 'r32, rm16', '0F BF /r', 'RM'], ['movsx', 'r64, rm16', 'REX.W 0F BF /r', 'RM'], ['movsxd', 'r64, rm32', 'REX.W 63 /r', 'RM'],
  ...unary('inc', 0, 'FE', 'FF'), ...unary('dec', 1, 'FE', 'FF'), ...unary('not', 2, 'F6', 'F7'), ...unary('neg', 3, 'F6', 'F7'),
  ...unary('mul', 4, 'F6', 'F7'), ...unary('imul', 5, 'F6', 'F7'), ...unary('div', 6, 'F6', 'F7'), ...unary('idiv', 7, 'F6', 'F7'),
  ['imul', 'r16, rm16', '66 0F AF /r', 'RM'], ['imul', 'r32, rm32', '0F AF /r', 'RM'], ['imul', 'r64, rm64', 'REX.W 0F AF /r', 'RM'],
  ['imul', 'r16, rm16, simm8', '66 6B /r ib', 'RMI'], ['imul', 'r32, rm32, simm8', '6B /r ib', 'RMI'], ['imul', 'r64, rm64, simm8', 'REX.W 6B /r ib', 'RMI'],
  ['imul', 'r16, rm16, imm16', '66 69 /r iw', 'RMI'], ['imul', 'r32, rm32, imm32', '69 /r id', 'RMI'], ['imul', 'r64, rm64, imm32', 'REX.W 69 /r id', 'RMI'],
  ...shifts(),
  ...conditional(),
  ...bitTests(),
  ['bswap', 'r32', '0F C8+r', 'O'], ['bswap', 'r64', 'REX.W 0F C8+r', 'O'],
  ['push', 'r64', '50+r', 'O'], ['push', 'simm8', '6A ib', 'I'], ['push', 'imm32', '68 id', 'I'], ['push', 'rm64', 'FF /6', 'M'],
  ['pop', 'r64', '58+r', 'O'], ['pop', 'rm64', '8F /0', 'M'],
  ['call', 'rm64', 'FF /2', 'M'], ['jmp', 'rm64', 'FF /4', 'M'],
  ['ret', '', 'C3', 'ZO'], ['ret', 'imm16', 'C2 iw', 'I'],
  ['cqo', '', 'REX.W 99', 'ZO'], ['cdq', '', '99', 'ZO'], ['cwd', '', '66 99', 'ZO'], ['cdqe', '', 'REX.W 98', 'ZO'], ['cwde', '', '98', 'ZO'], ['cbw', '', '66 98', 'ZO'],
  ['nop', '', '90', 'ZO'], ['nop', 'rm16', '66 0F 1F /0', 'M'], ['nop', 'rm32', '0F 1F /0', 'M'],
  ['int3', '', 'CC', 'ZO'], ['ud2', '', '0F 0B', 'ZO'], ['syscall', '', '0F 05', 'ZO'], ['leave', '', 'C9', 'ZO'], ['cld', '', 'FC', 'ZO'],
  ['hlt', '', 'F4', 'ZO'], ['mfence', '', '0F AE F0', 'ZO'], ['pause', '', 'F3 90', 'ZO'],
  ['rep_movsb', '', 'F3 A4', 'ZO'], ['rep_stosb', '', 'F3 AA', 'ZO'], ['rep_stosq', '', 'F3 REX.W AB', 'ZO'], ['rep_movsq', '', 'F3 REX.W A5', 'ZO'],
  ...sse(),
];
