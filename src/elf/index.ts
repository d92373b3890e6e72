// The ELF part: reading relocatable objects, linking executables, whole-program builds.
export { ElfError, STT, readObject } from './elf.js';
export type { ObjectFile } from './elf.js';
export { codeSection, dataSection, link, sectionsOfObject } from './link.js';
export type { InputSection, LinkedImage } from './link.js';
export { RUNTIME_OBJECT, buildProgram, reachableFunctions } from './program.js';
export type { NotLowered } from './program.js';
