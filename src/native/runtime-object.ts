// Where the prebuilt runtime object lives: runtime-asm/runtime.o, checked in beside dist/ (see
// scripts/build-runtime.sh). Executables link it; the in-process tier loads it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RUNTIME_OBJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../runtime-asm/runtime.o');
