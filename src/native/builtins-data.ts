// Runtime builtins of built executables: see runtime-builtins.ts for the conventions.
// runtime-asm/datalib.asm: bytes, base64, hashing, the VM's random generator, JSON text.
import type { RuntimeBuiltin } from './runtime-builtins.js';

export const BUILTINS_DATA: Readonly<Record<string, RuntimeBuiltin>> = {
  // bytes: [int] arrays of byte values
  bytes_new: { symbol: 'bp_rt_bytes_new', allocates: true },
  bytes_get: { symbol: 'bp_rt_bytes_get', located: true },
  bytes_set: { symbol: 'bp_rt_bytes_set', located: true },
  bytes_append: { symbol: 'bp_rt_bytes_append', allocates: true },
  bytes_len: { symbol: 'bp_rt_bytes_len' },
  bytes_write_u16: { symbol: 'bp_rt_bytes_write_u16', allocates: true },
  bytes_write_u32: { symbol: 'bp_rt_bytes_write_u32', allocates: true },
  bytes_write_i64: { symbol: 'bp_rt_bytes_write_i64', allocates: true },
  bytes_read_u16: { symbol: 'bp_rt_bytes_read_u16', located: true },
  bytes_read_u32: { symbol: 'bp_rt_bytes_read_u32', located: true },
  bytes_read_i64: { symbol: 'bp_rt_bytes_read_i64', located: true },
  int_to_bytes: { symbol: 'bp_rt_int_to_bytes', allocates: true, located: true },
  int_from_bytes: { symbol: 'bp_rt_int_from_bytes', located: true },
  str_to_bytes: { symbol: 'bp_rt_str_to_bytes', allocates: true },
  str_bytes: { symbol: 'bp_rt_str_to_bytes', allocates: true },
  // str or [int]: the descriptor tells which
  bytes_to_str: { symbol: 'bp_rt_bytes_to_str', allocates: true, typed: true },
  // encodings and digests
  base64_encode: { symbol: 'bp_rt_base64_encode', allocates: true },
  base64_decode: { symbol: 'bp_rt_base64_decode', allocates: true },
  hash_md5: { symbol: 'bp_rt_hash_md5', allocates: true },
  hash_sha256: { symbol: 'bp_rt_hash_sha256', allocates: true },
  // the VM's LCG (state in BSS)
  rand: { symbol: 'bp_rt_rand' },
  rand_range: { symbol: 'bp_rt_rand_range' },
  rand_seed: { symbol: 'bp_rt_rand_seed' },
  json_stringify: { symbol: 'bp_rt_json_stringify', allocates: true, typed: true },
};
