// Stubs: how the native interpreter runs the instructions it has no handler for (strings, maps,
// allocation, printing, builtins). Each such instruction becomes a function of its own — the
// registers it reads as parameters, the one it writes as the result — lowered by the same
// lowering as compiled code, with an entry in the interpreter's calling convention. Sites of
// the same shape (opcode, operands other than registers, register types) share one stub, so a
// program needs a few dozen whatever its size; errors inside a stub take their location from
// the interpreter frame that called it.
import { O, OPS, instrLength } from '../bytecode/opcodes.js';
import { kindOfDesc, type BcFunction, type BytecodeModule } from '../bytecode/module.js';

export interface StubSite {
  /** Index of the stub (into StubPlan.functions). */
  stub: number;
  /** The registers the stub reads, in parameter order. */
  args: number[];
  /** The register it writes, or -1. */
  dest: number;
}

export interface StubPlan {
  /** The synthetic functions, to be lowered with the module's own (see `extend`). */
  functions: BcFunction[];
  /** Per function, per stubbed pc, its site. */
  sites: Map<number, StubSite>[];
}

/** Plans the stubs of every instruction of `mod` that `handled` says the interpreter lacks. */
export function planStubs(mod: BytecodeModule, handled: (op: number) => boolean): StubPlan {
  const functions: BcFunction[] = [];
  const byShape = new Map<string, number>();
  const sites = mod.functions.map((fn) => {
    const out = new Map<number, StubSite>();
    const code = fn.code;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      if (!handled(code[pc])) {
        const { shape, args, dest, make } = describe(mod, fn, pc);
        let stub = byShape.get(shape);
        if (stub === undefined) {
          stub = functions.length;
          byShape.set(shape, stub);
          functions.push(make(`$stub${stub}`));
        }
        out.set(pc, { stub, args, dest });
      }
    }
    return out;
  });
  return { functions, sites };
}

/** The module with the stubs appended (stub i is function mod.functions.length + i). */
export function extend(mod: BytecodeModule, plan: StubPlan): BytecodeModule {
  return { ...mod, functions: [...mod.functions, ...plan.functions] };
}

/**
 * The shape of the instruction at pc and the function that performs it: parameters are the
 * registers it reads (each once, in order of first use), the result the register it writes.
 */
function describe(mod: BytecodeModule, fn: BcFunction, pc: number) {
  const code = fn.code;
  const args: number[] = [];
  const param = (r: number) => {
    let i = args.indexOf(r);
    if (i < 0) { i = args.length; args.push(r); }
    return i;
  };
  let dest = -1;
  const words: (number | { param: number } | 'dest')[] = [code[pc]];
  const key: string[] = [String(code[pc])];
  let p = pc + 1;
  for (const letter of OPS[code[pc]].ops) {
    if (letter === 'd') { dest = code[p++]; words.push('dest'); }
    else if (letter === 'r') words.push({ param: param(code[p++]) });
    else if (letter === '*' || letter === '%') {
      const n = code[p++];
      words.push(n);
      for (let i = 0; i < n; i++) {
        words.push({ param: param(code[p++]) });
        if (letter === '%') { key.push(`k${code[p]}`); words.push(code[p++]); }
      }
    } else { key.push(String(code[p])); words.push(code[p++]); }
  }
  const destType = dest >= 0 ? fn.regTypes[dest] : 'v';
  const types = args.map((r) => fn.regTypes[r]);
  key.push(types.join(','), destType, words.map((w) => (typeof w === 'object' ? `p${w.param}` : w === 'dest' ? 'd' : '')).join(''));
  const line = fn.lines[pc] || fn.defLine;
  const make = (name: string): BcFunction => {
    const d = args.length;
    const body = words.map((w) => (w === 'dest' ? d : typeof w === 'object' ? w.param : w));
    body.push(...(destType === 'v' ? [O.retv] : [O.ret, d]));
    const regTypes = [...types, destType === 'v' ? 'v' : destType];
    return {
      name, arity: args.length, ncaps: 0, ret: destType,
      regKinds: Uint8Array.from(regTypes.map(kindOfDesc)), regTypes,
      code: Int32Array.from(body), lines: Int32Array.from(body, () => line),
      file: fn.file, defLine: line, handlers: [],
    };
  };
  return { shape: key.join('|'), args, dest: destType === 'v' ? -1 : dest, make };
}
