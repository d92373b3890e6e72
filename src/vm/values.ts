// Runtime values of the VM. Scalars are JS values (int: number|bigint in canonical form, float:
// number, bool: boolean, str: a byte string); everything else is an object of a class below.
// Arrays of numbers are typed arrays (8 bytes per element, little-endian). Containers remember
// the kind of their scalar slots, because a float 2.0 and an int 2 are the same JS number but
// print differently.
import { Kind } from '../bytecode/opcodes.js';
import { formatG } from './fmt-float.js';
import { Int, join, split } from './int64.js';
import { charge } from './memory.js';
import type { BigMap } from './maps.js';
import { quote } from '../lang/quote.js';

const int32s = (n: number) => new Int32Array(n);
const float64s = (n: number) => new Float64Array(n);

// --- arrays ---------------------------------------------------------------------------------

export abstract class BPArray {
  len = 0;
  abstract readonly kind: Kind;
  abstract get(i: number): unknown;
  abstract set(i: number, v: unknown): void;
  protected abstract grow(cap: number): void;
  abstract get capacity(): number;
  /** A new empty array of the same kind. */
  abstract empty(): BPArray;

  push(v: unknown): void {
    if (this.len === this.capacity) this.grow(Math.max(8, this.capacity * 2));
    this.set(this.len++, v);
  }
  pop(): unknown {
    const v = this.get(this.len - 1);
    this.len--;
    this.cleared(this.len);
    return v;
  }
  /** Called when slots from `from` on stop being part of the array (lets RefArray drop references). */
  protected cleared(_from: number): void {}
  insert(i: number, v: unknown): void {
    this.push(v);
    for (let k = this.len - 1; k > i; k--) this.set(k, this.get(k - 1));
    this.set(i, v);
  }
  remove(i: number): unknown {
    const v = this.get(i);
    for (let k = i; k < this.len - 1; k++) this.set(k, this.get(k + 1));
    this.len--;
    this.cleared(this.len);
    return v;
  }
  clear(): void {
    this.len = 0;
    this.cleared(0);
  }
  slice(start: number, end: number): BPArray {
    const out = this.empty();
    for (let i = start; i < end; i++) out.push(this.get(i));
    return out;
  }
  reverse(): void {
    for (let i = 0, j = this.len - 1; i < j; i++, j--) {
      const t = this.get(i);
      this.set(i, this.get(j));
      this.set(j, t);
    }
  }
  toArray(): unknown[] {
    const out = new Array(this.len);
    for (let i = 0; i < this.len; i++) out[i] = this.get(i);
    return out;
  }
}

/** Arrays of 8-byte elements held as int32 pairs buf[2i], buf[2i+1] (the native layout). */
abstract class PairArray extends BPArray {
  buf: Int32Array;
  constructor(cap = 8) {
    super();
    charge(8 * cap);
    this.buf = int32s(Math.max(cap, 1) * 2);
  }
  get capacity(): number { return this.buf.length >> 1; }
  protected grow(cap: number): void {
    charge(8 * cap);
    const b = int32s(cap * 2);
    b.set(this.buf.subarray(0, this.len * 2));
    this.buf = b;
  }
}

/** [int]: element i is the int32 pair buf[2i] (low), buf[2i+1] (high). */
export class IntArray extends PairArray {
  readonly kind = Kind.Int;
  get(i: number): Int { return join(this.buf, i * 2); }
  set(i: number, v: unknown): void { split(v as Int, this.buf, i * 2); }
  empty(): IntArray { return new IntArray(); }
  static filled(n: number, v: Int): IntArray {
    const a = new IntArray(n);
    if (v !== 0 && n > 0) {
      // Write one element, then double the filled prefix with copyWithin (memmove speed).
      split(v, a.buf, 0);
      for (let have = 2, total = 2 * n; have < total; have *= 2) a.buf.copyWithin(have, 0, Math.min(have, total - have));
    }
    a.len = n;
    return a;
  }
}

export class FloatArray extends BPArray {
  readonly kind = Kind.Float;
  buf: Float64Array;
  constructor(cap = 8) {
    super();
    charge(8 * cap);
    this.buf = float64s(Math.max(cap, 1));
  }
  get capacity(): number { return this.buf.length; }
  get(i: number): number { return this.buf[i]; }
  set(i: number, v: unknown): void { this.buf[i] = v as number; }
  protected grow(cap: number): void {
    charge(8 * cap);
    const b = float64s(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  empty(): FloatArray { return new FloatArray(); }
  static filled(n: number, v: number): FloatArray {
    const a = new FloatArray(n);
    a.buf.fill(v, 0, n);
    a.len = n;
    return a;
  }
}

/** [bool]: 8-byte elements holding 0 or 1 (the native layout). */
export class BoolArray extends PairArray {
  readonly kind = Kind.Bool;
  get(i: number): boolean { return this.buf[i * 2] !== 0; }
  set(i: number, v: unknown): void { this.buf[i * 2] = v ? 1 : 0; }
  empty(): BoolArray { return new BoolArray(); }
  static filled(n: number, v: boolean): BoolArray {
    const a = new BoolArray(n);
    if (v) for (let i = 0; i < n; i++) a.buf[2 * i] = 1;
    a.len = n;
    return a;
  }
}

/** Arrays of strings, containers, objects and functions. */
export class RefArray extends BPArray {
  readonly kind = Kind.Ref;
  a: unknown[];
  constructor(items: unknown[] = []) {
    super();
    charge(8 * items.length);
    this.a = items;
    this.len = items.length;
  }
  get capacity(): number { return this.a.length; }
  get(i: number): unknown { return this.a[i]; }
  set(i: number, v: unknown): void { this.a[i] = v; }
  protected grow(cap: number): void { charge(8 * cap); this.a.length = cap; }
  override push(v: unknown): void {
    if (this.len === this.a.length) { charge(8); this.a.push(v); }
    else this.a[this.len] = v;
    this.len++;
  }
  protected override cleared(from: number): void { this.a.length = from; }
  empty(): RefArray { return new RefArray(); }
  override toArray(): unknown[] { return this.a.slice(0, this.len); }
}

export function newArray(kind: Kind, cap = 8): BPArray {
  switch (kind) {
    case Kind.Int: return new IntArray(cap);
    case Kind.Float: return new FloatArray(cap);
    case Kind.Bool: return new BoolArray(cap);
    default: return new RefArray();
  }
}

export function arrayOf(kind: Kind, items: unknown[]): BPArray {
  if (kind === Kind.Ref) return new RefArray(items);
  const a = newArray(kind, items.length);
  for (const v of items) a.push(v);
  return a;
}

// --- maps, structs, objects, tuples, functions ------------------------------------------------

/** A map keeps insertion order (a JS Map does); kk/vk tell how to print keys and values. */
export class BPMap {
  constructor(readonly m: BigMap<unknown, unknown>, readonly kk: Kind, readonly vk: Kind) {}
}

/** Layout of a struct or class as the VM sees it. */
export interface Layout {
  readonly name: string;
  readonly fieldNames: string[];
  readonly fieldKinds: Kind[];
  readonly fieldTypes: string[];
}

export interface ClassRt extends Layout {
  readonly index: number;
  readonly vtable: Int32Array;
}

export class Struct {
  constructor(readonly l: Layout, readonly f: unknown[]) {}
}

export class Obj {
  constructor(readonly c: ClassRt, readonly f: unknown[]) {}
}

export class Tuple {
  constructor(readonly e: unknown[], readonly kinds: Kind[]) {}
}

export class Closure {
  constructor(readonly fn: number, readonly caps: unknown[], readonly name: string) {}
}

/** Opaque handles (mutexes, condition variables). */
export class Handle {
  locked = false;
  constructor(readonly what: 'mutex' | 'cond') {}
}

/** A C pointer (ptr) an extern function returned: printed with its address, equal by address. */
export class CPointer {
  constructor(readonly addr: bigint) {}
}

// --- text ---------------------------------------------------------------------------------

/** The conversion of spec §4.5 (print, to_str, f-strings); strings print as themselves. */
export function display(v: unknown, k: Kind): string {
  switch (k) {
    case Kind.Int: return String(v);
    case Kind.Float: return formatG(v as number);
    case Kind.Bool: return v ? 'true' : 'false';
    default: return typeof v === 'string' ? v : repr(v, k);
  }
}

/**
 * Containers being printed, and the left sides of containers being compared: a container met
 * again inside itself prints as a placeholder — [...], {...}, (...), Name{...}, as Python prints
 * a list that contains itself — and compares as equal (no difference was found on that path),
 * so cycles end. The runtime does the same with a header bit (str.asm, equal.asm).
 */
const printing = new Set<object>();
const comparing = new Set<object>();

/** The text of a value inside a container: strings are quoted (bpjit, spec §8.1). */
export function repr(v: unknown, k: Kind): string {
  if (k !== Kind.Ref) return display(v, k);
  if (typeof v === 'string') return quote(v);
  if (v === null || v === undefined) return 'null';
  if (!(v instanceof BPArray || v instanceof BPMap || v instanceof Struct || v instanceof Obj || v instanceof Tuple)) return reprOther(v);
  if (printing.has(v)) {
    if (v instanceof Struct || v instanceof Obj) return `${v instanceof Struct ? v.l.name : v.c.name}{...}`;
    return v instanceof BPArray ? '[...]' : v instanceof BPMap ? '{...}' : '(...)';
  }
  printing.add(v);
  try {
    return reprContainer(v);
  } finally {
    printing.delete(v);
  }
}

function reprContainer(v: BPArray | BPMap | Struct | Obj | Tuple): string {
  if (v instanceof BPArray) {
    const parts: string[] = [];
    for (let i = 0; i < v.len; i++) parts.push(repr(v.get(i), v.kind));
    return `[${parts.join(', ')}]`;
  }
  if (v instanceof BPMap) {
    const parts: string[] = [];
    for (const [key, val] of v.m) parts.push(`${repr(key, v.kk)}: ${repr(val, v.vk)}`);
    return `{${parts.join(', ')}}`;
  }
  if (v instanceof Struct || v instanceof Obj) {
    const l = v instanceof Struct ? v.l : v.c;
    const parts = l.fieldNames.map((n, i) => `${n}: ${repr(v.f[i], l.fieldKinds[i])}`);
    return `${l.name}{${parts.join(', ')}}`;
  }
  const parts = v.e.map((x, i) => repr(x, v.kinds[i]));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

function reprOther(v: unknown): string {
  if (v instanceof Closure) return `<fn ${v.name}>`;
  if (v instanceof Handle) return `<${v.what}>`;
  if (v instanceof CPointer) return `<ptr 0x${v.addr.toString(16)}>`;
  return String(v);
}

// --- equality -------------------------------------------------------------------------------

/** `==` of spec §8.2: structural for arrays, maps, tuples and structs; identity for objects. */
export function equals(a: unknown, b: unknown, k: Kind): boolean {
  if (k !== Kind.Ref) return a === b;
  if (a === b) return typeof a !== 'number' || a === a;
  if (typeof a === 'string' || typeof b === 'string' || a === null || b === null) return false;
  if (!(a instanceof BPArray || a instanceof BPMap || a instanceof Tuple || a instanceof Struct)) return equalsOther(a, b);
  if (comparing.has(a)) return true;
  comparing.add(a);
  try {
    return equalParts(a, b);
  } finally {
    comparing.delete(a);
  }
}

function equalParts(a: BPArray | BPMap | Tuple | Struct, b: unknown): boolean {
  if (a instanceof BPArray && b instanceof BPArray) {
    if (a.len !== b.len || a.kind !== b.kind) return false;
    for (let i = 0; i < a.len; i++) if (!equals(a.get(i), b.get(i), a.kind)) return false;
    return true;
  }
  if (a instanceof BPMap && b instanceof BPMap) {
    if (a.m.size !== b.m.size) return false;
    for (const [key, val] of a.m) {
      if (!b.m.has(key) || !equals(val, b.m.get(key), a.vk)) return false;
    }
    return true;
  }
  if (a instanceof Tuple && b instanceof Tuple) {
    return a.e.length === b.e.length && a.e.every((x, i) => equals(x, b.e[i], a.kinds[i]));
  }
  if (a instanceof Struct && b instanceof Struct) {
    return a.l === b.l && a.f.every((x, i) => equals(x, b.f[i], a.l.fieldKinds[i]));
  }
  return false;
}

function equalsOther(a: unknown, b: unknown): boolean {
  if (a instanceof Closure && b instanceof Closure) return a.fn === b.fn && a.caps.length === 0 && b.caps.length === 0;
  if (a instanceof CPointer && b instanceof CPointer) return a.addr === b.addr;
  return false;
}

/** typeof at run time (spec §5.5 plus bpjit's tuple and fn). */
export function typeofValue(v: unknown, k: Kind): string {
  switch (k) {
    case Kind.Int: return 'int';
    case Kind.Float: return 'float';
    case Kind.Bool: return 'bool';
  }
  if (typeof v === 'string') return 'str';
  if (v === null || v === undefined) return 'null';
  if (v instanceof BPArray) return 'array';
  if (v instanceof BPMap) return 'map';
  if (v instanceof Struct) return 'struct';
  if (v instanceof Obj) return 'class';
  if (v instanceof Tuple) return 'tuple';
  if (v instanceof Closure) return 'fn';
  return 'ptr';
}

