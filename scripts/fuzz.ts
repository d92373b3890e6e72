// The differential fuzzer on demand: `npm run fuzz -- [--sources N] [--bpc M] [--seed S]`
// (defaults 1,000, 200 and a fresh seed). Mutants of the corpus through the front end and every
// tier, corrupted .bpc files through the verifier and every tier (tests/helpers/fuzz-run.ts);
// prints the counts and every problem, keeps each problem's program in tests/fuzz/regress (where
// the tests run it from then on), and exits 1 when there was one.
import { fuzzTiers, keep } from '../tests/helpers/fuzz-run.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const sources = arg('sources', 1000);
const bpc = arg('bpc', 200);
const seed = arg('seed', Date.now() % 2 ** 31);
const t0 = Date.now();
let shown = 0;
const { counts, problems, notes } = fuzzTiers({
  sources, bpc, seed,
  progress: (c, found) => {
    for (; shown < found.length; shown++) console.log(`problem: ${found[shown].origin}\n  ${found[shown].problems.join('\n  ')}`);
    const done = c.sources + c.bpc;
    if (done % 100 === 0) console.log(`... ${done} of ${sources + bpc} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  },
});
const secs = ((Date.now() - t0) / 1000).toFixed(0);
console.log(`fuzz: seed ${seed}, ${secs} s`);
console.log(`  ${counts.sources} source mutants: ${counts.rejected} rejected by the front end, ${counts.ran} run on every tier (${counts.loops} of them loop on every tier)`);
console.log(`  ${counts.bpc} .bpc mutants: ${counts.unreadable} unreadable, ${counts.unverified} rejected by the verifier, ${counts.bpcRan} run on every tier`);
console.log(`  ${counts.tracebacks} programs whose tracebacks differ between tiers (error lines alike; not counted as problems)`);
for (const n of notes.slice(0, 20)) console.log(`    ${n}`);
console.log(`  ${problems.length} problems`);
problems.forEach((p, i) => console.log(`kept: ${keep(p, `seed${seed}-${i}`)}`));
process.exit(problems.length ? 1 : 0);
