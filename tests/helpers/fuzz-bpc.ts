// Corrupted .bpc files for the fuzzer, their checksum always recomputed (anyone can): bits
// flipped, the payload cut short, and changes a .bpc author could make on purpose — an operand,
// an opcode, a register's type, a constant, a function's arity or name, the entry — so that the
// reader and the verifier, not the checksum, must stand between them and native code.
import { sealBpc, writeBpc } from '../../src/bytecode/bpc.js';
import type { BytecodeModule, Const } from '../../src/bytecode/module.js';
import { OPS, instrLength } from '../../src/bytecode/opcodes.js';

type Rand = () => number;
const pick = (rand: Rand, n: number) => Math.floor(rand() * n);

/** A new value near or far from v (operands, indices, counts). */
function nudge(v: number, rand: Rand, near = 8): number {
  const ways = [() => v + 1, () => v - 1, () => 0, () => -1, () => pick(rand, near), () => v ^ (1 << pick(rand, 31)), () => 0x7fffffff];
  return ways[pick(rand, ways.length)]();
}

/** Instruction starts of a function's code. */
function starts(code: Int32Array): number[] {
  const out: number[] = [];
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) out.push(pc);
  return out;
}

const EDITS: { name: string; edit: (m: BytecodeModule, rand: Rand) => boolean }[] = [
  { name: 'operand', edit: (m, rand) => {
    const f = m.functions[pick(rand, m.functions.length)];
    const pcs = starts(f.code);
    const pc = pcs[pick(rand, pcs.length)];
    const len = instrLength(f.code, pc);
    if (len < 2) return false;
    const at = pc + 1 + pick(rand, len - 1);
    f.code[at] = nudge(f.code[at], rand, f.regKinds.length + 2);
    return true;
  } },
  { name: 'opcode', edit: (m, rand) => {
    const f = m.functions[pick(rand, m.functions.length)];
    const pcs = starts(f.code);
    f.code[pcs[pick(rand, pcs.length)]] = pick(rand, OPS.length + 2);
    return true;
  } },
  { name: 'register type', edit: (m, rand) => {
    const f = m.functions[pick(rand, m.functions.length)];
    if (f.regTypes.length === 0) return false;
    const types = [...new Set(m.functions.flatMap((g) => g.regTypes)), 'i', 's', '[i]', 'S0;', 'F0;', '{s:i}'];
    f.regTypes[pick(rand, f.regTypes.length)] = types[pick(rand, types.length)];
    return true;
  } },
  { name: 'constant', edit: (m, rand) => {
    if (m.consts.length === 0) return false;
    const i = pick(rand, m.consts.length);
    const alternatives: Const[] = [{ tag: 'int', value: 7n }, { tag: 'float', value: 0.5 }, { tag: 'str', value: 'x' }, { tag: 'type', value: '[i]' }, { tag: 'type', value: 'i->s' }, { tag: 'spec', value: '>8' }];
    m.consts[i] = alternatives[pick(rand, alternatives.length)];
    return true;
  } },
  { name: 'function', edit: (m, rand) => {
    const f = m.functions[pick(rand, m.functions.length)];
    const g = m.functions[pick(rand, m.functions.length)];
    const ways = [() => { f.arity = nudge(f.arity, rand); }, () => { f.ncaps = nudge(f.ncaps, rand); }, () => { f.name = g.name; }, () => { f.ret = g.ret; }, () => { m.entry = nudge(m.entry, rand, m.functions.length); }];
    ways[pick(rand, ways.length)]();
    return true;
  } },
];

/** A corrupted copy of `mod` (as a .bpc file), and what was done to it. */
export function mutateBpc(mod: BytecodeModule, rand: Rand): { bytes: Buffer; how: string } {
  const good = writeBpc(mod);
  const payload = good.subarray(12, good.length - 4);
  const way = pick(rand, EDITS.length + 2);
  if (way === 0) {
    const p = Buffer.from(payload);
    const flips = 1 + pick(rand, 3);
    for (let i = 0; i < flips; i++) p[pick(rand, p.length)] ^= 1 << pick(rand, 8);
    return { bytes: sealBpc(p), how: `${flips} bits flipped` };
  }
  if (way === 1) {
    const cut = pick(rand, payload.length);
    return { bytes: sealBpc(payload.subarray(0, cut)), how: `cut at ${cut} of ${payload.length} bytes` };
  }
  const copy = structuredClone(mod);
  const e = EDITS[way - 2];
  return e.edit(copy, rand) ? { bytes: writeBpc(copy), how: `${e.name} changed` } : { bytes: sealBpc(payload), how: 'unchanged' };
}
