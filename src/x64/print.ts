// Instructions as nasm text: used for listings (`bpjit disasm --native`), EncodeError messages
// and the conformance suite, which prints every case with this and assembles it with nasm.
import { Imm, Label, Mem, Sym } from './operand.js';
import { Gp, Xmm } from './regs.js';

const SIZE_NAME: Record<number, string> = { 8: 'byte', 16: 'word', 32: 'dword', 64: 'qword', 128: 'oword' };

export function memText(m: Mem): string {
  let inner: string;
  if (m.rel) {
    const t = m.rel instanceof Label ? `L${m.rel.id}` : m.rel.toString();
    inner = `rel ${t}${m.disp ? (m.disp > 0 ? '+' : '') + m.disp : ''}`;
  } else {
    const parts: string[] = [];
    if (m.base) parts.push(m.base.name);
    if (m.index) parts.push(`${m.index.name}*${m.scale}`);
    let s = parts.join('+');
    if (m.disp || parts.length === 0) s += (s && m.disp >= 0 ? '+' : '') + String(m.disp);
    inner = s;
  }
  return `${m.size ? SIZE_NAME[m.size] + ' ' : ''}[${inner}]`;
}

export function operandText(o: unknown): string {
  if (o instanceof Gp || o instanceof Xmm) return o.name;
  if (o instanceof Mem) return memText(o);
  if (o instanceof Imm) return `strict ${SIZE_NAME[o.width]} ${o.value}`;
  if (o instanceof Label) return `L${o.id}`;
  if (o instanceof Sym) return o.toString();
  if (typeof o === 'bigint' || typeof o === 'number') return String(o);
  return String(o);
}

export function instrText(mnemonic: string, ops: readonly unknown[]): string {
  const m = mnemonic.replace('_', ' ');
  return ops.length ? `${m} ${ops.map(operandText).join(', ')}` : m;
}
