// The larger randomized encoder sweep: `npm run fuzz:x64 -- [--seed N] [--per-form N] [--golden]`
// (fresh seed by default). Prints the summary line; appends every mismatching case to
// tests/x64/regress.txt (the normal suite replays that file). --golden rewrites the committed
// golden listing used when nasm is not installed (for the normal suite's fixed seed).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { checkWithNasm, generateCases, casesFromText } from '../src/x64/conformance.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const regress = path.join(root, 'tests/x64/regress.txt');
if (process.argv.includes('--golden')) {
  const cases = [...generateCases(20261124, 60), ...casesFromText(fs.readFileSync(regress, 'utf8').split('\n'))];
  const { listing } = checkWithNasm(cases);
  const text = cases.map((c, i) => `${c.text}\t${listing.get(i + 2) ?? ''}`).join('\n') + '\n';
  fs.writeFileSync(path.join(root, 'tests/x64/golden/cases.txt.gz'), zlib.gzipSync(text, { level: 9 }));
  console.log(`golden listing written: ${cases.length} cases`);
} else {
  const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
  const perForm = Number(arg('per-form') ?? 400);
  const t0 = Date.now();
  const cases = generateCases(seed, perForm, true);
  const { mismatches } = checkWithNasm(cases);
  for (const m of mismatches.slice(0, 20)) console.log(`line ${m.line}: ${m.text}  nasm=${m.nasm} ours=${m.ours}`);
  console.log(`encoder conformance: ${cases.length} forms checked against nasm, ${mismatches.length} mismatches (seed ${seed}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (mismatches.length) {
    fs.appendFileSync(regress, mismatches.map((m) => m.text).join('\n') + '\n');
    process.exit(1);
  }
}
