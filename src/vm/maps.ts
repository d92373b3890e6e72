// Map construction for the VM. Maps are JS Maps (insertion order, as bpjit requires); int keys
// are canonical ints, so equal keys are equal JS values.
import { kindOf } from '../bytecode/tdesc.js';
import { BPMap } from './values.js';

export function mapFromPairs(desc: string, regs: unknown[]): BPMap {
  const m = new Map<unknown, unknown>();
  for (let i = 0; i < regs.length; i += 2) m.set(regs[i], regs[i + 1]);
  return new BPMap(m, kindOf(desc[1]), kindOf(desc.slice(3, -1)));
}

export function emptyMap(desc: string): BPMap {
  return new BPMap(new Map(), kindOf(desc[1]), kindOf(desc.slice(3, -1)));
}
