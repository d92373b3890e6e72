// The collector in the in-process tier (the runtime's heap, shared by the native interpreter and
// compiled code): 10 GB allocated with a 10 MB live set in bounded memory (the kernel's peak
// resident size, reported by BPJIT_STATS=1), and programs whose data survives collections give
// the VM's output — interpreted and with every function compiled at its first call.
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';
import { GC_PROGRAMS, churnTotal } from '../helpers/paths.js';

const program = (name: string) => path.join(GC_PROGRAMS, `${name}.bp`);

/** Peak resident memory in MB from a BPJIT_STATS=1 run's stderr. */
function peakMb(stderr: string): number {
  const m = /\[stats\] peak memory (\d+) kB, (\d+) collections/.exec(stderr);
  assert.ok(m, `no statistics in: ${stderr.slice(0, 300)}`);
  return Number(m![1]) / 1024;
}

test('10 GB allocated with a 10 MB live set, compiled: under 250 MB resident, Node included', () => {
  const r = runCli(['run', '--jit-threshold', '1', program('churn'), '--', '5000000'], { env: { BPJIT_STATS: '1' } });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, `${churnTotal(5_000_000)}\n`);
  const mb = peakMb(r.stderr);
  assert.ok(mb < 250, `peak ${mb} MB`);
  assert.ok(Number(/(\d+) collections/.exec(r.stderr)![1]) > 100, 'the collector hardly ran');
});

test('2 GB allocated in the interpreter: the same bound', () => {
  const r = runCli(['run', '--no-jit', program('churn'), '--', '1000000'], { env: { BPJIT_STATS: '1' } });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, `${churnTotal(1_000_000)}\n`);
  assert.ok(peakMb(r.stderr) < 250);
});

for (const name of ['deep', 'deepstruct', 'scatter']) {
  test(`${name}: the VM's output, interpreted and compiled`, () => {
    const vm = runCli(['run', '--vm', program(name)]);
    assert.is(vm.code, 0, vm.stderr);
    for (const mode of [['--no-jit'], ['--jit-threshold', '1']]) {
      const r = runCli(['run', ...mode, program(name)]);
      assert.is(r.stdout, vm.stdout, mode.join(' '));
      assert.is(r.code, 0, r.stderr);
    }
  });
}

test.run();
