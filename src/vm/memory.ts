// Running out of memory is a runtime error in the VM too, not a dead process: allocations of
// array storage are charged here, and every 64 MiB the process's resident memory and V8's heap
// are compared with their limits (reading them costs microseconds, so only that often).
import os from 'node:os';
import v8 from 'node:v8';
import { RtError } from './errors.js';

const CHECK_EVERY = 64 << 20;
const RSS_LIMIT = Math.floor(os.totalmem() * 0.8);
let sinceCheck = 0;

/** Accounts for `bytes` of new storage; throws the out-of-memory runtime error past a limit. */
export function charge(bytes: number): void {
  sinceCheck += bytes;
  if (sinceCheck < CHECK_EVERY) return;
  sinceCheck = 0;
  const heap = v8.getHeapStatistics();
  if (process.memoryUsage.rss() > RSS_LIMIT || heap.used_heap_size > 0.9 * heap.heap_size_limit) throw new RtError('OUT_OF_MEMORY');
}
