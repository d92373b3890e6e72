// The native ABI's names and constants shared by the lowering, the in-process loader and the
// linker: runtime entry points, the error-entry convention and program symbols (the heap
// layout is heap.ts's).
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

/** Set by a self-call loop's overflow: the frames its trips stand for (traceback.asm). */
export const TAIL_TRIPS = 'bp_rt_tail_trips';

export { fnSymbol } from '../bytecode/module.js';

export const ERR = ERROR_ID;
