// Runtime builtins of built executables: see runtime-builtins.ts for the conventions.
// runtime-asm/arraylib.asm implements them with the VM's semantics (src/vm/builtins.ts).
import type { RuntimeBuiltin } from './runtime-builtins.js';

export const BUILTINS_ARRAYS: Readonly<Record<string, RuntimeBuiltin>> = {
  // V8's TimSort, comparison for comparison (NaN makes the VM's comparator inconsistent);
  // located: out of memory for its temporary store is the runtime error.
  array_sort: { symbol: 'bp_rt_array_sort', typed: true, located: true },
  array_slice: { symbol: 'bp_rt_array_slice', typed: true, allocates: true },
  array_insert: { symbol: 'bp_rt_array_insert', typed: true, located: true },
  array_remove: { symbol: 'bp_rt_array_remove', typed: true, located: true },
  array_concat: { symbol: 'bp_rt_array_concat', typed: true, allocates: true },
  array_copy: { symbol: 'bp_rt_array_copy', typed: true, allocates: true },
  array_clear: { symbol: 'bp_rt_array_clear', typed: true },
  array_index_of: { symbol: 'bp_rt_array_index_of', typed: true },
  array_contains: { symbol: 'bp_rt_array_contains', typed: true },
  array_reverse: { symbol: 'bp_rt_array_reverse', typed: true },
};
