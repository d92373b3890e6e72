// THE opcode table: one row per instruction of bpjit's register bytecode. The VM, the
// disassembler, the .bpc verifier and the native lowering all read it.
//
// Encoding: a function's code is an Int32Array; an instruction is its opcode followed by its
// operands, each one int32. Operand letters (the `ops` column):
//   d  destination register        r  source register          i  int32 immediate
//   k  constant-pool index         j  jump target (absolute pc) f  function index
//   b  builtin id                  g  global index             t  struct/class index
//   x  element kind (Kind)         s  vtable slot
//   *  a count n followed by n source registers (calls, literals)
//   %  a count n followed by n pairs (register, constant index of its type descriptor)
// Register kinds (every register has exactly one): int, float, bool, ref. The type suffix of
// an opcode names the kind it works on: _I int (and bool where stated), _F float, _S str, _R ref.

export const enum Kind { Int = 0, Float = 1, Bool = 2, Ref = 3 }
export const KIND_NAMES = ['int', 'float', 'bool', 'ref'] as const;

/** The relation a comparison or conditional branch tests (signed for ints). */
export type Rel = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';

/**
 * Which native tiers compile an opcode (the VM runs every one). Omitted: the lowering takes
 * every instance (compiled functions, built executables, the native interpreter's stubs).
 * 'typed': only instances whose types native code represents (src/native/unsupported.ts says
 * which). 'never': a function holding one stays on the VM (and `bpjit build` refuses it).
 */
export type NativeSupport = 'typed' | 'never';

export interface OpDef {
  readonly name: string;
  readonly ops: string;
  /** One-line meaning (docs and the disassembler's help). */
  readonly doc: string;
  /** Can raise a runtime error or exception (the lowering needs a line for it). */
  readonly mayFail?: boolean;
  /** Comparisons and conditional branches: the relation tested. */
  readonly rel?: Rel;
  readonly native?: NativeSupport;
}

// prettier-ignore
export const OPS = [
  { name: 'nop', ops: '', doc: 'nothing' },
  { name: 'loadi', ops: 'di', doc: 'd = int immediate' },
  { name: 'loadk', ops: 'dk', doc: 'd = constant (int, float or str)' },
  { name: 'loadb', ops: 'di', doc: 'd = bool immediate (0/1)' },
  { name: 'loadnull', ops: 'd', doc: 'd = null reference', native: 'never' },
  { name: 'mov', ops: 'dr', doc: 'd = r' },
  { name: 'add_i', ops: 'drr', doc: 'd = a + b (64-bit wrapping)' },
  { name: 'sub_i', ops: 'drr', doc: 'd = a - b (wrapping)' },
  { name: 'mul_i', ops: 'drr', doc: 'd = a * b (wrapping)' },
  { name: 'div_i', ops: 'drr', doc: 'd = a / b truncated; b = 0 → division by zero; MIN / -1 = MIN', mayFail: true },
  { name: 'mod_i', ops: 'drr', doc: 'd = a % b, sign of a; b = 0 → division by zero; MIN % -1 = 0', mayFail: true },
  { name: 'neg_i', ops: 'dr', doc: 'd = -a (wrapping)' },
  { name: 'addk_i', ops: 'dri', doc: 'd = a + immediate (wrapping)' },
  { name: 'and_i', ops: 'drr', doc: 'd = a & b' },
  { name: 'or_i', ops: 'drr', doc: 'd = a | b' },
  { name: 'xor_i', ops: 'drr', doc: 'd = a ^ b' },
  { name: 'shl_i', ops: 'drr', doc: 'd = a << (b mod 64)' },
  { name: 'shr_i', ops: 'drr', doc: 'd = a >> (b mod 64), arithmetic' },
  { name: 'not_i', ops: 'dr', doc: 'd = ~a' },
  { name: 'add_f', ops: 'drr', doc: 'd = a + b' },
  { name: 'sub_f', ops: 'drr', doc: 'd = a - b' },
  { name: 'mul_f', ops: 'drr', doc: 'd = a * b' },
  { name: 'div_f', ops: 'drr', doc: 'd = a / b (IEEE)' },
  { name: 'mod_f', ops: 'drr', doc: 'd = fmod(a, b)' },
  { name: 'neg_f', ops: 'dr', doc: 'd = -a' },
  { name: 'eq_i', ops: 'drr', doc: 'd = a == b (int or bool)', rel: 'eq' },
  { name: 'ne_i', ops: 'drr', doc: 'd = a != b (int or bool)', rel: 'ne' },
  { name: 'lt_i', ops: 'drr', doc: 'd = a < b', rel: 'lt' },
  { name: 'le_i', ops: 'drr', doc: 'd = a <= b', rel: 'le' },
  { name: 'gt_i', ops: 'drr', doc: 'd = a > b', rel: 'gt' },
  { name: 'ge_i', ops: 'drr', doc: 'd = a >= b', rel: 'ge' },
  { name: 'eq_f', ops: 'drr', doc: 'd = a == b (IEEE: nan != nan)', rel: 'eq' },
  { name: 'ne_f', ops: 'drr', doc: 'd = a != b', rel: 'ne' },
  { name: 'lt_f', ops: 'drr', doc: 'd = a < b', rel: 'lt' },
  { name: 'le_f', ops: 'drr', doc: 'd = a <= b', rel: 'le' },
  { name: 'gt_f', ops: 'drr', doc: 'd = a > b', rel: 'gt' },
  { name: 'ge_f', ops: 'drr', doc: 'd = a >= b', rel: 'ge' },
  { name: 'not', ops: 'dr', doc: 'd = not a (bool)' },
  { name: 'concat', ops: 'drr', doc: 'd = a + b (str)' },
  { name: 'eq_s', ops: 'drr', doc: 'd = a == b (str bytes)' },
  { name: 'ne_s', ops: 'drr', doc: 'd = a != b (str bytes)' },
  { name: 'eq_r', ops: 'drr', doc: 'd = a == b (structural for arrays, maps, tuples, structs; identity for objects)', native: 'typed' },
  { name: 'ne_r', ops: 'drr', doc: 'd = a != b (negation of eq_r)', native: 'typed' },
  { name: 'i2f', ops: 'dr', doc: 'd = int_to_float(a)' },
  { name: 'f2i', ops: 'dr', doc: 'd = float_to_int(a) (truncates; nan/inf/out of range → MIN)' },
  { name: 'jmp', ops: 'j', doc: 'pc = target (forward)' },
  { name: 'loop', ops: 'j', doc: 'pc = target (loop back-edge; counted by the profiler)' },
  { name: 'jt', ops: 'rj', doc: 'if a: pc = target' },
  { name: 'jf', ops: 'rj', doc: 'if not a: pc = target' },
  { name: 'jlt_i', ops: 'rrj', doc: 'if a < b: pc = target', rel: 'lt' },
  { name: 'jle_i', ops: 'rrj', doc: 'if a <= b: pc = target', rel: 'le' },
  { name: 'jgt_i', ops: 'rrj', doc: 'if a > b: pc = target', rel: 'gt' },
  { name: 'jge_i', ops: 'rrj', doc: 'if a >= b: pc = target', rel: 'ge' },
  { name: 'jeq_i', ops: 'rrj', doc: 'if a == b: pc = target', rel: 'eq' },
  { name: 'jne_i', ops: 'rrj', doc: 'if a != b: pc = target', rel: 'ne' },
  { name: 'jlt_ik', ops: 'rij', doc: 'if a < immediate: pc = target', rel: 'lt' },
  { name: 'jle_ik', ops: 'rij', doc: 'if a <= immediate: pc = target', rel: 'le' },
  { name: 'jgt_ik', ops: 'rij', doc: 'if a > immediate: pc = target', rel: 'gt' },
  { name: 'jge_ik', ops: 'rij', doc: 'if a >= immediate: pc = target', rel: 'ge' },
  { name: 'jeq_ik', ops: 'rij', doc: 'if a == immediate: pc = target', rel: 'eq' },
  { name: 'jne_ik', ops: 'rij', doc: 'if a != immediate: pc = target', rel: 'ne' },
  { name: 'forlt', ops: 'rrij', doc: 'loop back-edge of a counting loop: a += step; if a < b: pc = target', rel: 'lt' },
  { name: 'forgt', ops: 'rrij', doc: 'loop back-edge of a counting loop with negative step: a += step; if a > b: pc = target', rel: 'gt' },
  { name: 'call', ops: 'df*', doc: 'd = f(args)', mayFail: true },
  { name: 'callv', ops: 'dr*', doc: 'd = closure a(args) (captures are passed first)', mayFail: true },
  { name: 'callm', ops: 'ds*', doc: 'd = args[0].vtable[slot](args) (virtual method)', mayFail: true },
  { name: 'callb', ops: 'dbk*', doc: 'd = builtin b(args); k = type descriptor of the call (-1: none)', mayFail: true, native: 'typed' },
  { name: 'callx', ops: 'df*', doc: 'd = extern function f(args) via FFI', mayFail: true },
  { name: 'ret', ops: 'r', doc: 'return a' },
  { name: 'retv', ops: '', doc: 'return (void)' },
  { name: 'newarr', ops: 'dx*', doc: 'd = new array of kind x from args' },
  { name: 'aget_i', ops: 'drr', doc: 'd = a[i] ([int]); negative i counts from the end', mayFail: true },
  { name: 'aget_f', ops: 'drr', doc: 'd = a[i] ([float])', mayFail: true },
  { name: 'aget_b', ops: 'drr', doc: 'd = a[i] ([bool])', mayFail: true },
  { name: 'aget_r', ops: 'drr', doc: 'd = a[i] (array of references)', mayFail: true },
  { name: 'aset_i', ops: 'rrr', doc: 'a[i] = v ([int])', mayFail: true },
  { name: 'aset_f', ops: 'rrr', doc: 'a[i] = v ([float])', mayFail: true },
  { name: 'aset_b', ops: 'rrr', doc: 'a[i] = v ([bool])', mayFail: true },
  { name: 'aset_r', ops: 'rrr', doc: 'a[i] = v (array of references)', mayFail: true },
  { name: 'alen', ops: 'dr', doc: 'd = array_len(a)' },
  { name: 'newmap', ops: 'dk*', doc: 'd = new map of type k from key/value register pairs' },
  { name: 'mget', ops: 'drr', doc: 'd = m[key]; missing → key not found', mayFail: true },
  { name: 'mset', ops: 'rrr', doc: 'm[key] = v' },
  { name: 'newstruct', ops: 'dt*', doc: 'd = struct t from field values in declaration order' },
  { name: 'newobj', ops: 'dt', doc: 'd = new instance of class t, fields zero-initialised' },
  { name: 'getf', ops: 'dri', doc: 'd = a.field[i]', mayFail: true },
  { name: 'setf', ops: 'rir', doc: 'a.field[i] = v', mayFail: true },
  { name: 'newtuple', ops: 'dk*', doc: 'd = tuple of type k from args' },
  { name: 'tget', ops: 'dri', doc: 'd = a[i] (tuple, constant index)' },
  { name: 'closure', ops: 'df*', doc: 'd = closure of function f capturing args' },
  { name: 'funcref', ops: 'df', doc: 'd = function f as a value' },
  { name: 'loadg', ops: 'dg', doc: 'd = global g', native: 'typed' },
  { name: 'storeg', ops: 'rg', doc: 'global g = a', native: 'typed' },
  { name: 'tostr', ops: 'drk', doc: 'd = to_str(a), a of type k', native: 'typed' },
  { name: 'fmt', ops: 'drkk', doc: 'd = a formatted by spec k2 (f-strings), a of type k', native: 'typed' },
  { name: 'print', ops: '%', doc: 'print the values, separated by spaces, then a newline', native: 'typed' },
  { name: 'throw', ops: 'r', doc: 'raise exception with message a (str)', mayFail: true },
  { name: 'strlen', ops: 'dr', doc: 'd = len(a) (str)' },
  { name: 'rterr', ops: 'i', doc: 'stop with runtime error number i (see bytecode/runtime-errors.ts)', mayFail: true },
  { name: 'concatn', ops: 'd*', doc: 'd = the parts one after another: strings, and int registers written in decimal (chains of + and f-strings)', mayFail: true },
  { name: 'appendn', ops: 'd*', doc: 'concatn whose first part is d, a string no one else holds (bytecode/append.ts): it may grow in place', mayFail: true },
] as const satisfies readonly OpDef[];

/** The rows as OpDef (every column visible, optional ones possibly undefined). */
export const OP_DEFS: readonly OpDef[] = OPS;

export type OpName = (typeof OPS)[number]['name'];

/** Opcode numbers by name (the position in OPS). */
export const Op: Readonly<Record<OpName, number>> = Object.fromEntries(OPS.map((o, i) => [o.name, i])) as Record<OpName, number>;

/** Length in int32 words of the instruction at code[pc]. */
export function instrLength(code: Int32Array, pc: number): number {
  const ops = OPS[code[pc]].ops;
  const star = ops.indexOf('*');
  if (star >= 0) return 1 + star + 1 + code[pc + 1 + star];
  if (ops === '%') return 2 + 2 * code[pc + 1];
  return 1 + ops.length;
}

// ${O:Begin} generated by scripts/gen-opcodes.mjs from OPS — do not edit
/** Opcode numbers as compile-time constants (the VM's switch needs literals). */
// prettier-ignore
export const enum O {
  nop = 0,
  loadi = 1,
  loadk = 2,
  loadb = 3,
  loadnull = 4,
  mov = 5,
  add_i = 6,
  sub_i = 7,
  mul_i = 8,
  div_i = 9,
  mod_i = 10,
  neg_i = 11,
  addk_i = 12,
  and_i = 13,
  or_i = 14,
  xor_i = 15,
  shl_i = 16,
  shr_i = 17,
  not_i = 18,
  add_f = 19,
  sub_f = 20,
  mul_f = 21,
  div_f = 22,
  mod_f = 23,
  neg_f = 24,
  eq_i = 25,
  ne_i = 26,
  lt_i = 27,
  le_i = 28,
  gt_i = 29,
  ge_i = 30,
  eq_f = 31,
  ne_f = 32,
  lt_f = 33,
  le_f = 34,
  gt_f = 35,
  ge_f = 36,
  not = 37,
  concat = 38,
  eq_s = 39,
  ne_s = 40,
  eq_r = 41,
  ne_r = 42,
  i2f = 43,
  f2i = 44,
  jmp = 45,
  loop = 46,
  jt = 47,
  jf = 48,
  jlt_i = 49,
  jle_i = 50,
  jgt_i = 51,
  jge_i = 52,
  jeq_i = 53,
  jne_i = 54,
  jlt_ik = 55,
  jle_ik = 56,
  jgt_ik = 57,
  jge_ik = 58,
  jeq_ik = 59,
  jne_ik = 60,
  forlt = 61,
  forgt = 62,
  call = 63,
  callv = 64,
  callm = 65,
  callb = 66,
  callx = 67,
  ret = 68,
  retv = 69,
  newarr = 70,
  aget_i = 71,
  aget_f = 72,
  aget_b = 73,
  aget_r = 74,
  aset_i = 75,
  aset_f = 76,
  aset_b = 77,
  aset_r = 78,
  alen = 79,
  newmap = 80,
  mget = 81,
  mset = 82,
  newstruct = 83,
  newobj = 84,
  getf = 85,
  setf = 86,
  newtuple = 87,
  tget = 88,
  closure = 89,
  funcref = 90,
  loadg = 91,
  storeg = 92,
  tostr = 93,
  fmt = 94,
  print = 95,
  throw = 96,
  strlen = 97,
  rterr = 98,
  concatn = 99,
  appendn = 100,
}
// ${O:End}
