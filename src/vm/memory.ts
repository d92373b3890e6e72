// Running out of memory is a runtime error in the VM too, not a dead process, and at the same
// heap limit as every other tier (bytecode/limits.ts: BPJIT_HEAP_LIMIT, or an eighth of physical
// memory, at most 3 GiB). What a program allocates is charged here (array storage, strings,
// objects, map entries); every so many bytes charged, V8's heap plus the memory outside it
// (typed arrays) is measured — less what bpjit itself held when the program started — and,
// when over the limit after a full collection, the program is out of memory. Measuring costs
// microseconds, so only that often; V8's own limit and physical memory are checked too, so that
// the process never dies of V8's fatal out-of-memory.
import { createRequire } from 'node:module';
import { HEAP_LIMIT_VAR, heapLimit } from '../bytecode/limits.js';
import { RtError } from './errors.js';

/**
 * Node's own modules that only some runs need (v8, os, crypto) are required on first use:
 * loading them up front added 10+ ms to every start.
 */
export const nodeRequire = createRequire(import.meta.url);

let limit = Infinity;
let baseline = 0;
let checkEvery = 64 << 20;
let sinceCheck = 0;
let rssLimit = 0;
let collect: (() => void) | null = null;

const inUse = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/** Starts counting for a program (the VM calls it as the program starts). */
export function startHeap(): void {
  const os = nodeRequire('node:os') as typeof import('node:os');
  limit = heapLimit(process.env[HEAP_LIMIT_VAR], os.totalmem()) ?? Infinity;
  rssLimit = Math.floor(os.totalmem() * 0.8);
  checkEvery = Math.min(64 << 20, Math.max(1 << 16, Math.floor(limit / 16)));
  baseline = inUse();
  sinceCheck = 0;
}

/**
 * Accounts for `bytes` of new storage, before it is allocated; throws the out-of-memory runtime
 * error past a limit. The bytes about to be allocated count, as they do for the native tiers'
 * allocator: what is live and the new string must fit, not only what is live.
 */
export function charge(bytes: number): void {
  sinceCheck += bytes;
  if (sinceCheck < checkEvery) return;
  sinceCheck = 0;
  const v8 = nodeRequire('node:v8') as typeof import('node:v8');
  const heap = v8.getHeapStatistics();
  if (process.memoryUsage.rss() > (rssLimit || Infinity) || heap.used_heap_size > 0.9 * heap.heap_size_limit) throw new RtError('OUT_OF_MEMORY');
  if (inUse() - baseline + bytes <= limit) return;
  // Over the limit, perhaps only with garbage: a full collection first decides.
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = (nodeRequire('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
  }
  collect();
  if (inUse() - baseline + bytes > limit) throw new RtError('OUT_OF_MEMORY');
}

/** Strings shorter than this stay as V8 makes them (a rope of short ones holds little). */
export const FLAT_MIN = 1024;

/**
 * `s` held whole. V8 joins strings lazily (a rope: the parts and a pointer), so a program that
 * keeps many strings made with + from one another (a recursion passing s + "x" down) held almost
 * nothing in the VM where the other tiers, which copy, hold every string whole and run out of
 * memory: the VM's + copies too. (The VM's strings are byte strings, so latin1 is lossless.)
 */
export function flat(s: string): string {
  return s.length < FLAT_MIN ? s : Buffer.from(s, 'latin1').toString('latin1');
}
