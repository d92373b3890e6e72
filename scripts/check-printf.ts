// The runtime's float formatter against glibc printf on a million doubles per conversion:
// `node dist/scripts/check-printf.js [--count N] [--seed S]`. Prints mismatches (at most 20) and
// a summary line; exit 1 on any mismatch. The test suite runs a sample of the same comparison.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runtimeFormat } from '../tests/helpers/fmt-harness.js';
import { printfOracle, sampleDoubles } from '../tests/helpers/printf.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const count = arg('count', 1_000_000), seed = arg('seed', 1);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-printf-'));
const oracle = printfOracle(tmp);
const bits = sampleDoubles(count, seed);
let mismatches = 0, checked = 0;
for (const [conv, prec] of [['g', 6], ['g', 17], ['e', 6], ['f', 6]] as const) {
  const t0 = Date.now();
  for (let at = 0; at < bits.length; at += 100_000) {
    const chunk = bits.slice(at, at + 100_000);
    const want = oracle(conv, prec, chunk), got = runtimeFormat(tmp, conv, prec, chunk);
    chunk.forEach((b, i) => {
      if (got[i] !== want[i] && mismatches++ < 20) console.log(`%.${prec}${conv} 0x${b.toString(16)}: runtime ${got[i]}, printf ${want[i]}`);
    });
    checked += chunk.length;
  }
  console.log(`%.${prec}${conv}: ${bits.length} doubles in ${Date.now() - t0} ms`);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`float formatting: ${checked} conversions checked against printf, ${mismatches} mismatches`);
process.exit(mismatches ? 1 : 0);
