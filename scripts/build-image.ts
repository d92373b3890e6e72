// Writes dist/native-image.bin: runtime-asm/runtime.o and the native interpreter linked for the
// in-process tier (see src/loader/image.ts); and dist/runtime-sections.bin, runtime.o's sections
// decoded for bpjit build (see src/elf/runtime-object.ts). Part of `npm run build`.
import { IMAGE_FILE, buildImage, writeImage } from '../src/loader/image.js';
import { writeRuntimeSections } from '../src/elf/runtime-object.js';

writeImage(IMAGE_FILE, buildImage());
writeRuntimeSections();
