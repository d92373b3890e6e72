// Typing rules of the verifier, one per opcode: what the descriptors of an instruction's
// registers and constants must be. Operands are already in range when a rule runs (verify.ts
// decodes and range-checks them first). A rule returns the problem, or null.
import { BUILTINS, BuiltinDef } from '../lang/builtins.js';
import { parseFormatSpec } from '../lang/format-spec.js';
import type { BcFunction, BytecodeModule } from './module.js';
import { OPS } from './opcodes.js';
import { RUNTIME_ERRORS } from './runtime-errors.js';
import { kindOf, splitDescs } from './tdesc.js';
import { Signature, TypeEnv, patDesc, ruleType, specKind } from './verify-types.js';

/** One decoded instruction: fixed operands in the order of its letters, then its register list. */
export interface Ins {
  pc: number;
  op: number;
  /** Fixed operands (every letter but `*` and `%`). */
  v: number[];
  /** The registers after `*`, or the (register, type constant) pairs after `%`, flattened. */
  list: number[];
}

export interface OpCtx {
  mod: BytecodeModule;
  fn: BcFunction;
  env: TypeEnv;
}

type Rule = (x: Ins, c: OpCtx) => string | null;

const BUILTINS_BY_ID = new Map<number, BuiltinDef[]>();
for (const b of BUILTINS.values()) BUILTINS_BY_ID.set(b.id, [...(BUILTINS_BY_ID.get(b.id) ?? []), b]);
export const BUILTIN_IDS: ReadonlySet<number> = new Set(BUILTINS_BY_ID.keys());

/**
 * Register descriptors of the fixed register operands (d and r letters, in order) for the
 * opcodes that take scalars and strings only.
 */
const SIMPLE: Record<string, string> = {
  loadi: 'i', add_i: 'iii', sub_i: 'iii', mul_i: 'iii', div_i: 'iii', mod_i: 'iii', neg_i: 'ii', addk_i: 'ii',
  and_i: 'iii', or_i: 'iii', xor_i: 'iii', shl_i: 'iii', shr_i: 'iii', not_i: 'ii',
  add_f: 'fff', sub_f: 'fff', mul_f: 'fff', div_f: 'fff', mod_f: 'fff', neg_f: 'ff',
  lt_i: 'bii', le_i: 'bii', gt_i: 'bii', ge_i: 'bii',
  eq_f: 'bff', ne_f: 'bff', lt_f: 'bff', le_f: 'bff', gt_f: 'bff', ge_f: 'bff', not: 'bb',
  concat: 'sss', eq_s: 'bss', ne_s: 'bss', i2f: 'fi', f2i: 'if', jt: 'b', jf: 'b',
  jlt_i: 'ii', jle_i: 'ii', jgt_i: 'ii', jge_i: 'ii',
  jlt_ik: 'i', jle_ik: 'i', jgt_ik: 'i', jge_ik: 'i', jeq_ik: 'i', jne_ik: 'i', forlt: 'ii', forgt: 'ii',
  strlen: 'is', throw: 's',
};

/** Positions of the register operands among an opcode's fixed operands. */
const REG_POS: number[][] = OPS.map((o) => [...o.ops.replace(/[*%]/g, '')].flatMap((l, i) => (l === 'd' || l === 'r' ? [i] : [])));

const t = (c: OpCtx, r: number): string => c.fn.regTypes[r];
const typeConst = (c: OpCtx, k: number): string | null => {
  const x = c.mod.consts[k];
  return x && x.tag === 'type' && c.env.valid(x.value) ? x.value : null;
};
const store = (c: OpCtx, from: string, to: string, what: string): string | null =>
  c.env.assignable(from, to) ? null : `${what}: ${from} where ${to} is expected`;
const each = (c: OpCtx, regs: number[], types: string[], what: string): string | null => {
  if (regs.length !== types.length) return `${what}: ${regs.length} values for ${types.length}`;
  for (let i = 0; i < regs.length; i++) {
    const p = store(c, t(c, regs[i]), types[i], `${what} ${i + 1}`);
    if (p) return p;
  }
  return null;
};

/** A call of something with signature `sig`: the arguments and the destination. */
function callOf(c: OpCtx, sig: Signature, d: number, args: number[], what: string): string | null {
  return each(c, args, sig.params, `${what} argument`) ?? (sig.ret === 'v' ? (t(c, d) === 'v' ? null : `${what}: void result into ${t(c, d)}`) : store(c, sig.ret, t(c, d), `${what} result`));
}

/** The signature of bytecode function f as seen by its callers (captures excluded). */
export function fnSignature(f: BcFunction): Signature {
  return { params: f.regTypes.slice(f.ncaps, f.arity), ret: f.ret };
}

const sigText = (s: Signature) => `${s.params.join(',')}->${s.ret}`;

function arrayAccess(suffix: string, get: boolean): Rule {
  return (x, c) => {
    const [a, i, v] = get ? [x.v[1], x.v[2], x.v[0]] : [x.v[0], x.v[1], x.v[2]];
    const at = t(c, a);
    if (at[0] !== '[') return `${OPS[x.op].name}: r${a} is ${at}, not an array`;
    const e = at.slice(1, -1);
    if (suffix === 'r' ? kindOf(e) !== 3 : e !== suffix) return `${OPS[x.op].name}: r${a} is ${at}`;
    if (t(c, i) !== 'i') return `${OPS[x.op].name}: index r${i} is ${t(c, i)}`;
    return get ? store(c, e, t(c, v), 'element') : store(c, t(c, v), e, 'element');
  };
}

function mapAccess(get: boolean): Rule {
  return (x, c) => {
    const [m, k, v] = get ? [x.v[1], x.v[2], x.v[0]] : [x.v[0], x.v[1], x.v[2]];
    const mt = t(c, m);
    if (mt[0] !== '{') return `r${m} is ${mt}, not a map`;
    if (t(c, k) !== mt[1]) return `key r${k} is ${t(c, k)}, the map's keys ${mt[1]}`;
    const vt = mt.slice(3, -1);
    return get ? store(c, vt, t(c, v), 'map value') : store(c, t(c, v), vt, 'map value');
  };
}

function fieldAccess(get: boolean): Rule {
  return (x, c) => {
    const [o, i, v] = get ? [x.v[1], x.v[2], x.v[0]] : [x.v[0], x.v[1], x.v[2]];
    const fields = c.env.fields(t(c, o));
    if (!fields) return `r${o} is ${t(c, o)}, not a struct or class`;
    if (!(i >= 0 && i < fields.length)) return `field ${i} out of range`;
    return get ? store(c, fields[i], t(c, v), 'field') : store(c, t(c, v), fields[i], 'field');
  };
}

/** closure/funcref: the destination's function type is the callee's signature. */
function fnValue(x: Ins, c: OpCtx): string | null {
  const callee = c.mod.functions[x.v[1]];
  if (callee.ncaps !== x.list.length) return `${callee.name} captures ${callee.ncaps} values, not ${x.list.length}`;
  const p = each(c, x.list, callee.regTypes.slice(0, callee.ncaps), 'capture');
  if (p) return p;
  const sig = c.env.fnSig(t(c, x.v[0]));
  return sig && sigText(sig) === sigText(fnSignature(callee)) ? null : `r${x.v[0]} (${t(c, x.v[0])}) cannot hold ${callee.name}`;
}

function builtinCall(x: Ins, c: OpCtx): string | null {
  const [d, id, k] = x.v;
  const defs = BUILTINS_BY_ID.get(id)!;
  const kc = c.mod.consts[k];
  const desc = kc && kc.tag === 'type' ? kc.value : null;
  const sig = desc === null ? null : c.env.parseSignature(desc);
  if (!sig) return `builtin ${defs[0].name} without a call descriptor`;
  if (defs[0].native === 'instruction') return `${defs[0].name} is compiled to an instruction, never called`;
  const args = x.list.map((r) => t(c, r));
  if (sigText({ params: args, ret: sig.ret }) !== desc) return `${defs[0].name}: the call descriptor ${desc} does not describe its arguments`;
  const fits = defs.some((b) => {
    if (b.unsupported || (b.variadic ? args.length < b.params.length - 1 : args.length !== b.params.length)) return false;
    const env = new Map<string, string>();
    if (!args.every((a, i) => c.env.match(b.params[Math.min(i, b.params.length - 1)], a, env))) return false;
    return patDesc(b.ret, env) === sig.ret && !b.rule?.(args.map(ruleType));
  });
  return fits ? callOf(c, { params: args, ret: sig.ret }, d, x.list, defs[0].name) : `${defs[0].name} cannot take (${args.join(', ')}) -> ${sig.ret}`;
}

const RULES: Partial<Record<string, Rule>> = {
  loadk: (x, c) => {
    const k = c.mod.consts[x.v[1]];
    const want = k.tag === 'int' ? 'i' : k.tag === 'float' ? 'f' : k.tag === 'str' ? 's' : null;
    return want !== null && t(c, x.v[0]) === want ? null : `a ${k.tag} constant cannot be loaded into r${x.v[0]} (${t(c, x.v[0])})`;
  },
  loadb: (x, c) => (t(c, x.v[0]) === 'b' && (x.v[1] === 0 || x.v[1] === 1) ? null : 'loadb needs a bool register and 0 or 1'),
  // Only these types have null values (the zero value of a struct, class or function variable).
  loadnull: (x, c) => ('SCF('.includes(t(c, x.v[0])[0]) ? null : `r${x.v[0]} (${t(c, x.v[0])}) cannot be null`),
  mov: (x, c) => (t(c, x.v[1]) === 'v' ? 'mov of a void value' : store(c, t(c, x.v[1]), t(c, x.v[0]), 'mov')),
  eq_i: (x, c) => (t(c, x.v[0]) === 'b' ? sameScalar(c, x.v[1], x.v[2]) : `r${x.v[0]} is not bool`),
  jeq_i: (x, c) => sameScalar(c, x.v[0], x.v[1]),
  eq_r: (x, c) => {
    const a = t(c, x.v[1]), b = t(c, x.v[2]);
    if (t(c, x.v[0]) !== 'b' || kindOf(a) !== 3 || a === 'v') return 'eq_r needs a bool result and references';
    return a === b || (c.env.classOf(a) >= 0 && c.env.classOf(b) >= 0) ? null : `comparing ${a} with ${b}`;
  },
  call: (x, c) => {
    const callee = c.mod.functions[x.v[1]];
    if (callee.ncaps !== 0) return `${callee.name} takes captured values and cannot be called directly`;
    return callOf(c, fnSignature(callee), x.v[0], x.list, callee.name);
  },
  callv: (x, c) => {
    const sig = c.env.fnSig(t(c, x.v[1]));
    return sig ? callOf(c, sig, x.v[0], x.list, 'function value') : `r${x.v[1]} (${t(c, x.v[1])}) is not a function`;
  },
  callm: (x, c) => {
    const cls = x.list.length > 0 ? c.env.classOf(t(c, x.list[0])) : -1;
    if (cls < 0) return 'callm without an object of a class';
    const vt = c.mod.classes[cls].vtable;
    if (!(x.v[1] >= 0 && x.v[1] < vt.length) || x.v[1] === c.mod.classes[cls].initSlot) return `slot ${x.v[1]} cannot be called on ${c.mod.classes[cls].name}`;
    // The receiver is checked by the class tables (verify.ts): every override takes its class.
    const sig = fnSignature(c.mod.functions[vt[x.v[1]]]);
    return callOf(c, { params: sig.params.slice(1), ret: sig.ret }, x.v[0], x.list.slice(1), c.mod.functions[vt[x.v[1]]].name);
  },
  callb: builtinCall,
  callx: (x, c) => {
    const e = c.mod.externs[x.v[1]];
    return callOf(c, { params: e.params, ret: e.ret }, x.v[0], x.list, e.name);
  },
  ret: (x, c) => (c.fn.ret === 'v' ? 'ret in a void function' : store(c, t(c, x.v[0]), c.fn.ret, 'result')),
  newarr: (x, c) => {
    const d = t(c, x.v[0]);
    if (d[0] !== '[' || kindOf(d.slice(1, -1)) !== x.v[1]) return `newarr of kind ${x.v[1]} into ${d}`;
    return each(c, x.list, x.list.map(() => d.slice(1, -1)), 'element');
  },
  aget_i: arrayAccess('i', true), aget_f: arrayAccess('f', true), aget_b: arrayAccess('b', true), aget_r: arrayAccess('r', true),
  aset_i: arrayAccess('i', false), aset_f: arrayAccess('f', false), aset_b: arrayAccess('b', false), aset_r: arrayAccess('r', false),
  alen: (x, c) => (t(c, x.v[0]) === 'i' && t(c, x.v[1])[0] === '[' ? null : 'alen needs an int result and an array'),
  newmap: (x, c) => {
    const d = t(c, x.v[0]);
    if (typeConst(c, x.v[1]) !== d || d[0] !== '{' || x.list.length % 2) return `newmap of type ${typeConst(c, x.v[1])} into ${d}`;
    return each(c, x.list, x.list.map((_, i) => (i % 2 ? d.slice(3, -1) : d[1])), 'map entry');
  },
  mget: mapAccess(true),
  mset: mapAccess(false),
  newstruct: (x, c) => {
    const fields = c.mod.structs[x.v[1]].fields.map((f) => f.type);
    return store(c, `S${x.v[1]};`, t(c, x.v[0]), 'newstruct') ?? each(c, x.list, fields, 'field');
  },
  newobj: (x, c) => store(c, `C${x.v[1]};`, t(c, x.v[0]), 'newobj'),
  getf: fieldAccess(true),
  setf: fieldAccess(false),
  newtuple: (x, c) => {
    const d = t(c, x.v[0]);
    if (typeConst(c, x.v[1]) !== d || d[0] !== '(') return `newtuple of type ${typeConst(c, x.v[1])} into ${d}`;
    return each(c, x.list, splitDescs(d.slice(1, -1)), 'tuple element');
  },
  tget: (x, c) => {
    const a = t(c, x.v[1]);
    const elems = a[0] === '(' ? splitDescs(a.slice(1, -1)) : [];
    if (!(x.v[2] >= 0 && x.v[2] < elems.length)) return `tget ${x.v[2]} of r${x.v[1]} (${a})`;
    return store(c, elems[x.v[2]], t(c, x.v[0]), 'tuple element');
  },
  closure: fnValue,
  funcref: fnValue,
  loadg: (x, c) => store(c, c.mod.globals[x.v[1]].type, t(c, x.v[0]), 'global'),
  storeg: (x, c) => store(c, t(c, x.v[0]), c.mod.globals[x.v[1]].type, 'global'),
  tostr: (x, c) => (t(c, x.v[0]) === 's' && typeConst(c, x.v[2]) === t(c, x.v[1]) ? null : 'tostr: the type constant does not describe the value'),
  fmt: (x, c) => {
    const spec = c.mod.consts[x.v[3]];
    if (t(c, x.v[0]) !== 's' || typeConst(c, x.v[2]) !== t(c, x.v[1])) return 'fmt: the type constant does not describe the value';
    return spec.tag === 'spec' && typeof parseFormatSpec(spec.value, specKind(t(c, x.v[1]))) !== 'string' ? null : 'fmt: bad format spec';
  },
  print: (x, c) => {
    for (let i = 0; i < x.list.length; i += 2) {
      const r = x.list[i];
      if (t(c, r) === 'v' || typeConst(c, x.list[i + 1]) !== t(c, r)) return `print: the type constant of r${r} does not describe it`;
    }
    return null;
  },
  rterr: (x) => (x.v[0] >= 0 && x.v[0] < RUNTIME_ERRORS.length ? null : `unknown runtime error ${x.v[0]}`),
  concatn: concatenation,
  appendn: (x, c) => (x.list[0] === x.v[0] ? concatenation(x, c) : 'appendn: the first part is not the destination'),
};
RULES.ne_i = RULES.eq_i;
RULES.jne_i = RULES.jeq_i;
RULES.ne_r = RULES.eq_r;

function sameScalar(c: OpCtx, a: number, b: number): string | null {
  return t(c, a) === t(c, b) && (t(c, a) === 'i' || t(c, a) === 'b') ? null : `comparing r${a} (${t(c, a)}) with r${b} (${t(c, b)})`;
}

/** The typing problem of instruction x, or null. */
/** concatn/appendn: a string from one or more string or int parts. */
function concatenation(x: Ins, c: OpCtx): string | null {
  if (t(c, x.v[0]) !== 's') return `r${x.v[0]} is not str`;
  if (x.list.length === 0) return 'no parts';
  const bad = x.list.find((r) => t(c, r) !== 's' && t(c, r) !== 'i');
  return bad === undefined ? null : `part r${bad} (${t(c, bad)}) is neither str nor int`;
}

export function typeProblem(x: Ins, c: OpCtx): string | null {
  const name = OPS[x.op].name;
  const simple = SIMPLE[name];
  if (simple) {
    const regs = REG_POS[x.op].map((i) => x.v[i]);
    for (let i = 0; i < simple.length; i++) if (t(c, regs[i]) !== simple[i]) return `${name}: r${regs[i]} is ${t(c, regs[i])}, not ${simple[i]}`;
    return null;
  }
  return RULES[name]?.(x, c) ?? null;
}
