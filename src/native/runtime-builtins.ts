// Builtins that built executables implement as one call of a runtime-asm function each, with
// the builtin's own arguments in System V order. `allocates`: the function returns a new object,
// null when memory is exhausted (the caller then reports the out-of-memory error at its line).
// `located`: the function can fail with a runtime error of its own, so it takes one more
// integer argument, the "file:line" string of the call, which it passes to bp_rt_error.
// `typed`: the function works on values of any type (array elements): every argument arrives as
// 64-bit bits in an integer register (floats too), followed by the NUL-terminated type
// descriptor of the first argument (e.g. "[f]", "[[s]]", see src/bytecode/tdesc.ts), then the
// location if `located`; a float result is returned as bits in rax.
export interface RuntimeBuiltin {
  readonly symbol: string;
  readonly allocates?: boolean;
  readonly located?: boolean;
  readonly typed?: boolean;
}

import { BUILTINS_ARRAYS } from './builtins-arrays.js';
import { BUILTINS_DATA } from './builtins-data.js';
import { BUILTINS_IO } from './builtins-io.js';
import { BUILTINS_REGEX } from './builtins-regex.js';
import { BUILTINS_SYS } from './builtins-sys.js';

export const RUNTIME_BUILTINS: Readonly<Record<string, RuntimeBuiltin>> = {
  ...BUILTINS_ARRAYS,
  ...BUILTINS_IO,
  ...BUILTINS_DATA,
  ...BUILTINS_REGEX,
  ...BUILTINS_SYS,
  str_find: { symbol: 'bp_rt_str_find' },
  substr: { symbol: 'bp_rt_str_substr', allocates: true },
  // runtime-asm/strlib.asm
  chr: { symbol: 'bp_rt_chr', allocates: true, located: true },
  ord: { symbol: 'bp_rt_ord', located: true },
  str_upper: { symbol: 'bp_rt_str_upper', allocates: true },
  str_lower: { symbol: 'bp_rt_str_lower', allocates: true },
  str_trim: { symbol: 'bp_rt_str_trim', allocates: true },
  starts_with: { symbol: 'bp_rt_starts_with' },
  ends_with: { symbol: 'bp_rt_ends_with' },
  str_replace: { symbol: 'bp_rt_str_replace', allocates: true },
  str_reverse: { symbol: 'bp_rt_str_reverse', allocates: true },
  str_repeat: { symbol: 'bp_rt_str_repeat', allocates: true, located: true },
  str_pad_left: { symbol: 'bp_rt_str_pad_left', allocates: true },
  str_pad_right: { symbol: 'bp_rt_str_pad_right', allocates: true },
  str_contains: { symbol: 'bp_rt_str_contains' },
  str_count: { symbol: 'bp_rt_str_count' },
  int_to_hex: { symbol: 'bp_rt_int_to_hex', allocates: true },
  hex_to_int: { symbol: 'bp_rt_hex_to_int', located: true },
  str_char_at: { symbol: 'bp_rt_str_char_at', allocates: true },
  str_index_of: { symbol: 'bp_rt_str_find' },
  is_digit: { symbol: 'bp_rt_is_digit' },
  is_alpha: { symbol: 'bp_rt_is_alpha' },
  is_alnum: { symbol: 'bp_rt_is_alnum' },
  is_space: { symbol: 'bp_rt_is_space' },
  str_split: { symbol: 'bp_rt_str_split', allocates: true },
  str_split_str: { symbol: 'bp_rt_str_split', allocates: true },
  str_join: { symbol: 'bp_rt_str_join', allocates: true },
  str_join_arr: { symbol: 'bp_rt_str_join', allocates: true },
  str_concat_all: { symbol: 'bp_rt_str_concat_all', allocates: true },
  parse_int: { symbol: 'bp_rt_parse_int' },
  str_from_chars: { symbol: 'bp_rt_str_from_chars', allocates: true },
  // The compiler turns bit_* calls into instructions; these serve any call that stays a call.
  bit_and: { symbol: 'bp_rt_bit_and' },
  bit_or: { symbol: 'bp_rt_bit_or' },
  bit_xor: { symbol: 'bp_rt_bit_xor' },
  bit_not: { symbol: 'bp_rt_bit_not' },
  bit_shl: { symbol: 'bp_rt_bit_shl' },
  bit_shr: { symbol: 'bp_rt_bit_shr' },
};
