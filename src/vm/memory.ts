// Running out of memory is a runtime error in the VM too, not a dead process: allocations of
// array storage are charged here, and every 64 MiB the process's resident memory and V8's heap
// are compared with their limits (reading them costs microseconds, so only that often).
import { createRequire } from 'node:module';
import { RtError } from './errors.js';

/**
 * Node's own modules that only some runs need (v8, os, crypto) are required on first use:
 * loading them up front added 10+ ms to every start.
 */
export const nodeRequire = createRequire(import.meta.url);

const CHECK_EVERY = 64 << 20;
let sinceCheck = 0;
let rssLimit = 0;

/** Accounts for `bytes` of new storage; throws the out-of-memory runtime error past a limit. */
export function charge(bytes: number): void {
  sinceCheck += bytes;
  if (sinceCheck < CHECK_EVERY) return;
  sinceCheck = 0;
  const os = nodeRequire('node:os') as typeof import('node:os');
  const heap = (nodeRequire('node:v8') as typeof import('node:v8')).getHeapStatistics();
  rssLimit ||= Math.floor(os.totalmem() * 0.8);
  if (process.memoryUsage.rss() > rssLimit || heap.used_heap_size > 0.9 * heap.heap_size_limit) throw new RtError('OUT_OF_MEMORY');
}
