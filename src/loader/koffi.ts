// koffi, loaded on first use: a program that never gets hot should not pay for the FFI library
// (koffi is CommonJS, so it can be required synchronously from the VM's hot hook).
import type * as Koffi from 'koffi';
import { nodeRequire } from '../vm/memory.js';

/**
 * Where the bundled CLI finds koffi's native module, relative to itself (set by
 * scripts/bundle.mjs). koffi's own entry spends about 8 ms on every start finding that file —
 * it reads the Node binary's ELF headers to tell glibc from musl and resolves package exports;
 * the build has done that once. If the file is gone, koffi's entry finds it as usual.
 */
declare const BPJIT_KOFFI_NATIVE: string | undefined;

let mod: typeof Koffi | null = null;

export function koffi(): typeof Koffi {
  return (mod ??= direct() ?? (nodeRequire('koffi') as typeof Koffi));
}

function direct(): typeof Koffi | null {
  if (typeof BPJIT_KOFFI_NATIVE !== 'string') return null;
  try {
    const m = nodeRequire(BPJIT_KOFFI_NATIVE) as typeof Koffi;
    return typeof m.register === 'function' && typeof m.version === 'string' ? m : null;
  } catch {
    return null;
  }
}
