// Every program of tests/programs on the VM: exact stdout, exit code and (where given) stderr.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROGRAMS, compare, corpus, runVM } from '../helpers/tiers.js';

const programs = corpus();

test('the corpus is there', () => {
  assert.ok(programs.length >= 100, `only ${programs.length} programs in tests/programs`);
});

for (const p of programs) {
  test(`vm: ${p.name}`, () => {
    const got = runVM(p.file, { cwd: PROGRAMS, args: p.args, stdin: p.stdin });
    const diff = compare('vm', p, got);
    assert.ok(diff === '', diff);
  });
}

test.run();
