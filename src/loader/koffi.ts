// koffi, loaded on first use: a program that never gets hot should not pay for the FFI library
// (koffi is CommonJS, so it can be required synchronously from the VM's hot hook).
import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

let mod: typeof Koffi | null = null;

export function koffi(): typeof Koffi {
  return (mod ??= createRequire(import.meta.url)('koffi') as typeof Koffi);
}
