// The native ABI's names and constants shared by the lowering, the in-process loader and the
// linker: runtime entry points, the error-entry convention and program symbols.
import { ERROR_ID } from '../bytecode/runtime-errors.js';
import { r8, r9, rcx, rdi, rdx, rsi } from '../x64/index.js';

/** System V's integer argument registers, in order (floats go in xmm0–xmm7). */
export const SYSV_INT_ARGS = [rdi, rsi, rdx, rcx, r8, r9] as const;

/** Runtime entry points the lowering calls (all System V functions, see runtime-asm). */
export const RT = {
  error: 'bp_rt_error',
  stackLimit: 'bp_rt_stack_limit',
  printI64: 'bp_rt_print_i64',
  printF64: 'bp_rt_print_f64',
  printBool: 'bp_rt_print_bool',
  printStr: 'bp_rt_print_str',
  printSpace: 'bp_rt_print_space',
  printNewline: 'bp_rt_print_newline',
  clockMs: 'bp_rt_clock_ms',
  sleep: 'bp_rt_sleep',
  exit: 'bp_rt_exit',
  fmod: 'bp_rt_math_fmod',
  round: 'bp_rt_math_round',
  pow: 'bp_rt_math_pow',
  atan2: 'bp_rt_math_atan2',
  strConcat: 'bp_rt_str_concat',
  strConcatN: 'bp_rt_str_concat_n',
  strEq: 'bp_rt_str_eq',
  strFromI64: 'bp_rt_str_from_i64',
  strFromF64: 'bp_rt_str_from_f64',
  arrayNew: 'bp_rt_array_new',
  arrayPush: 'bp_rt_array_push',
  printValue: 'bp_rt_print_value',
  throw: 'bp_rt_throw',
  structNew: 'bp_rt_struct_new',
  equals: 'bp_rt_equals',
  reprStr: 'bp_rt_repr_str',
  format: 'bp_rt_format',
  mapNew: 'bp_rt_map_new',
  mapGet: 'bp_rt_map_get',
  mapSet: 'bp_rt_map_set',
  mapHas: 'bp_rt_map_has',
  mapDelete: 'bp_rt_map_delete',
  mapKeys: 'bp_rt_map_keys',
  mapValues: 'bp_rt_map_values',
  strFromCString: 'bp_rt_str_from_cstr',
  ptrFromC: 'bp_rt_ptr_from_c',
} as const;

/** Where a string object's bytes start (a NUL follows them, not counted in its length). */
export const STR_DATA = 16;

/** Header tags of heap objects (runtime-asm/layout.inc is generated from these). */
export const TAG = { str: 1, array: 2, arrayRef: 3, raw: 4, struct: 5, map: 6 } as const;

/** Struct object layout: header, field count, mask of the fields that are references, fields. */
export const STRUCT = { count: 8, refs: 16, fields: 24 } as const;

/**
 * A ptr value is a struct of two plain fields: what it is (a C pointer an extern returned, a
 * mutex, a condition variable) and its payload (the address; the mutex's locked flag).
 */
export const PTR = { kind: 0, payload: 8, c: 0, mutex: 1, cond: 2 } as const;

/** The slot holding extern `index`'s address (the dynamic loader or the in-process loader fill it). */
export const externSlot = (index: number): string => `bp_extern_${index}`;

/**
 * Function values are struct-shaped: field 0 the code address, field 1 the name (a static C
 * string, for printing), then the captured values.
 */
export const CLOSURE_CAPS = 2;

/** Per class index, a pointer to its vtable (function pointers by method slot); the program's. */
export const VTABLES = 'bp_vtables';

/** The program's entry, called by the runtime's _start: runs $init and main, returns the status. */
export const PROGRAM_MAIN = 'bp_main';

export { fnSymbol } from '../bytecode/module.js';

export const ERR = ERROR_ID;

/** Header word of a static (never collected) string object: tag 1 (str), bit 63 (static). */
export const STATIC_STR_HEADER = (1n << 63n) | 1n;

/**
 * Array object layout: header, length, capacity, pointer to the elements (8 bytes each); arrays
 * the runtime allocates keep the elements inline from `inline` on.
 */
export const ARRAY = { len: 8, cap: 16, data: 24, inline: 32 } as const;
