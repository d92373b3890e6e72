// Long front-end fuzz run: `npm run fuzz:front -- [--count N] [--seed S]` (fresh seed by default).
// Prints the outcome; saves the first crashing mutant to /tmp/bpjit-fuzz-crash.bp.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILE_HOST } from '../src/lang/loader.js';
import { fuzzFront } from '../tests/helpers/fuzz-front.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const count = arg('count', 100000);
const seed = arg('seed', Date.now() % 2 ** 31);
const dirs = [path.join(root, 'tests/programs'), path.join(root, 'tests/bench')];
const seeds = dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.bp')).map((f) => path.join(d, f)) : []))
  .map((f) => ({ path: f, text: fs.readFileSync(f).toString('latin1') }));
const t0 = Date.now();
const r = fuzzFront(seeds, count, seed, (p) => FILE_HOST.read(p));
console.log(`front-end fuzz: seed ${seed}, ${count} mutants of ${seeds.length} programs in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${r.clean} clean, ${r.rejected} rejected, ${r.crashes.length} internal errors`);
if (r.crashes.length) {
  fs.writeFileSync('/tmp/bpjit-fuzz-crash.bp', r.crashes[0].text);
  console.log(`first crash saved to /tmp/bpjit-fuzz-crash.bp:\n${r.crashes[0].error}`);
  process.exit(1);
}
