// Builtins of the VM, indexed by the reference's builtin number (lang/builtins.ts). Each takes
// the VM context, the argument values and (for the few that care) the static types of the call.
// Behaviour follows spec §5 with bpjit's §8 changes; every failure is an RtError.
import { Kind } from '../bytecode/opcodes.js';
import { kindOf, splitDescs } from '../bytecode/tdesc.js';
import { BUILTINS, type CalledBuiltin } from '../lang/builtins.js';
import { ExitSignal, RtError } from './errors.js';
import { formatG } from './fmt-float.js';
import * as I from './int64.js';
import { Int } from './int64.js';
import { EXT_BUILTINS } from './builtins-ext.js';
import type { Output } from './output.js';
import { BPArray, BPMap, BoolArray, FloatArray, IntArray, RefArray, arrayOf, equals, typeofValue } from './values.js';
import { negNaN } from './nan.js';

/** What builtins may use of the VM. */
export interface BuiltinCtx {
  readonly out: Output;
  readonly args: string[];
  rand: bigint;
  /** The next line of standard input without its line ending ("" at end of input). */
  readLine(): string;
}

/** Static types of one builtin call: argument descriptors and the result's. */
export interface CallDesc {
  readonly args: string[];
  readonly ret: string;
}

export function callDescOf(s: string): CallDesc {
  const at = s.lastIndexOf('->');
  return { args: splitDescs(s.slice(0, at)), ret: s.slice(at + 2) };
}

export type BuiltinImpl = (vm: BuiltinCtx, a: unknown[], d: CallDesc | null) => unknown;

const S = (v: unknown) => v as string;
const N = (v: unknown) => v as Int;
const F = (v: unknown) => v as number;
const A = (v: unknown) => v as BPArray;
const M = (v: unknown) => v as BPMap;
/** An int argument used as a count or offset (huge values clamp, they never index anything). */
const num = (v: unknown): number => Number(v as Int);

const SPACE = ' \t\n\v\f\r';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const allOf = (s: string, p: (c: string) => boolean) => s.length > 0 && [...s].every(p);

/** `n` bytes of `pad` repeated; past V8's longest string, the out-of-memory runtime error. */
function padding(pad: string, n: number): string {
  if (n > (1 << 29) - 24) throw new RtError('OUT_OF_MEMORY');
  return pad.repeat(Math.ceil(n / pad.length)).slice(0, n);
}

/** Strings end at a NUL byte for the C-string builtins of the reference (str_split, regex). */
export const cstr = (s: string) => {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
};

export function strtod(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(inf(?:inity)?|nan(?:\([0-9a-z_]*\))?|0x(?:[0-9a-f]+(?:\.[0-9a-f]*)?|\.[0-9a-f]+)(?:p[+-]?\d+)?|(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)/i.exec(s);
  if (!m) return 0;
  const neg = m[1] === '-';
  const body = m[2].toLowerCase();
  let v: number;
  if (body.startsWith('inf')) v = Infinity;
  else if (body.startsWith('nan')) return neg ? negNaN() : NaN;
  else if (body.startsWith('0x')) v = hexFloat(body.slice(2));
  else v = Number(body);
  return neg ? -v : v;
}

function hexFloat(s: string): number {
  const [mant, exp] = s.split('p');
  const [ip, fp = ''] = mant.split('.');
  const digits = BigInt('0x' + ((ip || '0') + fp));
  const e = (exp ? Number(exp) : 0) - 4 * fp.length;
  // Exact: scale a BigInt by a power of two through division only when representable.
  return Number(digits) * 2 ** e;
}

export function strtoll(s: string): Int {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  const v = BigInt(m[1]);
  return I.canon(v > I.INT64_MAX ? I.INT64_MAX : v < I.INT64_MIN ? I.INT64_MIN : v);
}

function sortArray(a: BPArray): void {
  const items = a.toArray();
  items.sort((x, y) => ((x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0));
  for (let i = 0; i < items.length; i++) a.set(i, items[i]);
}

function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const CORE = {
  substr: (_, a) => {
    const s = S(a[0]);
    const start = Math.max(0, num(a[1]));
    const count = Math.max(0, num(a[2]));
    return start >= s.length ? '' : s.slice(start, start + count);
  },
  read_line: (vm) => vm.readLine(),
  clock_ms: () => Date.now(),
  exit: (vm, a) => {
    vm.out.flush();
    throw new ExitSignal(Number(BigInt.asUintN(8, I.big(N(a[0])))));
  },
  chr: (_, a) => {
    const n = N(a[0]);
    if (!(typeof n === 'number' && n >= 0 && n <= 127)) throw new RtError('CHR_RANGE');
    return String.fromCharCode(n);
  },
  ord: (_, a) => {
    const s = S(a[0]);
    if (s.length === 0) throw new RtError('ORD_EMPTY');
    return s.charCodeAt(0);
  },
  abs: (_, a) => ((N(a[0]) as number) < 0 ? I.neg(N(a[0])) : a[0]),
  min: (_, a) => ((N(a[0]) as number) <= (N(a[1]) as number) ? a[0] : a[1]),
  max: (_, a) => ((N(a[0]) as number) >= (N(a[1]) as number) ? a[0] : a[1]),
  pow: (_, a) => I.fromFloat(Math.pow(I.toFloat(N(a[0])), I.toFloat(N(a[1])))),
  sqrt: (_, a) => I.fromFloat(Math.sqrt(I.toFloat(N(a[0])))),
  floor: (_, a) => a[0],
  ceil: (_, a) => a[0],
  round: (_, a) => a[0],
  clamp: (_, a) => {
    const v = N(a[0]) as number, lo = N(a[1]) as number, hi = N(a[2]) as number;
    return v < lo ? lo : v > hi ? hi : v;
  },
  sign: (_, a) => ((N(a[0]) as number) > 0 ? 1 : (N(a[0]) as number) < 0 ? -1 : 0),
  str_upper: (_, a) => S(a[0]).replace(/[a-z]+/g, (m) => m.toUpperCase()),
  str_lower: (_, a) => S(a[0]).replace(/[A-Z]+/g, (m) => m.toLowerCase()),
  str_trim: (_, a) => {
    const s = S(a[0]);
    let i = 0, j = s.length;
    while (i < j && SPACE.includes(s[i])) i++;
    while (j > i && SPACE.includes(s[j - 1])) j--;
    return s.slice(i, j);
  },
  starts_with: (_, a) => S(a[0]).startsWith(S(a[1])),
  ends_with: (_, a) => S(a[0]).endsWith(S(a[1])),
  str_find: (_, a) => S(a[0]).indexOf(S(a[1])),
  str_index_of: (_, a) => S(a[0]).indexOf(S(a[1])),
  str_replace: (_, a) => {
    const s = S(a[0]), old = S(a[1]);
    if (old === '') return s;
    const i = s.indexOf(old);
    return i < 0 ? s : s.slice(0, i) + S(a[2]) + s.slice(i + old.length);
  },
  str_reverse: (_, a) => S(a[0]).split('').reverse().join(''),
  str_repeat: (_, a) => {
    const n = num(a[1]);
    if (n > 1000) throw new RtError('STR_REPEAT_COUNT');
    return n <= 0 ? '' : S(a[0]).repeat(n);
  },
  str_pad_left: (_, a) => {
    const s = S(a[0]), w = num(a[1]), p = S(a[2]);
    return w <= s.length || p === '' ? s : padding(p, w - s.length) + s;
  },
  str_pad_right: (_, a) => {
    const s = S(a[0]), w = num(a[1]), p = S(a[2]);
    return w <= s.length || p === '' ? s : s + padding(p, w - s.length);
  },
  str_contains: (_, a) => S(a[0]).includes(S(a[1])),
  str_count: (_, a) => {
    const s = S(a[0]), n = S(a[1]);
    if (n === '') return 0;
    let c = 0;
    for (let i = s.indexOf(n); i >= 0; i = s.indexOf(n, i + n.length)) c++;
    return c;
  },
  str_char_at: (_, a) => {
    const s = S(a[0]), i = num(a[1]);
    return i >= 0 && i < s.length ? s[i] : '';
  },
  is_digit: (_, a) => allOf(S(a[0]), isDigit),
  is_alpha: (_, a) => allOf(S(a[0]), isAlpha),
  is_alnum: (_, a) => allOf(S(a[0]), (c) => isDigit(c) || isAlpha(c)),
  is_space: (_, a) => allOf(S(a[0]), (c) => SPACE.includes(c)),
  str_split: (_, a) => {
    const s = cstr(S(a[0])), sep = cstr(S(a[1]));
    return new RefArray(sep === '' ? s.split('') : s.split(sep));
  },
  str_join: (_, a) => (A(a[0]) as RefArray).toArray().join(S(a[1])),
  str_concat_all: (_, a) => (A(a[0]) as RefArray).toArray().join(''),
  sin: (_, a) => Math.sin(F(a[0])),
  cos: (_, a) => Math.cos(F(a[0])),
  tan: (_, a) => Math.tan(F(a[0])),
  asin: (_, a) => Math.asin(F(a[0])),
  acos: (_, a) => Math.acos(F(a[0])),
  atan: (_, a) => Math.atan(F(a[0])),
  atan2: (_, a) => Math.atan2(F(a[0]), F(a[1])),
  log: (_, a) => (F(a[0]) < 0 ? negNaN() : Math.log(F(a[0]))),
  log10: (_, a) => Math.log10(F(a[0])), // glibc: log10 of a negative is +nan (log and log2 give -nan)
  log2: (_, a) => (F(a[0]) < 0 ? negNaN() : Math.log2(F(a[0]))),
  exp: (_, a) => Math.exp(F(a[0])),
  fabs: (_, a) => Math.abs(F(a[0])),
  ffloor: (_, a) => Math.floor(F(a[0])),
  fceil: (_, a) => Math.ceil(F(a[0])),
  fround: (_, a) => {
    const x = F(a[0]);
    const t = Math.trunc(x);
    return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
  },
  fsqrt: (_, a) => Math.sqrt(F(a[0])),
  fpow: (_, a) => {
    const x = F(a[0]), y = F(a[1]);
    // C pow of a negative finite base and a non-integer exponent is the default (negative) NaN.
    return x < 0 && isFinite(x) && isFinite(y) && Math.trunc(y) !== y ? negNaN() : Math.pow(x, y);
  },
  float_to_str: (_, a) => formatG(F(a[0])),
  str_to_float: (_, a) => strtod(S(a[0])),
  is_nan: (_, a) => F(a[0]) !== F(a[0]),
  is_inf: (_, a) => F(a[0]) === Infinity || F(a[0]) === -Infinity,
  parse_int: (_, a) => strtoll(S(a[0])),
  int_to_hex: (_, a) => BigInt.asUintN(64, I.big(N(a[0]))).toString(16),
  hex_to_int: (_, a) => {
    const s = S(a[0]);
    if (!/^[0-9a-fA-F]*$/.test(s)) throw new RtError('HEX_CHAR');
    return s === '' ? 0 : I.canon(BigInt('0x' + s));
  },
  typeof: (_, a, d) => typeofValue(a[0], kindOf(d!.args[0])),
  array_push: (_, a) => { A(a[0]).push(a[1]); return null; },
  array_pop: (_, a) => {
    const arr = A(a[0]);
    if (arr.len === 0) throw new RtError('ARRAY_POP_EMPTY');
    return arr.pop();
  },
  array_sort: (_, a) => { sortArray(A(a[0])); return null; },
  array_slice: (_, a) => {
    const arr = A(a[0]);
    const start = Math.max(0, num(a[1])), end = Math.min(arr.len, num(a[2]));
    return arr.slice(start, Math.max(start, end));
  },
  array_insert: (_, a) => {
    const arr = A(a[0]);
    const i = Math.min(arr.len, Math.max(0, num(a[1])));
    arr.insert(i, a[2]);
    return null;
  },
  array_remove: (_, a) => {
    const arr = A(a[0]), i = N(a[1]);
    if (!(typeof i === 'number' && i >= 0 && i < arr.len)) throw new RtError('ARRAY_REMOVE_INDEX');
    return arr.remove(i);
  },
  array_concat: (_, a) => {
    const x = A(a[0]), y = A(a[1]);
    const out = x.slice(0, x.len);
    for (let i = 0; i < y.len; i++) out.push(y.get(i));
    return out;
  },
  array_copy: (_, a) => A(a[0]).slice(0, A(a[0]).len),
  array_clear: (_, a) => { A(a[0]).clear(); return null; },
  array_index_of: (_, a) => indexOf(A(a[0]), a[1]),
  array_contains: (_, a) => indexOf(A(a[0]), a[1]) >= 0,
  array_reverse: (_, a) => { A(a[0]).reverse(); return null; },
  array_fill: (_, a, d) => {
    const n = Math.max(0, num(a[0]));
    const kind = kindOf(d!.args[1]);
    if (kind === Kind.Int) return IntArray.filled(n, N(a[1]));
    if (kind === Kind.Float) return FloatArray.filled(n, a[1] as number);
    if (kind === Kind.Bool) return BoolArray.filled(n, a[1] as boolean);
    return new RefArray(new Array(n).fill(a[1]));
  },
  map_len: (_, a) => M(a[0]).m.size,
  map_keys: (_, a) => arrayOf(M(a[0]).kk, [...M(a[0]).m.keys()]),
  map_values: (_, a) => arrayOf(M(a[0]).vk, [...M(a[0]).m.values()]),
  map_has_key: (_, a) => M(a[0]).m.has(a[1]),
  map_delete: (_, a) => M(a[0]).m.delete(a[1]),
  sleep: (vm, a) => { vm.out.flush(); sleepMs(num(a[0])); return null; },
  // (the compiler turns these into instructions; hand-written bytecode may call them)
  bit_and: (_, a) => I.and(N(a[0]), N(a[1])),
  bit_or: (_, a) => I.or(N(a[0]), N(a[1])),
  bit_xor: (_, a) => I.xor(N(a[0]), N(a[1])),
  bit_not: (_, a) => I.not(N(a[0])),
  bit_shl: (_, a) => I.shl(N(a[0]), N(a[1])),
  bit_shr: (_, a) => I.shr(N(a[0]), N(a[1])),
} satisfies Partial<Record<CalledBuiltin, BuiltinImpl>>;

function indexOf(arr: BPArray, v: unknown): number {
  for (let i = 0; i < arr.len; i++) if (equals(arr.get(i), v, arr.kind)) return i;
  return -1;
}

/** Every builtin a callb instruction may call (the type requires each). */
const IMPLS: Record<CalledBuiltin, BuiltinImpl> = { ...CORE, ...EXT_BUILTINS, str_split_str: CORE.str_split, str_join_arr: CORE.str_join };

/** Builtin implementations by reference number (the verifier admits no call of the others). */
export const BUILTIN_IMPLS: BuiltinImpl[] = (() => {
  const table: BuiltinImpl[] = [];
  const impls: Partial<Record<string, BuiltinImpl>> = IMPLS;
  for (const b of BUILTINS.values()) table[b.id] ??= impls[b.name] ?? (() => { throw new RtError('UNSUPPORTED', b.name); });
  return table;
})();
