// Runtime builtins of built executables: see runtime-builtins.ts for the conventions.
// runtime-asm/syslib.asm: the SPECIALIZED builtins — security primitives, and threads with the
// VM's single-threaded semantics (thread_spawn never gets here: it is a compile-time error).
import type { RuntimeBuiltin } from './runtime-builtins.js';

export const BUILTINS_SYS: Readonly<Record<string, RuntimeBuiltin>> = {
  secure_compare: { symbol: 'bp_rt_secure_compare' },
  random_bytes: { symbol: 'bp_rt_random_bytes', allocates: true, located: true },
  thread_current: { symbol: 'bp_rt_thread_current' },
  thread_yield: { symbol: 'bp_rt_thread_yield' },
  thread_sleep: { symbol: 'bp_rt_sleep' },
  thread_join: { symbol: 'bp_rt_thread_join', located: true },
  thread_detach: { symbol: 'bp_rt_thread_detach', located: true },
  mutex_new: { symbol: 'bp_rt_mutex_new', allocates: true },
  mutex_lock: { symbol: 'bp_rt_mutex_lock', located: true },
  mutex_trylock: { symbol: 'bp_rt_mutex_trylock', located: true },
  mutex_unlock: { symbol: 'bp_rt_mutex_unlock', located: true },
  cond_new: { symbol: 'bp_rt_cond_new', allocates: true },
  cond_wait: { symbol: 'bp_rt_cond_wait', located: true },
  cond_signal: { symbol: 'bp_rt_cond_signal' },
  cond_broadcast: { symbol: 'bp_rt_cond_signal' },
};
