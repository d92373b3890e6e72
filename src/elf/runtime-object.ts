// Where the prebuilt runtime object lives: runtime-asm/runtime.o, checked in beside dist/ (see
// scripts/build-runtime.sh). Executables link it; the in-process tier loads it.
// `npm run build` also saves its sections as linker input, decoded (dist/runtime-sections.bin,
// see elf/pack.ts), stamped with runtime.o's size and modification time: bpjit build reads that
// unless runtime.o has changed since.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readObject, sectionsOfObject, type InputSection } from './index.js';
import { packSections, unpackSections } from './pack.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RUNTIME_OBJECT = path.resolve(here, '../../../runtime-asm/runtime.o');
export const RUNTIME_SECTIONS = path.resolve(here, '../../runtime-sections.bin');

function stamp(): string {
  const st = fs.statSync(RUNTIME_OBJECT);
  return `${st.size} ${st.mtimeMs}`;
}

/** The runtime object's sections, decoded from runtime.o. */
export function parseRuntimeSections(runtime: Uint8Array = fs.readFileSync(RUNTIME_OBJECT)): InputSection[] {
  return sectionsOfObject(readObject('runtime.o', runtime));
}

/**
 * The runtime object's sections (fresh objects at every call: the caller may change them), from
 * `file` when it was packed from runtime.o as it is now.
 */
export function runtimeSections(file = RUNTIME_SECTIONS): InputSection[] {
  let packed: Uint8Array | undefined;
  try {
    packed = fs.readFileSync(file);
  } catch {
    // Not built: decode runtime.o.
  }
  const saved = packed && unpackSections(packed);
  return saved && saved.stamp === stamp() ? saved.sections : parseRuntimeSections();
}

/** Saves the runtime object's sections for runtimeSections (at build time). */
export function writeRuntimeSections(file = RUNTIME_SECTIONS): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, packSections(parseRuntimeSections(), stamp()));
}
