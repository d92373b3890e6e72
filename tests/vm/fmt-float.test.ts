// The VM's float formatting against glibc's printf (a small C program compiled here): %g, %e
// and %f at several precisions over edge cases, the spec's examples and tie cases, and a seeded
// sample of random doubles (needs gcc). scripts/check-printf.ts runs a million.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatFloat, formatG } from '../../src/vm/fmt-float.js';
import { printfOracle, sampleDoubles } from '../helpers/printf.js';
import { needs } from '../helpers/tools.js';

test('the spec examples (§4.5), including the glibc tie cases', () => {
  const cases: [number, string][] = [
    [0.1 + 0.2, '0.3'], [1 / 3, '0.333333'], [2 / 3, '0.666667'], [100, '100'], [1e5, '100000'], [1e6, '1e+06'], [123456, '123456'],
    [1234567, '1.23457e+06'], [999999.4, '999999'], [999999.5, '1e+06'], [0.0001, '0.0001'], [1e-5, '1e-05'], [0.000012345, '1.2345e-05'],
    [12345.678, '12345.7'], [3.14159265358979, '3.14159'], [1e100, '1e+100'], [1.5e-10, '1.5e-10'], [123456789, '1.23457e+08'],
    [4.9e-324, '4.94066e-324'], [1.7976931348623157e308, '1.79769e+308'], [2, '2'], [-2.5, '-2.5'], [1e21, '1e+21'],
    [123456.5, '123456'], [1234565, '1.23456e+06'], [100000.5, '100000'], [100001.5, '100002'], [12345650, '1.23456e+07'],
    [1234575, '1.23458e+06'], [1.0000015, '1'], [-0, '-0'], [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'],
  ];
  for (const [x, want] of cases) assert.is(formatG(x), want, String(x));
  const negNaN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0];
  assert.is(formatG(negNaN), '-nan');
});

needs(test, 'gcc')('agrees with glibc printf on 20,000 doubles in %g, %e and %f at several precisions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-printf-'));
  try {
    const oracle = printfOracle(dir);
    const vals = sampleDoubles(20000, 99);
    const f = new Float64Array(1), u = new BigUint64Array(f.buffer);
    let bad = 0;
    const first: string[] = [];
    for (const [conv, prec] of [['g', 6], ['g', 1], ['g', 17], ['e', 6], ['e', 0], ['f', 6], ['f', 0], ['g', 3]] as const) {
      const want = oracle(conv, prec, vals);
      vals.forEach((v, i) => {
        u[0] = v;
        const got = formatFloat(f[0], conv, prec);
        if (got !== want[i]) { bad++; if (first.length < 5) first.push(`%.${prec}${conv} of ${v.toString(16)}: printf ${want[i]}, ours ${got}`); }
      });
    }
    assert.equal(first, []);
    assert.is(bad, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
