// The in-process JIT tier: programs give the same stdout, stderr and exit code with everything
// native (threshold 1) as on the plain VM; code pages are never writable and executable at once;
// the profile names functions kept in the VM with the reason.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, runNode } from '../helpers/child.js';
import { ROOT } from '../helpers/paths.js';
import { runVM } from '../helpers/tiers.js';
import { PAGE, Region } from '../../src/loader/memory.js';

const DIR = path.join(ROOT, 'tests/jit/programs');

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.bp')).sort();

test('JIT programs: same output with everything native as on the VM', () => {
  const batch = runNode([path.join(ROOT, 'dist/tests/helpers/native-batch.js'), DIR, '1', ...files]);
  const results = new Map(batch.stdout.split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l); return [r.file, r]; }));
  for (const f of files) {
    const jit = results.get(f);
    assert.ok(jit, `${f}: the JIT run died (exit ${batch.code}): ${batch.stderr.slice(0, 400)}`);
    const vm = runVM(f, { cwd: DIR });
    assert.is(jit.stdout, vm.stdout, `${f}: stdout`);
    assert.is(jit.stderr, vm.stderr, `${f}: stderr`);
    assert.is(jit.code, vm.code, `${f}: exit code`);
  }
});

test('JIT programs: the CLI gives the same result with --no-jit and BPJIT_JIT_THRESHOLD=1', () => {
  for (const f of ['errors.bp', 'exit.bp', 'overflow.bp']) {
    const vm = runCli(['run', '--no-jit', f], { cwd: DIR });
    const jit = runCli(['run', f], { cwd: DIR, env: { BPJIT_JIT_THRESHOLD: '1', BPJIT_JIT_LOG: '1' } });
    assert.is(jit.stdout, vm.stdout, `${f}: stdout`);
    assert.is(jit.code, vm.code, `${f}: exit code`);
    assert.ok(/compiled|native|osr/i.test(jit.stderr), `${f}: nothing went native: ${jit.stderr.slice(0, 300)}`);
    const own = jit.stderr.split('\n').filter((l) => !l.startsWith('[jit]')).join('\n');
    assert.is(own, vm.stderr, `${f}: error message`);
  }
});

test('the byte view of the code region grows with use, and every view sees the same memory', () => {
  const r = new Region(8 << 20);
  r.protect(0, 4 << 20, 'rw');
  const first = r.bytes(PAGE);
  assert.ok(first.length < 3 << 20, 'the first view is not the whole region');
  first[100] = 7;
  const grown = r.bytes((3 << 20) + 10);
  assert.ok(grown.length >= (3 << 20) + 10);
  grown[3 << 20] = 9;
  assert.is(grown[100], 7);
  assert.is(r.bytes(PAGE)[3 << 20], 9, 'a later request for a small view gets the grown one');
  assert.throws(() => r.bytes((8 << 20) + 1), /beyond the region/);
});

test('W^X: code pages are filled while read-write, then read+execute, never both', () => {
  const r = runNode([path.join(ROOT, 'dist/tests/jit/wx-probe.js'), path.join(DIR, 'calls.bp')]);
  assert.is(r.code, 0, r.stderr);
  const probe = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const log: { base: string; offset: number; length: number; prot: string }[] = probe.log;
  assert.ok(log.some((p) => p.prot === 'rx'), 'no code was installed');
  // Every protection is one of none/r/rw/rx, and a page becomes executable only after it was
  // writable (filled) — the loader never maps code writable and executable at once.
  const state = new Map<string, string>();
  for (const p of log) {
    assert.ok(['none', 'r', 'rw', 'rx'].includes(p.prot), `protection ${p.prot}`);
    for (let off = p.offset; off < p.offset + p.length; off += 4096) {
      const key = `${p.base}+${off}`;
      if (p.prot === 'rx') assert.ok(state.get(key) === 'rw' || state.get(key) === 'rx', `${key} made executable without being filled`);
      state.set(key, p.prot);
    }
  }
  assert.ok(probe.maps.length > 0, 'the code cache is not in /proc/self/maps');
  for (const perms of probe.maps) assert.ok(!(perms.includes('w') && perms.includes('x')), `a code cache mapping is ${perms}`);
});

/** The report line of function `name` in a profile's report. */
const reportLine = (stderr: string, name: string) => stderr.split('\n').find((l) => new RegExp(`^${name}\\b`).test(l)) ?? '';

test('profile: each function\'s tier, and why one stayed interpreted', () => {
  const out = '/tmp/bpjit-test-tiers.bpprof';
  const r = runCli(['profile', '-o', out, 'calls.bp'], { cwd: DIR });
  assert.is(r.code, 0, r.stderr);
  const data = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(out, { force: true });
  const hot = data.functions.filter((f: { calls: number }) => f.calls >= 100);
  assert.ok(hot.length > 0, 'no function was called 100 times');
  for (const f of data.functions) {
    assert.is(f.tier, f.calls >= 100 ? 'native' : 'interpreter', f.name);
    if (f.tier === 'interpreter') assert.is(f.reason, 'never hot');
  }
  assert.match(reportLine(r.stderr, hot[0].name), /native/);
});

test('profile: with the JIT every function goes native; with --no-jit each says the JIT is off', () => {
  const out = '/tmp/bpjit-test-kept.bpprof';
  // Native code takes every construct (maps, strings, secure_compare): every function goes native.
  const r = runCli(['profile', '-o', out, 'kept.bp'], { cwd: DIR, env: { BPJIT_JIT_THRESHOLD: '1' } });
  assert.is(r.code, 0, r.stderr);
  assert.match(reportLine(r.stderr, 'words'), /native/);
  assert.match(reportLine(r.stderr, 'square'), /native/);
  const data = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.ok(JSON.stringify(data).includes('words'));
  const off = runCli(['profile', '--no-jit', '-o', out, 'kept.bp'], { cwd: DIR });
  assert.is(off.code, 0, off.stderr);
  assert.match(reportLine(off.stderr, 'words'), /interpreter: the JIT is off/);
  fs.rmSync(out, { force: true });
});

test('a frame larger than the stack left is a stack overflow on every tier, never a write past it', () => {
  // 40,000 registers all live at once (the base case sums them): 320 KB a frame, more than the
  // margin the stack keeps below its limit.
  const n = 40_000;
  const lets = Array.from({ length: n }, (_, i) => `    let v${i}: int = k + ${i}`).join('\n');
  const sum = Array.from({ length: n }, (_, i) => `v${i}`).join(' + ');
  const src = `def wide(k: int) -> int:\n${lets}\n    if k == 0:\n        return ${sum}\n    return wide(k - 1) + v0\n\ndef main() -> int:\n    print(wide(2000))\n    return 0\n`;
  const file = path.join(process.env.TMPDIR ?? '/tmp', 'bpjit-wide.bp');
  fs.writeFileSync(file, src);
  try {
    for (const mode of [['--vm'], ['--no-jit'], ['--jit-threshold', '1']]) {
      const r = runCli(['run', '-A', 'W0001', ...mode, file]);
      assert.is(r.code, 1, `${mode.join(' ')}: ${r.stderr.slice(-300)}`);
      assert.match(r.stderr, /error: stack overflow \(at .*bpjit-wide\.bp:\d+\)\n$/, mode.join(' '));
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test.run();
