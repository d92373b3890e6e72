// Why a function cannot be lowered (Winch's unsupported operators, LuaJIT's trace errors): the
// opcode table's `native` column says which instructions the lowering takes always, never, or
// only for the types native code represents; the checks of the last kind are here, keyed by
// opcode. A function that fails stays on the VM, and `bpjit build` names the construct and line.
import { Kind, OP_DEFS, O, instrLength } from '../bytecode/opcodes.js';
import { mapDescs, splitDescs } from '../bytecode/tdesc.js';
import type { BcFunction, BytecodeModule } from '../bytecode/module.js';
import { builtinUnsupported } from './lower-builtin.js';
import type { Unsupported } from './machine.js';

/** Types whose values native code can hold: scalars, strings, structs, arrays and maps. */
export function nativeType(t: string): boolean {
  if (t === 'i' || t === 'f' || t === 'b' || t === 's' || t === 'p' || /^[SCF]\d+;$/.test(t)) return true;
  if (t.startsWith('[') && t.endsWith(']')) return nativeType(t.slice(1, -1));
  if (t.startsWith('(') && t.endsWith(')')) return splitDescs(t.slice(1, -1)).every(nativeType);
  if (t.startsWith('{') && t.endsWith('}')) {
    const [k, v] = mapDescs(t);
    return ['i', 'f', 'b', 's'].includes(k) && nativeType(v);
  }
  return false;
}

/** Why the instruction at pc cannot be lowered (null: it can). */
type Check = (mod: BytecodeModule, fn: BcFunction, pc: number) => string | null;

const constType = (mod: BytecodeModule, k: number) => mod.consts[k].value as string;
const globalType: Check = (mod, fn, pc) => {
  const g = mod.globals[fn.code[pc + 2]];
  return g && !nativeType(g.type) ? `globals of type ${g.type}` : null;
};
const containerEquality: Check = (_, fn, pc) => (nativeType(fn.regTypes[fn.code[pc + 2]]) ? null : 'container equality');

/** The checks of the opcodes whose `native` column is 'typed'. */
export const NATIVE_CHECKS: Readonly<Partial<Record<number, Check>>> = {
  [O.tostr]: (mod, fn, pc) => {
    const t = constType(mod, fn.code[pc + 3]);
    return nativeType(t) ? null : `converting values of type ${t} to strings`;
  },
  [O.fmt]: (mod, fn, pc) => (nativeType(constType(mod, fn.code[pc + 3])) ? null : 'f-string format specifications'),
  [O.eq_r]: containerEquality,
  [O.ne_r]: containerEquality,
  [O.loadg]: globalType,
  [O.storeg]: globalType,
  [O.print]: (mod, fn, pc) => {
    for (let i = 0; i < fn.code[pc + 1]; i++) {
      const t = constType(mod, fn.code[pc + 3 + 2 * i]);
      if (!nativeType(t)) return `printing values of type ${t}`;
    }
    return null;
  },
  [O.callb]: (_, fn, pc) => builtinUnsupported(fn, pc),
};

/** Why `fn` cannot be lowered, or null when every instruction can be. */
export function unsupportedIn(mod: BytecodeModule, fn: BcFunction): Unsupported | null {
  const code = fn.code;
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const def = OP_DEFS[code[pc]];
    const why = def.native === 'never' ? NEVER[def.name] : def.native === 'typed' ? NATIVE_CHECKS[code[pc]]!(mod, fn, pc) : null;
    if (why) return { op: def.name, line: fn.lines[pc] || fn.defLine, reason: why };
  }
  for (let r = 0; r < fn.regKinds.length; r++) {
    const t = fn.regTypes[r];
    if (fn.regKinds[r] === Kind.Ref && t !== 'v' && !nativeType(t)) {
      return { op: 'register', line: fn.defLine, reason: `values of type ${t}` };
    }
  }
  return null;
}

/** The reason given for the opcodes native code never runs. */
const NEVER: Readonly<Record<string, string>> = { loadnull: 'null references' };
