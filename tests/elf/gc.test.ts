// The native heap and its collector, in built executables, each run under an address-space limit
// (ulimit -v) so that memory the collector fails to reclaim ends the run: 10 GB allocated with a
// 10 MB live set, arrays kept alive only by deep recursion while collections run, and a live set
// that outgrows the limit ending with the out-of-memory runtime error. The programs are
// tests/gc/*.bp; tests/jit/gc.test.ts runs them in the in-process tier.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, runProcess } from '../helpers/child.js';
import { GC_PROGRAMS, churnTotal } from '../helpers/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-gc-'));

function buildAndRun(name: string, limitKb: number, args: string[] = []) {
  const b = runCli(['build', path.join(GC_PROGRAMS, `${name}.bp`), '-o', path.join(tmp, name)]);
  assert.is(b.code, 0, b.stderr);
  return runProcess('bash', ['-c', `ulimit -v ${limitKb}; exec ./${name} ${args.join(' ')}`], { cwd: tmp });
}

/** The program's output on the TypeScript VM. */
const onVm = (name: string) => runCli(['run', '--vm', path.join(GC_PROGRAMS, `${name}.bp`)]);

test('10 GB allocated with a 10 MB live set runs in 100 MB of address space', () => {
  const r = buildAndRun('churn', 100_000, ['5000000']);
  assert.is(r.stderr, '');
  assert.is(r.stdout, `${churnTotal(5_000_000)}\n`);
  assert.is(r.code, 0);
});

test('arrays held only by deep frames survive collections made deeper down', () => {
  const r = buildAndRun('deep', 200_000);
  assert.is(r.stderr, '');
  assert.is(r.stdout, `${40 * 3000 * 3001}\n`);
  assert.is(r.code, 0);
});

for (const name of ['deepstruct', 'scatter']) {
  test(`${name}: survives collections with the same output as the VM`, () => {
    const r = buildAndRun(name, 200_000);
    const vm = onVm(name);
    assert.is(vm.code, 0, vm.stderr);
    assert.is(r.stdout, vm.stdout);
    assert.is(r.stderr, '');
    assert.is(r.code, 0);
  });
}

test('a live set that outgrows memory ends with the out-of-memory error, not a crash', () => {
  const r = buildAndRun('hold', 300_000);
  assert.is(r.stdout, 'start\n');
  const file = path.join(GC_PROGRAMS, 'hold.bp');
  assert.ok(r.stderr.startsWith(`traceback (most recent call last):\n  ${file}:10 in main\n  ${file}:6 in hold\n`), r.stderr);
  assert.ok(r.stderr.endsWith(`  ${file}:3 in hold\nerror: out of memory (at ${file}:3)\n`), r.stderr);
  assert.is(r.code, 1);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
