// The ELF part: reading relocatable objects, linking executables.
export { ElfError, STT, readObject } from './elf.js';
export type { ObjectFile } from './elf.js';
export { codeSection, dataSection, link, sectionsOfObject } from './link.js';
export type { InputSection, LinkedImage } from './link.js';
