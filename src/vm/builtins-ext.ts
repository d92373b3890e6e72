// EXTENDED and SPECIALIZED builtins of the VM (spec §5.9–5.17): files, bytes, encodings,
// JSON, regular expressions, random numbers, environment, hashing, and the single-threaded
// synchronisation objects.
import fs from 'node:fs';
import { Kind } from '../bytecode/opcodes.js';
import { kindOf } from '../bytecode/tdesc.js';
import { utf8ToBytes } from '../lang/source.js';
import type { BuiltinCtx, BuiltinImpl, CallDesc } from './builtins.js';
import type { CalledBuiltin } from '../lang/builtins.js';
import { RtError } from './errors.js';
import { formatG } from './fmt-float.js';
import * as I from './int64.js';
import { Int } from './int64.js';
import { nodeRequire } from './memory.js';
import { Regex } from './regex.js';
import { BPArray, BPMap, Closure, Handle, IntArray, Obj, RefArray, Struct, Tuple } from './values.js';
import { quote } from '../lang/quote.js';

const crypto = () => nodeRequire('node:crypto') as typeof import('node:crypto');

const S = (v: unknown) => v as string;
const N = (v: unknown) => v as Int;
const num = (v: unknown): number => Number(v as Int);
const bytes = (s: string) => Buffer.from(s, 'latin1');
const cstr = (s: string) => {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
};

/** A path: the string's bytes as they are (a UTF-8 name is its UTF-8 bytes), not re-encoded. */
const P = (v: unknown): Buffer => Buffer.from(v as string, 'latin1');

function tryFs<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

function intArrayFromBytes(b: Uint8Array): IntArray {
  const a = new IntArray(b.length);
  for (let i = 0; i < b.length; i++) a.buf[2 * i] = b[i];
  a.len = b.length;
  return a;
}

function byteValues(a: BPArray): Buffer {
  const out = Buffer.alloc(a.len);
  for (let i = 0; i < a.len; i++) out[i] = Number(BigInt.asUintN(8, I.big(a.get(i) as Int)));
  return out;
}

function appendLE(a: BPArray, v: Int, size: number): void {
  let x = BigInt.asUintN(64, I.big(v));
  for (let i = 0; i < size; i++) {
    a.push(Number(x & 255n));
    x >>= 8n;
  }
}

function readLE(name: string, a: BPArray, off: Int, size: number, signed: boolean): Int {
  const o = Number(off);
  if (!(o >= 0 && o + size <= a.len)) throw new RtError('BYTES_READ_BOUNDS', name);
  let x = 0n;
  for (let i = size - 1; i >= 0; i--) x = (x << 8n) | BigInt.asUintN(8, I.big(a.get(o + i) as Int));
  return I.canon(signed ? BigInt.asIntN(64, x) : x);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Decode(s: string): string {
  // The reference's decoder: whole 4-character groups only; a group whose first two
  // characters are not base64 is skipped; '=' in place 3 or 4 drops that output byte.
  const val = (c: string) => B64.indexOf(c);
  let out = '';
  for (let i = 0; i + 3 < s.length; i += 4) {
    const v1 = val(s[i]), v2 = val(s[i + 1]), v3 = val(s[i + 2]), v4 = val(s[i + 3]);
    if (v1 < 0 || v2 < 0) continue;
    let t = (v1 << 18) | (v2 << 12);
    if (v3 >= 0) t |= v3 << 6;
    if (v4 >= 0) t |= v4;
    out += String.fromCharCode((t >> 16) & 255);
    if (s[i + 2] !== '=') out += String.fromCharCode((t >> 8) & 255);
    if (s[i + 3] !== '=') out += String.fromCharCode(t & 255);
  }
  return out;
}

/** JSON text of a value: scalars as to_str, strings escaped, containers as JSON (bpjit). */
export function json(v: unknown, k: Kind): string {
  switch (k) {
    case Kind.Int: return String(v);
    case Kind.Float: return formatG(v as number);
    case Kind.Bool: return v ? 'true' : 'false';
  }
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsonString(v);
  if (v instanceof BPArray) {
    const parts: string[] = [];
    for (let i = 0; i < v.len; i++) parts.push(json(v.get(i), v.kind));
    return `[${parts.join(',')}]`;
  }
  if (v instanceof BPMap) {
    const parts: string[] = [];
    for (const [key, val] of v.m) parts.push(`${jsonString(v.kk === Kind.Ref ? (key as string) : json(key, v.kk))}:${json(val, v.vk)}`);
    return `{${parts.join(',')}}`;
  }
  if (v instanceof Struct || v instanceof Obj) {
    const l = v instanceof Struct ? v.l : v.c;
    return `{${l.fieldNames.map((n, i) => `${jsonString(n)}:${json(v.f[i], l.fieldKinds[i])}`).join(',')}}`;
  }
  if (v instanceof Tuple) return `[${v.e.map((x, i) => json(x, v.kinds[i])).join(',')}]`;
  if (v instanceof Closure) return jsonString(`<fn ${v.name}>`);
  return 'null';
}

function jsonString(s: string): string {
  let out = '"';
  for (const c of s) {
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else out += c;
  }
  return out + '"';
}

const regexCache = new Map<string, Regex | null>();
function regex(p: string): Regex | null {
  let r = regexCache.get(p);
  if (r === undefined) {
    r = Regex.compile(cstr(p));
    regexCache.set(p, r);
  }
  return r;
}

function advance(vm: BuiltinCtx): bigint {
  vm.rand = BigInt.asUintN(64, vm.rand * 1103515245n + 12345n);
  return vm.rand >> 16n;
}

function mutex(v: unknown, name: string): Handle {
  if (!(v instanceof Handle) || v.what !== 'mutex') throw new RtError('IO', `${name}: not a mutex`);
  return v;
}

export const EXT_BUILTINS = {
  file_read: (_, a) => tryFs(() => fs.readFileSync(P(a[0])).toString('latin1'), ''),
  file_write: (_, a) => tryFs(() => { fs.writeFileSync(P(a[0]), bytes(S(a[1]))); return true; }, false),
  file_append: (_, a) => tryFs(() => { fs.appendFileSync(P(a[0]), bytes(S(a[1]))); return true; }, false),
  file_exists: (_, a) => fs.existsSync(P(a[0])),
  file_delete: (_, a) => tryFs(() => { fs.unlinkSync(P(a[0])); return true; }, false),
  file_size: (_, a) => tryFs(() => fs.statSync(P(a[0])).size, -1),
  file_copy: (_, a) => tryFs(() => { fs.copyFileSync(P(a[0]), P(a[1])); return true; }, false),
  file_read_bytes: (_, a) => intArrayFromBytes(tryFs(() => fs.readFileSync(P(a[0])), Buffer.alloc(0))),
  file_write_bytes: (_, a) => tryFs(() => { fs.writeFileSync(P(a[0]), byteValues(a[1] as BPArray)); return true; }, false),
  bytes_new: (_, a) => IntArray.filled(Math.max(0, num(a[0])), 0),
  bytes_get: (_, a) => {
    const arr = a[0] as BPArray, i = N(a[1]);
    if (!(typeof i === 'number' && i >= 0 && i < arr.len)) throw new RtError('BYTES_GET_INDEX');
    return Number(BigInt.asUintN(8, I.big(arr.get(i) as Int)));
  },
  bytes_set: (_, a) => {
    const arr = a[0] as BPArray, i = N(a[1]);
    if (!(typeof i === 'number' && i >= 0 && i < arr.len)) throw new RtError('BYTES_SET_INDEX');
    arr.set(i, Number(BigInt.asUintN(8, I.big(N(a[2])))));
    return null;
  },
  bytes_append: (_, a) => { (a[0] as BPArray).push(Number(BigInt.asUintN(8, I.big(N(a[1]))))); return null; },
  bytes_len: (_, a) => (a[0] as BPArray).len,
  bytes_write_u16: (_, a) => { appendLE(a[0] as BPArray, N(a[1]), 2); return null; },
  bytes_write_u32: (_, a) => { appendLE(a[0] as BPArray, N(a[1]), 4); return null; },
  bytes_write_i64: (_, a) => { appendLE(a[0] as BPArray, N(a[1]), 8); return null; },
  bytes_read_u16: (_, a) => readLE('bytes_read_u16', a[0] as BPArray, N(a[1]), 2, false),
  bytes_read_u32: (_, a) => readLE('bytes_read_u32', a[0] as BPArray, N(a[1]), 4, false),
  bytes_read_i64: (_, a) => readLE('bytes_read_i64', a[0] as BPArray, N(a[1]), 8, true),
  int_to_bytes: (_, a) => {
    const n = N(a[1]);
    if (!(typeof n === 'number' && n >= 1 && n <= 8)) throw new RtError('INT_BYTES_SIZE', 'int_to_bytes');
    const out = new IntArray(n);
    const x = BigInt.asUintN(64, I.big(N(a[0])));
    for (let i = n - 1; i >= 0; i--) out.push(Number((x >> BigInt(8 * i)) & 255n));
    return out;
  },
  int_from_bytes: (_, a) => {
    const arr = a[0] as BPArray, off = N(a[1]), n = N(a[2]);
    if (!(typeof n === 'number' && n >= 1 && n <= 8)) throw new RtError('INT_BYTES_SIZE', 'int_from_bytes');
    if (!(typeof off === 'number' && off >= 0 && off + n <= arr.len)) throw new RtError('INT_FROM_BYTES_BOUNDS');
    let x = 0n;
    for (let i = 0; i < n; i++) x = (x << 8n) | BigInt.asUintN(8, I.big(arr.get(off + i) as Int));
    return I.canon(x);
  },
  str_to_bytes: (_, a) => intArrayFromBytes(bytes(S(a[0]))),
  str_bytes: (_, a) => intArrayFromBytes(bytes(S(a[0]))),
  bytes_to_str: (_, a) => (typeof a[0] === 'string' ? a[0] : byteValues(a[0] as BPArray).toString('latin1')),
  str_from_chars: (_, a) => byteValues(a[0] as BPArray).toString('latin1'),
  base64_encode: (_, a) => bytes(S(a[0])).toString('base64'),
  base64_decode: (_, a) => base64Decode(S(a[0])),
  json_stringify: (_, a, d) => json(a[0], kindOf((d as CallDesc).args[0])),
  regex_match: (_, a) => !!regex(S(a[0]))?.exec(cstr(S(a[1]))),
  regex_search: (_, a) => regex(S(a[0]))?.exec(cstr(S(a[1])))?.[0] ?? -1,
  regex_replace: (_, a) => {
    const text = cstr(S(a[2]));
    const r = regex(S(a[0]));
    if (!r) return text;
    let out = '', last = 0;
    for (const [s, e] of r.all(text)) { out += text.slice(last, s) + S(a[1]); last = e; }
    return out + text.slice(last);
  },
  regex_split: (_, a) => {
    const text = cstr(S(a[1]));
    const r = regex(S(a[0]));
    if (!r) return new RefArray([text]);
    const parts: string[] = [];
    let last = 0;
    for (const [s, e] of r.all(text)) { parts.push(text.slice(last, s)); last = e; }
    parts.push(text.slice(last));
    return new RefArray(parts);
  },
  regex_find_all: (_, a) => {
    const text = cstr(S(a[1]));
    const r = regex(S(a[0]));
    return new RefArray(r ? r.all(text).map(([s, e]) => text.slice(s, e)) : []);
  },
  rand: (vm) => Number(advance(vm) % 32768n),
  rand_range: (vm, a) => {
    const lo = N(a[0]), hi = N(a[1]);
    if (lo >= hi) return lo;
    const span = BigInt.asUintN(64, I.big(hi) - I.big(lo));
    return I.canon(I.big(lo) + (advance(vm) % span));
  },
  rand_seed: (vm, a) => { vm.rand = BigInt.asUintN(64, I.big(N(a[0]))); return null; },
  getenv: (_, a) => utf8ToBytes(process.env[S(a[0])] ?? ''),
  argc: (vm) => vm.args.length,
  argv: (vm) => new RefArray(vm.args.map(utf8ToBytes)),
  hash_sha256: (_, a) => crypto().createHash('sha256').update(bytes(S(a[0]))).digest('hex'),
  hash_md5: (_, a) => crypto().createHash('md5').update(bytes(S(a[0]))).digest('hex'),
  secure_compare: (_, a) => S(a[0]) === S(a[1]),
  random_bytes: (_, a) => {
    const n = N(a[0]);
    if (!(typeof n === 'number' && n >= 0 && n <= 1024)) throw new RtError('RANDOM_BYTES_COUNT');
    return crypto().randomBytes(n).toString('hex');
  },
  thread_join: () => { throw new RtError('IO', 'thread_join: not a thread handle'); },
  thread_detach: () => { throw new RtError('IO', 'thread_detach: not a thread handle'); },
  thread_current: () => 0,
  thread_yield: () => null,
  thread_sleep: (vm, a) => { vm.out.flush(); if (num(a[0]) > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, num(a[0])); return null; },
  mutex_new: () => new Handle('mutex'),
  mutex_lock: (_, a) => {
    const m = mutex(a[0], 'mutex_lock');
    if (m.locked) throw new RtError('DEADLOCK', 'mutex_lock on a mutex the only thread already holds');
    m.locked = true;
    return null;
  },
  mutex_trylock: (_, a) => {
    const m = mutex(a[0], 'mutex_trylock');
    if (m.locked) return false;
    m.locked = true;
    return true;
  },
  mutex_unlock: (_, a) => { mutex(a[0], 'mutex_unlock').locked = false; return null; },
  cond_new: () => new Handle('cond'),
  cond_wait: () => { throw new RtError('DEADLOCK', 'cond_wait would wait forever (no other thread can signal)'); },
  cond_signal: () => null,
  cond_broadcast: () => null,
} satisfies Partial<Record<CalledBuiltin, BuiltinImpl>>;

