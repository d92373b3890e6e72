// Maps for the VM. A map keeps insertion order, as a JS Map does; int keys are canonical ints, so
// equal keys are equal JS values. A JS Map holds at most 2^24 entries, and executables hold more:
// a BigMap chains Maps (SHARD entries each), which keeps that order — a new key goes to the last
// one, an existing key stays where it is, and a key deleted and set again ends up last, as in
// one Map. A map of under SHARD entries is one Map, and every operation goes straight to it.
import { kindOf } from '../bytecode/tdesc.js';
import { BPMap } from './values.js';

/** Entries per Map of a BigMap (V8's limit is 2^24). */
const SHARD = 1 << 23;

export class BigMap<K, V> {
  private shards: Map<K, V>[] = [new Map()];

  /** `shard`: entries per Map (smaller in tests). */
  constructor(entries: Iterable<[K, V]> = [], private readonly shard = SHARD) {
    for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    if (this.shards.length === 1) return this.shards[0].size;
    let n = 0;
    for (const s of this.shards) n += s.size;
    return n;
  }

  /** The Map holding k, if any. */
  private holder(k: K): Map<K, V> | undefined {
    for (const s of this.shards) if (s.has(k)) return s;
    return undefined;
  }

  get(k: K): V | undefined {
    if (this.shards.length === 1) return this.shards[0].get(k);
    return this.holder(k)?.get(k);
  }

  has(k: K): boolean {
    return this.shards.length === 1 ? this.shards[0].has(k) : this.holder(k) !== undefined;
  }

  set(k: K, v: V): this {
    const last = this.shards[this.shards.length - 1];
    if (this.shards.length === 1 && (last.size < this.shard || last.has(k))) { last.set(k, v); return this; }
    const at = this.holder(k);
    if (at) at.set(k, v);
    else if (last.size < this.shard) last.set(k, v);
    else this.shards.push(new Map([[k, v]]));
    return this;
  }

  delete(k: K): boolean {
    if (this.shards.length === 1) return this.shards[0].delete(k);
    const at = this.holder(k);
    if (!at) return false;
    at.delete(k);
    if (at.size === 0) this.shards = this.shards.filter((s) => s !== at);
    if (this.shards.length === 0) this.shards = [new Map()];
    return true;
  }

  *keys(): IterableIterator<K> { for (const s of this.shards) yield* s.keys(); }
  *values(): IterableIterator<V> { for (const s of this.shards) yield* s.values(); }
  *[Symbol.iterator](): IterableIterator<[K, V]> { for (const s of this.shards) yield* s; }
}

export function mapFromPairs(desc: string, regs: unknown[]): BPMap {
  const m = new BigMap<unknown, unknown>();
  for (let i = 0; i < regs.length; i += 2) m.set(regs[i], regs[i + 1]);
  return new BPMap(m, kindOf(desc[1]), kindOf(desc.slice(3, -1)));
}

export function emptyMap(desc: string): BPMap {
  return new BPMap(new BigMap(), kindOf(desc[1]), kindOf(desc.slice(3, -1)));
}
