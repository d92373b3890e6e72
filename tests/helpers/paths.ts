// Locations every suite needs. Tests run from dist/tests/..., so the root is found from here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the directory holding package.json). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The public benchmarks (with their C and Python peers and the reference timings). */
export const BENCH = path.join(ROOT, 'tests/bench');
/** The CLI entry, for end-to-end tests. */
export const BPJIT = path.join(ROOT, 'bin/bpjit');
/** Programs for the collector's tests (tests/elf/gc, tests/jit/gc). */
export const GC_PROGRAMS = path.join(ROOT, 'tests/gc');

/** What tests/gc/churn.bp prints for `rounds`. */
export function churnTotal(rounds: number): string {
  const n = BigInt(rounds);
  return `${(n * (n - 1n)) / 2n + 2n * n + 3n * ((n + 999n) / 1000n)}`;
}
