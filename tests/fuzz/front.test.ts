// Thousands of mutants of the corpus and the benchmarks: each compiles cleanly or is rejected
// with diagnostics — never an internal error. scripts/fuzz-front.ts runs the same for longer.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fuzzFront } from '../helpers/fuzz-front.js';
import { FILE_HOST } from '../../src/lang/loader.js';
import { BENCH } from '../helpers/paths.js';
import { PROGRAMS } from '../helpers/tiers.js';

function seeds(): { path: string; text: string }[] {
  const files: string[] = [];
  for (const dir of [PROGRAMS, BENCH]) {
    if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir)) if (f.endsWith('.bp')) files.push(path.join(dir, f));
  }
  return files.map((f) => ({ path: f, text: fs.readFileSync(f).toString('latin1') }));
}

test('3,000 seeded mutants give a clean result or diagnostics, never an internal error', () => {
  const s = seeds();
  assert.ok(s.length >= 5, 'no seed programs found');
  const r = fuzzFront(s, 3000, 20261124, (p) => FILE_HOST.read(p));
  if (r.crashes.length) {
    fs.writeFileSync('/tmp/bpjit-fuzz-crash.bp', r.crashes[0].text);
    assert.unreachable(`${r.crashes.length} crashes; first (saved to /tmp/bpjit-fuzz-crash.bp): ${r.crashes[0].error}`);
  }
  assert.is(r.clean + r.rejected, 3000);
  assert.ok(r.rejected > 1000 && r.clean > 50, `mutants should mostly be rejected, some accepted: ${JSON.stringify({ clean: r.clean, rejected: r.rejected })}`);
});

test.run();
