// The builtin table: every builtin name with its reference number (spec §6.3), tier (§5.18) and
// signature. Signatures are written like the spec's tables and parsed once; the type variables
// T, K, V bind to argument types, so `array_push` is `[T], T -> void`. Tiers decide where a
// builtin runs (spec §8.3): CORE everywhere, EXTENDED in the VM and executables, SPECIALIZED in
// the VM first.
import type { MessageName } from './messages.js';
import { Type, INT, FLOAT, BOOL, STR, VOID, PTR, arrayOf, mapOf } from './types.js';

export type Tier = 'core' | 'extended' | 'specialized';

/** A signature pattern: a concrete type, a type variable, or `any`. */
export type Pat =
  | { p: 'type'; t: Type }
  | { p: 'var'; name: 'T' | 'K' | 'V' }
  | { p: 'any' }
  | { p: 'array'; elem: Pat }
  | { p: 'map'; key: Pat; value: Pat };

export interface BuiltinDef {
  readonly name: string;
  /** The reference's builtin number (spec §6.3); aliases share it. */
  readonly id: number;
  readonly tier: Tier;
  readonly params: Pat[];
  /** The last parameter repeats (print). */
  readonly variadic: boolean;
  readonly ret: Pat;
  /** An extra static rule beyond the pattern (returns the diagnostic when violated). */
  readonly rule?: (args: Type[]) => MessageName | null;
  /** Set when bpjit cannot run this builtin at all (compile-time error naming it). */
  readonly unsupported?: string;
}

const SORTABLE = (args: Type[]) => {
  const a = args[0];
  return a.k === 'array' && !['int', 'float', 'str', 'error'].includes(a.elem.k) ? 'sort-element-type' : null;
};

// name id tier signature
const TABLE: [string, number, Tier, string, BuiltinDef['rule']?][] = [
  ['print', 1, 'core', 'any... -> void'],
  ['len', 2, 'core', 'str -> int'],
  ['substr', 3, 'core', 'str, int, int -> str'],
  ['read_line', 4, 'core', ' -> str'],
  ['to_str', 5, 'core', 'any -> str'],
  ['clock_ms', 6, 'core', ' -> int'],
  ['exit', 7, 'core', 'int -> void'],
  ['file_read', 8, 'extended', 'str -> str'],
  ['file_write', 9, 'extended', 'str, str -> bool'],
  ['chr', 10, 'core', 'int -> str'],
  ['ord', 11, 'core', 'str -> int'],
  ['base64_encode', 12, 'extended', 'str -> str'],
  ['base64_decode', 13, 'extended', 'str -> str'],
  ['bytes_to_str', 14, 'extended', 'T -> str', (a) => (a[0].k === 'str' || (a[0].k === 'array' && a[0].elem.k === 'int') || a[0].k === 'error' ? null : 'bytes-to-str-type')],
  ['str_to_bytes', 15, 'extended', 'str -> [int]'],
  ['abs', 16, 'core', 'int -> int'],
  ['min', 17, 'core', 'int, int -> int'],
  ['max', 18, 'core', 'int, int -> int'],
  ['pow', 19, 'core', 'int, int -> int'],
  ['sqrt', 20, 'core', 'int -> int'],
  ['floor', 21, 'core', 'int -> int'],
  ['ceil', 22, 'core', 'int -> int'],
  ['round', 23, 'core', 'int -> int'],
  ['str_upper', 24, 'core', 'str -> str'],
  ['str_lower', 25, 'core', 'str -> str'],
  ['str_trim', 26, 'core', 'str -> str'],
  ['starts_with', 27, 'core', 'str, str -> bool'],
  ['ends_with', 28, 'core', 'str, str -> bool'],
  ['str_find', 29, 'core', 'str, str -> int'],
  ['str_replace', 30, 'core', 'str, str, str -> str'],
  ['rand', 33, 'extended', ' -> int'],
  ['rand_range', 34, 'extended', 'int, int -> int'],
  ['rand_seed', 35, 'extended', 'int -> void'],
  ['file_exists', 36, 'extended', 'str -> bool'],
  ['file_delete', 37, 'extended', 'str -> bool'],
  ['file_append', 38, 'extended', 'str, str -> bool'],
  ['sleep', 39, 'core', 'int -> void'],
  ['getenv', 40, 'extended', 'str -> str'],
  ['hash_sha256', 41, 'extended', 'str -> str'],
  ['hash_md5', 42, 'extended', 'str -> str'],
  ['secure_compare', 43, 'specialized', 'str, str -> bool'],
  ['random_bytes', 44, 'specialized', 'int -> str'],
  ['str_reverse', 45, 'core', 'str -> str'],
  ['str_repeat', 46, 'core', 'str, int -> str'],
  ['str_pad_left', 47, 'core', 'str, int, str -> str'],
  ['str_pad_right', 48, 'core', 'str, int, str -> str'],
  ['str_contains', 49, 'core', 'str, str -> bool'],
  ['str_count', 50, 'core', 'str, str -> int'],
  ['int_to_hex', 51, 'core', 'int -> str'],
  ['hex_to_int', 52, 'core', 'str -> int'],
  ['str_char_at', 53, 'core', 'str, int -> str'],
  ['str_index_of', 54, 'core', 'str, str -> int'],
  ['is_digit', 55, 'core', 'str -> bool'],
  ['is_alpha', 56, 'core', 'str -> bool'],
  ['is_alnum', 57, 'core', 'str -> bool'],
  ['is_space', 58, 'core', 'str -> bool'],
  ['clamp', 59, 'core', 'int, int, int -> int'],
  ['sign', 60, 'core', 'int -> int'],
  ['file_size', 61, 'extended', 'str -> int'],
  ['file_copy', 62, 'extended', 'str, str -> bool'],
  ['sin', 63, 'core', 'float -> float'],
  ['cos', 64, 'core', 'float -> float'],
  ['tan', 65, 'core', 'float -> float'],
  ['asin', 66, 'core', 'float -> float'],
  ['acos', 67, 'core', 'float -> float'],
  ['atan', 68, 'core', 'float -> float'],
  ['atan2', 69, 'core', 'float, float -> float'],
  ['log', 70, 'core', 'float -> float'],
  ['log10', 71, 'core', 'float -> float'],
  ['log2', 72, 'core', 'float -> float'],
  ['exp', 73, 'core', 'float -> float'],
  ['fabs', 74, 'core', 'float -> float'],
  ['ffloor', 75, 'core', 'float -> float'],
  ['fceil', 76, 'core', 'float -> float'],
  ['fround', 77, 'core', 'float -> float'],
  ['fsqrt', 78, 'core', 'float -> float'],
  ['fpow', 79, 'core', 'float, float -> float'],
  ['int_to_float', 80, 'core', 'int -> float'],
  ['float_to_int', 81, 'core', 'float -> int'],
  ['float_to_str', 82, 'core', 'float -> str'],
  ['str_to_float', 83, 'core', 'str -> float'],
  ['is_nan', 84, 'core', 'float -> bool'],
  ['is_inf', 85, 'core', 'float -> bool'],
  ['array_len', 86, 'core', '[T] -> int'],
  ['array_push', 87, 'core', '[T], T -> void'],
  ['array_pop', 88, 'core', '[T] -> T'],
  ['map_len', 89, 'core', '{K: V} -> int'],
  ['map_keys', 90, 'core', '{K: V} -> [K]'],
  ['map_values', 91, 'core', '{K: V} -> [V]'],
  ['map_has_key', 92, 'core', '{K: V}, K -> bool'],
  ['map_delete', 93, 'core', '{K: V}, K -> bool'],
  ['argv', 94, 'extended', ' -> [str]'],
  ['argc', 95, 'extended', ' -> int'],
  ['thread_spawn', 96, 'specialized', 'any... -> ptr'],
  ['thread_join', 97, 'specialized', 'ptr -> int'],
  ['thread_detach', 98, 'specialized', 'ptr -> bool'],
  ['thread_current', 99, 'specialized', ' -> int'],
  ['thread_yield', 100, 'specialized', ' -> void'],
  ['thread_sleep', 101, 'specialized', 'int -> void'],
  ['mutex_new', 102, 'specialized', ' -> ptr'],
  ['mutex_lock', 103, 'specialized', 'ptr -> void'],
  ['mutex_trylock', 104, 'specialized', 'ptr -> bool'],
  ['mutex_unlock', 105, 'specialized', 'ptr -> void'],
  ['cond_new', 106, 'specialized', ' -> ptr'],
  ['cond_wait', 107, 'specialized', 'ptr, ptr -> void'],
  ['cond_signal', 108, 'specialized', 'ptr -> void'],
  ['cond_broadcast', 109, 'specialized', 'ptr -> void'],
  ['regex_match', 110, 'extended', 'str, str -> bool'],
  ['regex_search', 111, 'extended', 'str, str -> int'],
  ['regex_replace', 112, 'extended', 'str, str, str -> str'],
  ['regex_split', 113, 'extended', 'str, str -> [str]'],
  ['regex_find_all', 114, 'extended', 'str, str -> [str]'],
  ['str_split', 115, 'core', 'str, str -> [str]'],
  ['str_split_str', 115, 'core', 'str, str -> [str]'],
  ['str_join', 116, 'core', '[str], str -> str'],
  ['str_join_arr', 116, 'core', '[str], str -> str'],
  ['str_concat_all', 117, 'core', '[str] -> str'],
  ['bit_and', 118, 'core', 'int, int -> int'],
  ['bit_or', 119, 'core', 'int, int -> int'],
  ['bit_xor', 120, 'core', 'int, int -> int'],
  ['bit_not', 121, 'core', 'int -> int'],
  ['bit_shl', 122, 'core', 'int, int -> int'],
  ['bit_shr', 123, 'core', 'int, int -> int'],
  ['parse_int', 124, 'core', 'str -> int'],
  ['json_stringify', 125, 'extended', 'any -> str'],
  ['bytes_new', 126, 'extended', 'int -> [int]'],
  ['bytes_get', 127, 'extended', '[int], int -> int'],
  ['bytes_set', 128, 'extended', '[int], int, int -> void'],
  ['array_sort', 129, 'core', '[T] -> void', SORTABLE],
  ['array_slice', 130, 'core', '[T], int, int -> [T]'],
  ['int_to_bytes', 131, 'extended', 'int, int -> [int]'],
  ['int_from_bytes', 132, 'extended', '[int], int, int -> int'],
  ['bytes_append', 133, 'extended', '[int], int -> void'],
  ['bytes_len', 134, 'extended', '[int] -> int'],
  ['bytes_write_u16', 135, 'extended', '[int], int -> void'],
  ['bytes_write_u32', 136, 'extended', '[int], int -> void'],
  ['bytes_write_i64', 137, 'extended', '[int], int -> void'],
  ['bytes_read_u16', 138, 'extended', '[int], int -> int'],
  ['bytes_read_u32', 139, 'extended', '[int], int -> int'],
  ['bytes_read_i64', 140, 'extended', '[int], int -> int'],
  ['file_read_bytes', 141, 'extended', 'str -> [int]'],
  ['file_write_bytes', 142, 'extended', 'str, [int] -> bool'],
  ['array_insert', 143, 'core', '[T], int, T -> void'],
  ['array_remove', 144, 'core', '[T], int -> T'],
  ['typeof', 145, 'core', 'any -> str'],
  ['array_concat', 146, 'core', '[T], [T] -> [T]'],
  ['array_copy', 147, 'core', '[T] -> [T]'],
  ['array_clear', 148, 'core', '[T] -> void'],
  ['array_index_of', 149, 'core', '[T], T -> int'],
  ['array_contains', 150, 'core', '[T], T -> bool'],
  ['array_reverse', 151, 'core', '[T] -> void'],
  ['array_fill', 152, 'core', 'int, T -> [T]'],
  ['str_from_chars', 153, 'extended', '[int] -> str'],
  ['str_bytes', 154, 'extended', 'str -> [int]'],
];

const UNSUPPORTED: Record<string, string> = {
  thread_spawn: 'threads cannot be created (as in the reference, where thread_spawn always fails)',
};

function parsePat(s: string): Pat {
  s = s.trim();
  if (s === 'any') return { p: 'any' };
  if (s === 'T' || s === 'K' || s === 'V') return { p: 'var', name: s };
  if (s.startsWith('[')) return { p: 'array', elem: parsePat(s.slice(1, -1)) };
  if (s.startsWith('{')) {
    const [k, v] = s.slice(1, -1).split(':');
    return { p: 'map', key: parsePat(k), value: parsePat(v) };
  }
  const scalars: Record<string, Type> = { int: INT, float: FLOAT, bool: BOOL, str: STR, void: VOID, ptr: PTR };
  const t = scalars[s];
  if (!t) throw new Error(`bad builtin pattern ${s}`);
  return { p: 'type', t };
}

export const BUILTINS: ReadonlyMap<string, BuiltinDef> = new Map(
  TABLE.map(([name, id, tier, sig, rule]) => {
    const [lhs, rhs] = sig.split('->');
    const parts = lhs.trim() === '' ? [] : lhs.split(',').map((x) => x.trim());
    const variadic = parts.length > 0 && parts[parts.length - 1].endsWith('...');
    const params = parts.map((x) => parsePat(x.replace('...', '')));
    return [name, { name, id, tier, params, variadic, ret: parsePat(rhs), rule, unsupported: UNSUPPORTED[name] }];
  }),
);

/** Substitutes bound variables; returns null while a variable is still unbound. */
export function instantiate(p: Pat, env: Map<string, Type>): Type | null {
  switch (p.p) {
    case 'type': return p.t;
    case 'any': return null;
    case 'var': return env.get(p.name) ?? null;
    case 'array': { const e = instantiate(p.elem, env); return e ? arrayOf(e) : null; }
    case 'map': {
      const k = instantiate(p.key, env), v = instantiate(p.value, env);
      return k && v ? mapOf(k, v) : null;
    }
  }
}

export function patName(p: Pat): string {
  switch (p.p) {
    case 'type': return p.t.k;
    case 'any': return 'any value';
    case 'var': return 'a value';
    case 'array': return p.elem.p === 'type' ? `[${patName(p.elem)}]` : 'an array';
    case 'map': return p.key.p === 'type' && p.value.p === 'type' ? `{${patName(p.key)}: ${patName(p.value)}}` : 'a map';
  }
}
