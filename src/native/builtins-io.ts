// Runtime builtins of built executables: see runtime-builtins.ts for the conventions.
// I/O and conversions (runtime-asm/iolib.asm; float_to_str is str.asm's %g conversion).
import type { RuntimeBuiltin } from './runtime-builtins.js';

export const BUILTINS_IO: Readonly<Record<string, RuntimeBuiltin>> = {
  read_line: { symbol: 'bp_rt_read_line', allocates: true },
  str_to_float: { symbol: 'bp_rt_str_to_float' },
  float_to_str: { symbol: 'bp_rt_str_from_f64', allocates: true },
  argc: { symbol: 'bp_rt_io_argc' },
  argv: { symbol: 'bp_rt_io_argv', allocates: true },
  getenv: { symbol: 'bp_rt_getenv', allocates: true },
  file_read: { symbol: 'bp_rt_file_read', allocates: true },
  file_write: { symbol: 'bp_rt_file_write' },
  file_append: { symbol: 'bp_rt_file_append' },
  file_exists: { symbol: 'bp_rt_file_exists' },
  file_delete: { symbol: 'bp_rt_file_delete' },
  file_size: { symbol: 'bp_rt_file_size' },
  file_copy: { symbol: 'bp_rt_file_copy' },
  file_read_bytes: { symbol: 'bp_rt_io_file_read_bytes', allocates: true },
  file_write_bytes: { symbol: 'bp_rt_io_file_write_bytes' },
};
