// Locations every suite needs. Tests run from dist/tests/..., so the root is found from here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the directory holding package.json). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** ../shared beside the checkout: spec, benchmarks, reference timings. */
export const SHARED = path.resolve(ROOT, '../shared');
/** The CLI entry, for end-to-end tests. */
export const BPJIT = path.join(ROOT, 'bin/bpjit');
