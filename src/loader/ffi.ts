// Extern functions in the tiers that run inside bpjit. The libraries `extern` declarations name
// are opened with the dynamic loader (koffi's load is dlopen: a path, or a soname it searches
// for) and stay open for the rest of the process; every extern the program calls is resolved
// once, before the program starts, so a missing library or symbol is an error at its
// declaration, never half-way through a run. The native tier takes the addresses (its code calls
// the C functions directly); the TypeScript VM calls them through koffi functions that convert
// its values as the native ABI does: int as int64, float as double, bool as 0/1 in a 64-bit
// register, str as a pointer to its bytes and a NUL (C sees the string up to its first NUL byte),
// ptr as the C address (NULL for mutexes and conditions); a str result is copied (NULL gives ""),
// a ptr result keeps the address.
import type * as Koffi from 'koffi';
import { calledExterns, externWhere, type BytecodeModule } from '../bytecode/module.js';
import * as I from '../vm/int64.js';
import { RtError } from '../vm/errors.js';
import { setExternOpener, type ExternCaller } from '../vm/interp.js';
import { CPointer } from '../vm/values.js';
import { koffi } from './koffi.js';

type Library = ReturnType<typeof Koffi.load>;

/** Opened libraries by the name the program gives, or why one cannot be opened. */
const libraries = new Map<string, Library | string>();

export interface ExternFailure {
  index: number;
  /** "file:line" of the declaration. */
  where: string;
  /** The runtime error's text after "FFI: ". */
  message: string;
}

function open(lib: string): Library | string {
  let l = libraries.get(lib);
  if (l === undefined) {
    try {
      l = koffi().load(lib);
    } catch (e) {
      l = `cannot load library '${lib}': ${(e as Error).message.replace(/^Failed to load shared library: /, '')}`;
    }
    libraries.set(lib, l);
  }
  return l;
}

/** The address of every extern `mod` calls, by index; or the first declaration that fails. */
export function resolveExterns(mod: BytecodeModule): { addresses: Map<number, bigint> } | { failure: ExternFailure } {
  const addresses = new Map<number, bigint>();
  for (const i of calledExterns(mod)) {
    const e = mod.externs[i];
    const fail = (message: string) => ({ failure: { index: i, where: externWhere(mod, i), message } });
    const lib = open(e.lib);
    if (typeof lib === 'string') return fail(lib);
    let addr: bigint | null = null;
    try { addr = BigInt(lib.symbol(e.symbol) as bigint); } catch { /* reported below */ }
    if (!addr) return fail(`symbol '${e.symbol}' not found in '${e.lib}'`);
    addresses.set(i, addr);
  }
  return { addresses };
}

/** koffi's type of a parameter or result, by type descriptor (see src/bytecode/tdesc.ts). */
const C_TYPE: Record<string, string> = { i: 'int64_t', b: 'int64_t', f: 'double', s: 'void *', p: 'void *', v: 'void' };

/** VM value → koffi argument. */
const TO_C: Record<string, (v: unknown) => unknown> = {
  i: (v) => v,
  b: (v) => (v ? 1 : 0),
  f: (v) => v,
  s: (v) => Buffer.from(`${v as string}\0`, 'latin1'),
  p: (v) => (v instanceof CPointer ? v.addr : null),
};

let strlen: ((p: unknown) => number | bigint) | null = null;
/** The arguments of the call being made (see openForVm). */
let inFlight: unknown[] | null = null;

/** The bytes of a C string as a VM string ("" for NULL). */
function fromCString(p: unknown): string {
  if (p === null || p === 0n) return '';
  const k = koffi();
  strlen ??= (open('libc.so.6') as Library).func('strlen', 'size_t', ['void *']) as (p: unknown) => number | bigint;
  const n = Number(strlen(p));
  return n ? Buffer.from(k.decode(p, 'uint8_t', n) as Uint8Array).toString('latin1') : '';
}

/** koffi result → VM value. */
const FROM_C: Record<string, (r: unknown) => unknown> = {
  i: (r) => I.canon(BigInt(r as number | bigint)),
  b: (r) => (BigInt(r as number | bigint) & 0xffn) !== 0n,
  f: (r) => r,
  s: fromCString,
  p: (r) => new CPointer(r === null ? 0n : BigInt(r as bigint)),
  v: () => null,
};

/** The VM's opener: resolves, then makes one koffi function per extern called. */
function openForVm(mod: BytecodeModule): ExternCaller {
  const r = resolveExterns(mod);
  if ('failure' in r) throw new RtError('FFI', r.failure.message, r.failure.where);
  const calls = new Map<number, (args: unknown[]) => unknown>();
  for (const i of r.addresses.keys()) {
    const e = mod.externs[i];
    // A bool result is read as C's bool (the low byte); everything else is 64 bits wide.
    const fn = (open(e.lib) as Library).func(e.symbol, e.ret === 'b' ? 'uint8_t' : C_TYPE[e.ret], e.params.map((p) => C_TYPE[p] ?? 'int64_t'));
    const to = e.params.map((p) => TO_C[p] ?? TO_C.i), from = FROM_C[e.ret] ?? FROM_C.v;
    calls.set(i, (args) => {
      // A str result may point into a str argument's buffer: keep them alive until it is copied.
      const cargs = args.map((a, k) => to[k](a));
      inFlight = cargs;
      try { return from(fn(...cargs)); } finally { inFlight = null; }
    });
  }
  return (index, args) => calls.get(index)!(args);
}

/** Makes the TypeScript VM able to call extern functions (the driver does this once). */
export function installVmFfi(): void {
  setExternOpener(openForVm);
}
