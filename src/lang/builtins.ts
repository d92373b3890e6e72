// THE builtin table: one row per builtin — its name, the reference's number (spec §6.3), tier
// (§5.18), signature, how native code runs it and a line of documentation. The checker, the
// bytecode compiler, the verifier, the disassembler, the VM (whose implementations are keyed by
// these names, every one required by the type `BuiltinName`), the lowering and the language
// server all read it; nothing else lists builtins. Signatures are written like the spec's tables
// and parsed once; the type variables T, K, V bind to argument types, so `array_push` is
// `[T], T -> void`. Tiers decide where a builtin runs (spec §8.3): CORE everywhere, EXTENDED in
// the VM and executables, SPECIALIZED in the VM first. The native column is plain data (runtime
// symbol names), so the table can live in the front end without importing the back end.
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

/**
 * A builtin that native code runs as one call of a runtime-asm function (System V, the
 * builtin's own arguments in order). `allocates`: the function returns a new object, null when
 * memory is exhausted (the caller then reports the out-of-memory error at its line). `located`:
 * the function can fail with a runtime error of its own, so it takes one more integer argument,
 * the "file:line" string of the call, which it passes to bp_rt_error. `typed`: the function works
 * on values of any type (array elements): every argument arrives as 64-bit bits in an integer
 * register (floats too), followed by the NUL-terminated type descriptor of the first argument
 * (e.g. "[f]", "[[s]]", see src/bytecode/tdesc.ts), then the location if `located`; a float
 * result is returned as bits in rax.
 */
export interface RuntimeCall {
  readonly symbol: string;
  readonly allocates?: boolean;
  readonly located?: boolean;
  readonly typed?: boolean;
}

/**
 * How native code runs a builtin: a runtime call; 'inline', a few instructions
 * (src/native/lower-builtin.ts, keyed by name); 'instruction', the compiler turns every call into
 * a bytecode instruction, so none reaches native code as a call. A builtin without one
 * (thread_spawn) is refused at compile time.
 */
export type NativeBuiltin = RuntimeCall | 'inline' | 'instruction';

interface Row {
  readonly name: string;
  readonly id: number;
  readonly tier: Tier;
  readonly sig: string;
  readonly native?: NativeBuiltin;
  /**
   * The instruction the compiler makes of every call (`op d, args…`; the opcode's name, see
   * src/bytecode/opcodes.ts), when it is one instruction; a runtime call beside it serves calls
   * that hand-written bytecode makes with callb.
   */
  readonly op?: string;
  /** Reads its string arguments without keeping or returning them (the lowering may then grow a string in place). */
  readonly readsOnly?: boolean;
  /** An extra static rule beyond the pattern (returns the diagnostic when violated). */
  readonly rule?: (args: Type[]) => MessageName | null;
  /** Set when bpjit cannot run this builtin at all (compile-time error naming it). */
  readonly unsupported?: string;
  /** One line for the language server (hover, completion). */
  readonly doc: string;
}

export interface BuiltinDef extends Row {
  readonly params: Pat[];
  /** The last parameter repeats (print). */
  readonly variadic: boolean;
  readonly ret: Pat;
}

const SORTABLE = (args: Type[]) => {
  const a = args[0];
  return a.k === 'array' && !['int', 'float', 'str', 'error'].includes(a.elem.k) ? 'sort-element-type' : null;
};
const BYTES_OR_STR = (a: Type[]) => (a[0].k === 'str' || (a[0].k === 'array' && a[0].elem.k === 'int') || a[0].k === 'error' ? null : 'bytes-to-str-type');

/** A runtime call (see RuntimeCall). */
const rt = (symbol: string, ...flags: ('allocates' | 'located' | 'typed')[]): RuntimeCall => ({
  symbol, ...Object.fromEntries(flags.map((f) => [f, true])),
});

// prettier-ignore
const TABLE = [
  { name: 'print', id: 1, tier: 'core', sig: 'any... -> void', native: 'instruction',
    doc: 'Prints its arguments separated by spaces, then a newline.' },
  { name: 'len', id: 2, tier: 'core', sig: 'str -> int', native: 'instruction', op: 'strlen',
    doc: 'Length of a string in bytes (arrays: array_len, maps: map_len).' },
  { name: 'substr', id: 3, tier: 'core', sig: 'str, int, int -> str', native: rt('bp_rt_str_substr', 'allocates'), readsOnly: true,
    doc: 'The bytes [start, start + count) of a string, clipped to the string.' },
  { name: 'read_line', id: 4, tier: 'core', sig: ' -> str', native: rt('bp_rt_read_line', 'allocates'),
    doc: 'Reads one line from stdin without its line ending; "" at end of input.' },
  { name: 'to_str', id: 5, tier: 'core', sig: 'any -> str', native: 'instruction',
    doc: 'Converts any value to its printed form.' },
  { name: 'clock_ms', id: 6, tier: 'core', sig: ' -> int', native: rt('bp_rt_clock_ms'),
    doc: 'Wall-clock milliseconds since the Unix epoch.' },
  { name: 'exit', id: 7, tier: 'core', sig: 'int -> void', native: rt('bp_rt_exit'),
    doc: 'Ends the program with status code & 255.' },
  { name: 'file_read', id: 8, tier: 'extended', sig: 'str -> str', native: rt('bp_rt_file_read', 'allocates'),
    doc: 'The whole file as a string; "" if it cannot be read.' },
  { name: 'file_write', id: 9, tier: 'extended', sig: 'str, str -> bool', native: rt('bp_rt_file_write'),
    doc: 'Creates or truncates a file and writes the string; false on failure.' },
  { name: 'chr', id: 10, tier: 'core', sig: 'int -> str', native: rt('bp_rt_chr', 'allocates', 'located'),
    doc: 'One-byte string for a code 0-127.' },
  { name: 'ord', id: 11, tier: 'core', sig: 'str -> int', native: rt('bp_rt_ord', 'located'),
    doc: 'Value (0-255) of the first byte of a non-empty string.' },
  { name: 'base64_encode', id: 12, tier: 'extended', sig: 'str -> str', native: rt('bp_rt_base64_encode', 'allocates'),
    doc: 'Base64 of the bytes, with = padding.' },
  { name: 'base64_decode', id: 13, tier: 'extended', sig: 'str -> str', native: rt('bp_rt_base64_decode', 'allocates'),
    doc: 'Decodes base64 (complete 4-character groups).' },
  { name: 'bytes_to_str', id: 14, tier: 'extended', sig: 'T -> str', native: rt('bp_rt_bytes_to_str', 'allocates', 'typed'), rule: BYTES_OR_STR,
    doc: 'A string from a string or an array of byte values.' },
  { name: 'str_to_bytes', id: 15, tier: 'extended', sig: 'str -> [int]', native: rt('bp_rt_str_to_bytes', 'allocates'),
    doc: 'The byte values of a string.' },
  { name: 'abs', id: 16, tier: 'core', sig: 'int -> int', native: 'inline',
    doc: 'Absolute value (wrapping at the minimum int).' },
  { name: 'min', id: 17, tier: 'core', sig: 'int, int -> int', native: 'inline',
    doc: 'The smaller of two ints.' },
  { name: 'max', id: 18, tier: 'core', sig: 'int, int -> int', native: 'inline',
    doc: 'The larger of two ints.' },
  { name: 'pow', id: 19, tier: 'core', sig: 'int, int -> int', native: 'inline',
    doc: 'Integer power, computed through doubles and truncated.' },
  { name: 'sqrt', id: 20, tier: 'core', sig: 'int -> int', native: 'inline',
    doc: 'Truncated square root of an int.' },
  { name: 'floor', id: 21, tier: 'core', sig: 'int -> int', native: 'inline',
    doc: 'Identity on ints (ffloor rounds floats).' },
  { name: 'ceil', id: 22, tier: 'core', sig: 'int -> int', native: 'inline',
    doc: 'Identity on ints (fceil rounds floats).' },
  { name: 'round', id: 23, tier: 'core', sig: 'int -> int', native: 'inline',
    doc: 'Identity on ints (fround rounds floats).' },
  { name: 'str_upper', id: 24, tier: 'core', sig: 'str -> str', native: rt('bp_rt_str_upper', 'allocates'),
    doc: 'ASCII letters to upper case.' },
  { name: 'str_lower', id: 25, tier: 'core', sig: 'str -> str', native: rt('bp_rt_str_lower', 'allocates'),
    doc: 'ASCII letters to lower case.' },
  { name: 'str_trim', id: 26, tier: 'core', sig: 'str -> str', native: rt('bp_rt_str_trim', 'allocates'),
    doc: 'Removes leading and trailing whitespace.' },
  { name: 'starts_with', id: 27, tier: 'core', sig: 'str, str -> bool', native: rt('bp_rt_starts_with'), readsOnly: true,
    doc: 'Whether the string starts with the prefix.' },
  { name: 'ends_with', id: 28, tier: 'core', sig: 'str, str -> bool', native: rt('bp_rt_ends_with'), readsOnly: true,
    doc: 'Whether the string ends with the suffix.' },
  { name: 'str_find', id: 29, tier: 'core', sig: 'str, str -> int', native: rt('bp_rt_str_find'), readsOnly: true,
    doc: 'Byte offset of the first occurrence of the needle, or -1.' },
  { name: 'str_replace', id: 30, tier: 'core', sig: 'str, str, str -> str', native: rt('bp_rt_str_replace', 'allocates'),
    doc: 'Replaces the first occurrence of old with new.' },
  { name: 'rand', id: 33, tier: 'extended', sig: ' -> int', native: rt('bp_rt_rand'),
    doc: 'Next pseudo-random number, 0-32767.' },
  { name: 'rand_range', id: 34, tier: 'extended', sig: 'int, int -> int', native: rt('bp_rt_rand_range'),
    doc: 'A pseudo-random int in [lo, hi).' },
  { name: 'rand_seed', id: 35, tier: 'extended', sig: 'int -> void', native: rt('bp_rt_rand_seed'),
    doc: 'Seeds the pseudo-random generator.' },
  { name: 'file_exists', id: 36, tier: 'extended', sig: 'str -> bool', native: rt('bp_rt_file_exists'),
    doc: 'Whether the path exists (files and directories).' },
  { name: 'file_delete', id: 37, tier: 'extended', sig: 'str -> bool', native: rt('bp_rt_file_delete'),
    doc: 'Deletes a file; false if it did not exist.' },
  { name: 'file_append', id: 38, tier: 'extended', sig: 'str, str -> bool', native: rt('bp_rt_file_append'),
    doc: 'Appends the string to a file, creating it; false on failure.' },
  { name: 'sleep', id: 39, tier: 'core', sig: 'int -> void', native: rt('bp_rt_sleep'),
    doc: 'Sleeps the given number of milliseconds.' },
  { name: 'getenv', id: 40, tier: 'extended', sig: 'str -> str', native: rt('bp_rt_getenv', 'allocates'),
    doc: 'Value of an environment variable, or "" when unset.' },
  { name: 'hash_sha256', id: 41, tier: 'extended', sig: 'str -> str', native: rt('bp_rt_hash_sha256', 'allocates'),
    doc: 'SHA-256 of the bytes, as 64 hex digits.' },
  { name: 'hash_md5', id: 42, tier: 'extended', sig: 'str -> str', native: rt('bp_rt_hash_md5', 'allocates'),
    doc: 'MD5 of the bytes, as 32 hex digits.' },
  { name: 'secure_compare', id: 43, tier: 'specialized', sig: 'str, str -> bool', native: rt('bp_rt_secure_compare'),
    doc: 'Byte equality of two strings.' },
  { name: 'random_bytes', id: 44, tier: 'specialized', sig: 'int -> str', native: rt('bp_rt_random_bytes', 'allocates', 'located'),
    doc: 'n random bytes from /dev/urandom, hex-encoded.' },
  { name: 'str_reverse', id: 45, tier: 'core', sig: 'str -> str', native: rt('bp_rt_str_reverse', 'allocates'),
    doc: 'The bytes of the string in reverse order.' },
  { name: 'str_repeat', id: 46, tier: 'core', sig: 'str, int -> str', native: rt('bp_rt_str_repeat', 'allocates', 'located'),
    doc: 'n copies of the string (n at most 1000).' },
  { name: 'str_pad_left', id: 47, tier: 'core', sig: 'str, int, str -> str', native: rt('bp_rt_str_pad_left', 'allocates'),
    doc: 'Pads on the left to the width, repeating the pad string.' },
  { name: 'str_pad_right', id: 48, tier: 'core', sig: 'str, int, str -> str', native: rt('bp_rt_str_pad_right', 'allocates'),
    doc: 'Pads on the right to the width, repeating the pad string.' },
  { name: 'str_contains', id: 49, tier: 'core', sig: 'str, str -> bool', native: rt('bp_rt_str_contains'), readsOnly: true,
    doc: 'Whether the needle occurs in the string.' },
  { name: 'str_count', id: 50, tier: 'core', sig: 'str, str -> int', native: rt('bp_rt_str_count'), readsOnly: true,
    doc: 'Number of non-overlapping occurrences of the needle.' },
  { name: 'int_to_hex', id: 51, tier: 'core', sig: 'int -> str', native: rt('bp_rt_int_to_hex', 'allocates'),
    doc: 'Lower-case hex digits of an int (two\'s complement for negatives).' },
  { name: 'hex_to_int', id: 52, tier: 'core', sig: 'str -> int', native: rt('bp_rt_hex_to_int', 'located'),
    doc: 'The int of a string of hex digits.' },
  { name: 'str_char_at', id: 53, tier: 'core', sig: 'str, int -> str', native: rt('bp_rt_str_char_at', 'allocates'),
    doc: 'The one-byte string at an offset; "" outside the string.' },
  { name: 'str_index_of', id: 54, tier: 'core', sig: 'str, str -> int', native: rt('bp_rt_str_find'), readsOnly: true,
    doc: 'Byte offset of the first occurrence of the needle, or -1.' },
  { name: 'is_digit', id: 55, tier: 'core', sig: 'str -> bool', native: rt('bp_rt_is_digit'),
    doc: 'Whether every byte is an ASCII digit (false for "").' },
  { name: 'is_alpha', id: 56, tier: 'core', sig: 'str -> bool', native: rt('bp_rt_is_alpha'),
    doc: 'Whether every byte is an ASCII letter (false for "").' },
  { name: 'is_alnum', id: 57, tier: 'core', sig: 'str -> bool', native: rt('bp_rt_is_alnum'),
    doc: 'Whether every byte is an ASCII letter or digit (false for "").' },
  { name: 'is_space', id: 58, tier: 'core', sig: 'str -> bool', native: rt('bp_rt_is_space'),
    doc: 'Whether every byte is ASCII whitespace (false for "").' },
  { name: 'clamp', id: 59, tier: 'core', sig: 'int, int, int -> int', native: 'inline',
    doc: 'lo if v < lo, else hi if v > hi, else v.' },
  { name: 'sign', id: 60, tier: 'core', sig: 'int -> int', native: 'inline',
    doc: '-1, 0 or 1.' },
  { name: 'file_size', id: 61, tier: 'extended', sig: 'str -> int', native: rt('bp_rt_file_size'),
    doc: 'Size of a file in bytes, or -1.' },
  { name: 'file_copy', id: 62, tier: 'extended', sig: 'str, str -> bool', native: rt('bp_rt_file_copy'),
    doc: 'Copies a file; false on failure.' },
  { name: 'sin', id: 63, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_sin'),
    doc: 'Sine (radians).' },
  { name: 'cos', id: 64, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_cos'),
    doc: 'Cosine (radians).' },
  { name: 'tan', id: 65, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_tan'),
    doc: 'Tangent (radians).' },
  { name: 'asin', id: 66, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_asin'),
    doc: 'Arc sine.' },
  { name: 'acos', id: 67, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_acos'),
    doc: 'Arc cosine.' },
  { name: 'atan', id: 68, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_atan'),
    doc: 'Arc tangent.' },
  { name: 'atan2', id: 69, tier: 'core', sig: 'float, float -> float', native: rt('bp_rt_math_atan2'),
    doc: 'Arc tangent of y / x, in the right quadrant.' },
  { name: 'log', id: 70, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_log'),
    doc: 'Natural logarithm.' },
  { name: 'log10', id: 71, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_log10'),
    doc: 'Base-10 logarithm.' },
  { name: 'log2', id: 72, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_log2'),
    doc: 'Base-2 logarithm.' },
  { name: 'exp', id: 73, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_exp'),
    doc: 'e to the power x.' },
  { name: 'fabs', id: 74, tier: 'core', sig: 'float -> float', native: 'inline',
    doc: 'Absolute value of a float.' },
  { name: 'ffloor', id: 75, tier: 'core', sig: 'float -> float', native: 'inline',
    doc: 'Largest integral float not above x.' },
  { name: 'fceil', id: 76, tier: 'core', sig: 'float -> float', native: 'inline',
    doc: 'Smallest integral float not below x.' },
  { name: 'fround', id: 77, tier: 'core', sig: 'float -> float', native: rt('bp_rt_math_round'),
    doc: 'Nearest integral float, halves away from zero.' },
  { name: 'fsqrt', id: 78, tier: 'core', sig: 'float -> float', native: 'inline',
    doc: 'Square root of a float.' },
  { name: 'fpow', id: 79, tier: 'core', sig: 'float, float -> float', native: rt('bp_rt_math_pow'),
    doc: 'Float power.' },
  { name: 'int_to_float', id: 80, tier: 'core', sig: 'int -> float', native: 'instruction', op: 'i2f',
    doc: 'The nearest float to an int.' },
  { name: 'float_to_int', id: 81, tier: 'core', sig: 'float -> int', native: 'instruction', op: 'f2i',
    doc: 'A float truncated toward zero.' },
  { name: 'float_to_str', id: 82, tier: 'core', sig: 'float -> str', native: rt('bp_rt_str_from_f64', 'allocates'),
    doc: 'A float as text (%g).' },
  { name: 'str_to_float', id: 83, tier: 'core', sig: 'str -> float', native: rt('bp_rt_str_to_float'),
    doc: 'The float at the start of a string (strtod).' },
  { name: 'is_nan', id: 84, tier: 'core', sig: 'float -> bool', native: 'inline',
    doc: 'Whether a float is NaN.' },
  { name: 'is_inf', id: 85, tier: 'core', sig: 'float -> bool', native: 'inline',
    doc: 'Whether a float is infinite.' },
  { name: 'array_len', id: 86, tier: 'core', sig: '[T] -> int', native: 'instruction', op: 'alen',
    doc: 'Number of elements of an array.' },
  { name: 'array_push', id: 87, tier: 'core', sig: '[T], T -> void', native: 'inline',
    doc: 'Appends an element to an array.' },
  { name: 'array_pop', id: 88, tier: 'core', sig: '[T] -> T', native: 'inline',
    doc: 'Removes and returns the last element.' },
  { name: 'map_len', id: 89, tier: 'core', sig: '{K: V} -> int', native: 'inline',
    doc: 'Number of entries of a map.' },
  { name: 'map_keys', id: 90, tier: 'core', sig: '{K: V} -> [K]', native: rt('bp_rt_map_keys', 'allocates'),
    doc: 'The keys of a map, in insertion order.' },
  { name: 'map_values', id: 91, tier: 'core', sig: '{K: V} -> [V]', native: rt('bp_rt_map_values', 'allocates'),
    doc: 'The values of a map, in insertion order.' },
  { name: 'map_has_key', id: 92, tier: 'core', sig: '{K: V}, K -> bool', native: 'inline',
    doc: 'Whether a map has the key.' },
  { name: 'map_delete', id: 93, tier: 'core', sig: '{K: V}, K -> bool', native: 'inline',
    doc: 'Removes a key; true if it was present.' },
  { name: 'argv', id: 94, tier: 'extended', sig: ' -> [str]', native: rt('bp_rt_io_argv', 'allocates'),
    doc: 'The program\'s command-line arguments.' },
  { name: 'argc', id: 95, tier: 'extended', sig: ' -> int', native: rt('bp_rt_io_argc'),
    doc: 'Number of command-line arguments.' },
  { name: 'thread_spawn', id: 96, tier: 'specialized', sig: 'any... -> ptr',
    unsupported: 'threads cannot be created (as in the reference, where thread_spawn always fails)',
    doc: 'Not supported (threads cannot be created).' },
  { name: 'thread_join', id: 97, tier: 'specialized', sig: 'ptr -> int', native: rt('bp_rt_thread_join', 'located'),
    doc: 'Joins a thread handle.' },
  { name: 'thread_detach', id: 98, tier: 'specialized', sig: 'ptr -> bool', native: rt('bp_rt_thread_detach', 'located'),
    doc: 'Detaches a thread handle.' },
  { name: 'thread_current', id: 99, tier: 'specialized', sig: ' -> int', native: rt('bp_rt_thread_current'),
    doc: 'Id of the current thread (0 on the main thread).' },
  { name: 'thread_yield', id: 100, tier: 'specialized', sig: ' -> void', native: rt('bp_rt_thread_yield'),
    doc: 'Yields the processor.' },
  { name: 'thread_sleep', id: 101, tier: 'specialized', sig: 'int -> void', native: rt('bp_rt_sleep'),
    doc: 'Sleeps the given number of milliseconds.' },
  { name: 'mutex_new', id: 102, tier: 'specialized', sig: ' -> ptr', native: rt('bp_rt_mutex_new', 'allocates'),
    doc: 'A new mutex.' },
  { name: 'mutex_lock', id: 103, tier: 'specialized', sig: 'ptr -> void', native: rt('bp_rt_mutex_lock', 'located'),
    doc: 'Locks a mutex.' },
  { name: 'mutex_trylock', id: 104, tier: 'specialized', sig: 'ptr -> bool', native: rt('bp_rt_mutex_trylock', 'located'),
    doc: 'Locks a mutex if it is free; false otherwise.' },
  { name: 'mutex_unlock', id: 105, tier: 'specialized', sig: 'ptr -> void', native: rt('bp_rt_mutex_unlock', 'located'),
    doc: 'Unlocks a mutex.' },
  { name: 'cond_new', id: 106, tier: 'specialized', sig: ' -> ptr', native: rt('bp_rt_cond_new', 'allocates'),
    doc: 'A new condition variable.' },
  { name: 'cond_wait', id: 107, tier: 'specialized', sig: 'ptr, ptr -> void', native: rt('bp_rt_cond_wait', 'located'),
    doc: 'Waits on a condition variable with a held mutex.' },
  { name: 'cond_signal', id: 108, tier: 'specialized', sig: 'ptr -> void', native: rt('bp_rt_cond_signal'),
    doc: 'Wakes one waiter of a condition variable.' },
  { name: 'cond_broadcast', id: 109, tier: 'specialized', sig: 'ptr -> void', native: rt('bp_rt_cond_signal'),
    doc: 'Wakes every waiter of a condition variable.' },
  { name: 'regex_match', id: 110, tier: 'extended', sig: 'str, str -> bool', native: rt('bp_rt_regex_match', 'located'),
    doc: 'Whether the POSIX extended pattern matches anywhere in the text.' },
  { name: 'regex_search', id: 111, tier: 'extended', sig: 'str, str -> int', native: rt('bp_rt_regex_search', 'located'),
    doc: 'Byte offset of the first match, or -1.' },
  { name: 'regex_replace', id: 112, tier: 'extended', sig: 'str, str, str -> str', native: rt('bp_rt_regex_replace', 'allocates'),
    doc: 'Replaces every match with the literal replacement.' },
  { name: 'regex_split', id: 113, tier: 'extended', sig: 'str, str -> [str]', native: rt('bp_rt_regex_split', 'allocates'),
    doc: 'The pieces of the text between matches.' },
  { name: 'regex_find_all', id: 114, tier: 'extended', sig: 'str, str -> [str]', native: rt('bp_rt_regex_find_all', 'allocates'),
    doc: 'Every non-overlapping match.' },
  { name: 'str_split', id: 115, tier: 'core', sig: 'str, str -> [str]', native: rt('bp_rt_str_split', 'allocates'),
    doc: 'Splits on every occurrence of the separator (empty fields kept).' },
  { name: 'str_split_str', id: 115, tier: 'core', sig: 'str, str -> [str]', native: rt('bp_rt_str_split', 'allocates'),
    doc: 'Alias of str_split.' },
  { name: 'str_join', id: 116, tier: 'core', sig: '[str], str -> str', native: rt('bp_rt_str_join', 'allocates'),
    doc: 'Joins strings with a separator.' },
  { name: 'str_join_arr', id: 116, tier: 'core', sig: '[str], str -> str', native: rt('bp_rt_str_join', 'allocates'),
    doc: 'Alias of str_join.' },
  { name: 'str_concat_all', id: 117, tier: 'core', sig: '[str] -> str', native: rt('bp_rt_str_concat_all', 'allocates'),
    doc: 'Concatenation of an array of strings.' },
  { name: 'bit_and', id: 118, tier: 'core', sig: 'int, int -> int', native: rt('bp_rt_bit_and'), op: 'and_i',
    doc: 'Bitwise and (same as &).' },
  { name: 'bit_or', id: 119, tier: 'core', sig: 'int, int -> int', native: rt('bp_rt_bit_or'), op: 'or_i',
    doc: 'Bitwise or (same as |).' },
  { name: 'bit_xor', id: 120, tier: 'core', sig: 'int, int -> int', native: rt('bp_rt_bit_xor'), op: 'xor_i',
    doc: 'Bitwise exclusive or (same as ^).' },
  { name: 'bit_not', id: 121, tier: 'core', sig: 'int -> int', native: rt('bp_rt_bit_not'), op: 'not_i',
    doc: 'Bitwise not (same as ~).' },
  { name: 'bit_shl', id: 122, tier: 'core', sig: 'int, int -> int', native: rt('bp_rt_bit_shl'), op: 'shl_i',
    doc: 'Shift left (same as <<).' },
  { name: 'bit_shr', id: 123, tier: 'core', sig: 'int, int -> int', native: rt('bp_rt_bit_shr'), op: 'shr_i',
    doc: 'Arithmetic shift right (same as >>).' },
  { name: 'parse_int', id: 124, tier: 'core', sig: 'str -> int', native: rt('bp_rt_parse_int'),
    doc: 'The int at the start of a string (strtoll, base 10).' },
  { name: 'json_stringify', id: 125, tier: 'extended', sig: 'any -> str', native: rt('bp_rt_json_stringify', 'allocates', 'typed'),
    doc: 'A value as JSON text.' },
  { name: 'bytes_new', id: 126, tier: 'extended', sig: 'int -> [int]', native: rt('bp_rt_bytes_new', 'allocates'),
    doc: 'An array of n zero bytes.' },
  { name: 'bytes_get', id: 127, tier: 'extended', sig: '[int], int -> int', native: rt('bp_rt_bytes_get', 'located'),
    doc: 'Byte i of a byte array.' },
  { name: 'bytes_set', id: 128, tier: 'extended', sig: '[int], int, int -> void', native: rt('bp_rt_bytes_set', 'located'),
    doc: 'Stores v & 255 at byte i.' },
  { name: 'array_sort', id: 129, tier: 'core', sig: '[T] -> void', native: rt('bp_rt_array_sort', 'located', 'typed'), rule: SORTABLE,
    doc: 'Sorts an array of ints, floats or strings in place.' },
  { name: 'array_slice', id: 130, tier: 'core', sig: '[T], int, int -> [T]', native: rt('bp_rt_array_slice', 'allocates', 'typed'),
    doc: 'A new array of the elements [start, end).' },
  { name: 'int_to_bytes', id: 131, tier: 'extended', sig: 'int, int -> [int]', native: rt('bp_rt_int_to_bytes', 'allocates', 'located'),
    doc: 'The low n bytes of an int, big-endian.' },
  { name: 'int_from_bytes', id: 132, tier: 'extended', sig: '[int], int, int -> int', native: rt('bp_rt_int_from_bytes', 'located'),
    doc: 'The big-endian int of n bytes at an offset.' },
  { name: 'bytes_append', id: 133, tier: 'extended', sig: '[int], int -> void', native: rt('bp_rt_bytes_append', 'allocates'),
    doc: 'Appends v & 255 to a byte array.' },
  { name: 'bytes_len', id: 134, tier: 'extended', sig: '[int] -> int', native: rt('bp_rt_bytes_len'),
    doc: 'Number of bytes of a byte array.' },
  { name: 'bytes_write_u16', id: 135, tier: 'extended', sig: '[int], int -> void', native: rt('bp_rt_bytes_write_u16', 'allocates'),
    doc: 'Appends 2 bytes of v, little-endian.' },
  { name: 'bytes_write_u32', id: 136, tier: 'extended', sig: '[int], int -> void', native: rt('bp_rt_bytes_write_u32', 'allocates'),
    doc: 'Appends 4 bytes of v, little-endian.' },
  { name: 'bytes_write_i64', id: 137, tier: 'extended', sig: '[int], int -> void', native: rt('bp_rt_bytes_write_i64', 'allocates'),
    doc: 'Appends 8 bytes of v, little-endian.' },
  { name: 'bytes_read_u16', id: 138, tier: 'extended', sig: '[int], int -> int', native: rt('bp_rt_bytes_read_u16', 'located'),
    doc: 'Unsigned 16-bit little-endian value at an offset.' },
  { name: 'bytes_read_u32', id: 139, tier: 'extended', sig: '[int], int -> int', native: rt('bp_rt_bytes_read_u32', 'located'),
    doc: 'Unsigned 32-bit little-endian value at an offset.' },
  { name: 'bytes_read_i64', id: 140, tier: 'extended', sig: '[int], int -> int', native: rt('bp_rt_bytes_read_i64', 'located'),
    doc: 'Signed 64-bit little-endian value at an offset.' },
  { name: 'file_read_bytes', id: 141, tier: 'extended', sig: 'str -> [int]', native: rt('bp_rt_io_file_read_bytes', 'allocates'),
    doc: 'The bytes of a file; empty if it cannot be read.' },
  { name: 'file_write_bytes', id: 142, tier: 'extended', sig: 'str, [int] -> bool', native: rt('bp_rt_io_file_write_bytes'),
    doc: 'Writes a byte array to a file; false on failure.' },
  { name: 'array_insert', id: 143, tier: 'core', sig: '[T], int, T -> void', native: rt('bp_rt_array_insert', 'located', 'typed'),
    doc: 'Inserts an element before position i.' },
  { name: 'array_remove', id: 144, tier: 'core', sig: '[T], int -> T', native: rt('bp_rt_array_remove', 'located', 'typed'),
    doc: 'Removes and returns element i.' },
  { name: 'typeof', id: 145, tier: 'core', sig: 'any -> str', native: 'inline',
    doc: 'The runtime kind of a value ("int", "str", "array", ...).' },
  { name: 'array_concat', id: 146, tier: 'core', sig: '[T], [T] -> [T]', native: rt('bp_rt_array_concat', 'allocates', 'typed'),
    doc: 'A new array: the first followed by the second.' },
  { name: 'array_copy', id: 147, tier: 'core', sig: '[T] -> [T]', native: rt('bp_rt_array_copy', 'allocates', 'typed'),
    doc: 'A shallow copy of an array.' },
  { name: 'array_clear', id: 148, tier: 'core', sig: '[T] -> void', native: rt('bp_rt_array_clear', 'typed'),
    doc: 'Removes every element of an array.' },
  { name: 'array_index_of', id: 149, tier: 'core', sig: '[T], T -> int', native: rt('bp_rt_array_index_of', 'typed'),
    doc: 'Index of the first element equal to the value, or -1.' },
  { name: 'array_contains', id: 150, tier: 'core', sig: '[T], T -> bool', native: rt('bp_rt_array_contains', 'typed'),
    doc: 'Whether an element equals the value.' },
  { name: 'array_reverse', id: 151, tier: 'core', sig: '[T] -> void', native: rt('bp_rt_array_reverse', 'typed'),
    doc: 'Reverses an array in place.' },
  { name: 'array_fill', id: 152, tier: 'core', sig: 'int, T -> [T]', native: 'inline',
    doc: 'An array of n copies of a value.' },
  { name: 'str_from_chars', id: 153, tier: 'extended', sig: '[int] -> str', native: rt('bp_rt_str_from_chars', 'allocates'),
    doc: 'A string from the low 8 bits of each element.' },
  { name: 'str_bytes', id: 154, tier: 'extended', sig: 'str -> [int]', native: rt('bp_rt_str_to_bytes', 'allocates'),
    doc: 'The byte values of a string.' },
] as const satisfies readonly Row[];

type TableRow = (typeof TABLE)[number];
/** The name of a builtin (the VM's implementations and the inline lowerings are keyed by it). */
export type BuiltinName = TableRow['name'];
/** The builtins a `callb` instruction may call: not those the compiler always turns into an instruction, nor the unsupported. */
export type CalledBuiltin = Exclude<BuiltinName, Extract<TableRow, { native: 'instruction' } | { unsupported: string }>['name']>;
/** The builtins native code lowers inline (src/native/lower-builtin.ts has one entry each). */
export type InlineBuiltin = Extract<TableRow, { native: 'inline' }>['name'];

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
  (TABLE as readonly Row[]).map((row) => {
    const [lhs, rhs] = row.sig.split('->');
    const parts = lhs.trim() === '' ? [] : lhs.split(',').map((x) => x.trim());
    const variadic = parts.length > 0 && parts[parts.length - 1].endsWith('...');
    const params = parts.map((x) => parsePat(x.replace('...', '')));
    return [row.name, { ...row, params, variadic, ret: parsePat(rhs) }];
  }),
);

const BY_ID = new Map<number, BuiltinDef>();
for (const b of BUILTINS.values()) if (!BY_ID.has(b.id)) BY_ID.set(b.id, b);

/** The builtin with reference number `id` (of aliases sharing it, the first: they behave alike). */
export function builtinById(id: number): BuiltinDef | undefined {
  return BY_ID.get(id);
}

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
