// Tracebacks on every tier: the corpus programs lang_trace_* carry their expected stderr (the
// tier suites compare it on the VM, the native interpreter, the JIT and built executables);
// here the same programs run with interpreted and compiled frames mixed in one chain, and a
// stack overflow is reported at the call that overflowed, with the same chain everywhere.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';
import { PROGRAMS, runVM } from '../helpers/tiers.js';
import { maskDepth } from '../helpers/trace.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-trace-'));
const traced = fs.readdirSync(PROGRAMS).filter((f) => /^lang_trace_.*\.bp$/.test(f)).sort();

test('the traceback programs are there, each with its expected stderr', () => {
  assert.ok(traced.length >= 6, traced.join(' '));
  for (const f of traced) assert.match(fs.readFileSync(path.join(PROGRAMS, f.replace(/\.bp$/, '.stderr')), 'latin1'), /^traceback \(most recent call last\):\n/);
});

for (const f of traced) {
  test(`${f}: the same traceback with interpreted and compiled frames in one chain`, () => {
    const want = fs.readFileSync(path.join(PROGRAMS, f.replace(/\.bp$/, '.stderr')), 'latin1');
    for (const threshold of ['2', '5']) {
      const r = runCli(['run', f], { cwd: PROGRAMS, env: { BPJIT_JIT_THRESHOLD: threshold } });
      assert.is(r.stderr, want, `threshold ${threshold}`);
      assert.is(r.code, 1);
    }
  });
}

// Not a self-call in tail position (compiled code would run that as a loop, one frame).
const OVERFLOW = `def dive(n: int) -> int:
    if n < 0:
        return 0
    let below: int = dive(n + 1)
    return below * 2

def main() -> int:
    print("diving")
    print(dive(0))
    return 0
`;

test('stack overflow: at the call that overflowed, the same chain on every tier', () => {
  fs.writeFileSync(path.join(tmp, 'dive.bp'), OVERFLOW);
  const want = [
    'traceback (most recent call last):', '  dive.bp:9 in main', '  dive.bp:4 in dive', '  [the line above repeated N more times]',
    'error: stack overflow (at dive.bp:4)', '',
  ].join('\n');
  const vm = runVM('dive.bp', { cwd: tmp });
  assert.is(maskDepth(vm.stderr), want, 'vm');
  for (const [tier, args, env] of [['interp', ['--no-jit'], {}], ['jit', [], { BPJIT_JIT_THRESHOLD: '1' }]] as const) {
    const r = runCli(['run', ...args, 'dive.bp'], { cwd: tmp, env });
    assert.is(maskDepth(r.stderr), want, tier);
    assert.is(r.stdout, 'diving\n', tier);
    assert.is(r.code, 1, tier);
  }
  assert.is(runCli(['build', 'dive.bp', '-o', 'dive'], { cwd: tmp }).code, 0);
  const exe = spawnSync(path.join(tmp, 'dive'), { encoding: 'latin1' });
  assert.is(maskDepth(exe.stderr), want, 'aot');
  assert.is(exe.stdout, 'diving\n');
  assert.is(exe.status, 1);
});

test('a single frame prints no traceback', () => {
  fs.writeFileSync(path.join(tmp, 'one.bp'), 'def main() -> int:\n    let xs: [int] = [1]\n    print(xs[1])\n    return 0\n');
  const r = runCli(['run', 'one.bp'], { cwd: tmp });
  assert.is(r.stderr, 'error: array index out of bounds (at one.bp:3)\n');
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
