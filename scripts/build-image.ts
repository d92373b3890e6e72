// Writes dist/native-image.bin: runtime-asm/runtime.o and the native interpreter linked for the
// in-process tier (see src/loader/image.ts). Part of `npm run build`.
import { IMAGE_FILE, buildImage, writeImage } from '../src/loader/image.js';

writeImage(IMAGE_FILE, buildImage());
