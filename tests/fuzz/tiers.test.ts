// The differential fuzzer, briefly (scripts/fuzz.ts runs it for long): seeded mutants of the
// corpus and corrupted .bpc files through every tier, without a signal death, an internal error,
// a hang or tiers that disagree; and every program the fuzzer ever found a problem with
// (tests/fuzz/regress) on every tier again.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REGRESS, callsNondeterministic, front, fuzzTiers, workDir } from '../helpers/fuzz-run.js';
import { readBpc } from '../../src/bytecode/bpc.js';
import { TIMEOUT_MS, judge, trial, type TierRun } from '../helpers/fuzz-tiers.js';

test('a short seeded run: source and .bpc mutants until two of each ran on every tier, no problem', () => {
  const { counts, problems } = fuzzTiers({ sources: 200, bpc: 200, seed: 20261207, rejectedEvery: 8, enough: 2 });
  assert.equal(problems.map((p) => `${p.origin}: ${p.problems.join('; ')}`), []);
  assert.ok(counts.ran === 2 && counts.rejected > 0 && counts.bpcRan === 2, JSON.stringify(counts));
});

const run = (tier: string, over: Partial<TierRun> = {}): TierRun => ({ tier, code: 0, signal: null, stdout: 'x\n', stderr: '', timedOut: false, ms: 500, ...over });
const judged = (...runs: TierRun[]) => judge(runs).problems.join('\n');

test('the oracle: signal deaths, internal errors, hangs and disagreements are problems; a status is an answer', () => {
  assert.match(judged(run('vm'), run('exe', { signal: 'SIGSEGV', code: -1 })), /exe: killed by SIGSEGV/);
  assert.match(judged(run('vm', { code: 1 }), run('exe', { code: 70, stderr: 'internal error: signal 11\n' })), /exe: internal error/);
  assert.match(judged(run('vm', { code: 70, stderr: 'bpjit: internal error: x\n' }), run('exe', { code: 70, stderr: 'bpjit: internal error: x\n' })), /vm: internal error/);
  assert.match(judged(run('exe', { ms: 20 }), run('vm', { timedOut: true, ms: TIMEOUT_MS })), /vm: still running/);
  assert.match(judged(run('vm'), run('exe', { stdout: 'y\n' })), /vm and exe disagree \(stdout\)/);
  assert.match(judged(run('vm', { code: 141 }), run('exe', { code: 0 })), /disagree \(exit 141 vs 0\)/);
  // exit(70), exit(255), a broken pipe's 141, a program that loops on every tier: answers, alike
  for (const code of [70, 141, 254, 255]) assert.is(judged(run('vm', { code }), run('exe', { code })), '', String(code));
  assert.is(judged(run('exe', { timedOut: true }), run('vm', { timedOut: true })), '');
  // out of memory, one tier a step later, at the same line or the next (how big its values are is
  // its own): a note, not a problem
  const oom = { code: 1, stderr: 'error: out of memory (at m.bp:8)\n' };
  assert.is(judged(run('exe', { ...oom, stdout: '1\n2\n' }), run('vm', { ...oom, stdout: '1\n2\n4\n' })), '');
  const later = judge([run('exe', { ...oom, stdout: '1\n' }), run('vm', { code: 1, stderr: 'error: out of memory (at m.bp:9)\n', stdout: '1\n' })]);
  assert.equal(later.problems, []);
  assert.match(later.notes.join('\n'), /out of memory at another step/);
  assert.match(judged(run('exe', { ...oom, stdout: '1\n3\n' }), run('vm', { ...oom, stdout: '1\n2\n4\n' })), /disagree \(stdout\)/);
  assert.match(judged(run('exe', { ...oom, stdout: '1\n' }), run('vm', { stdout: '1\n2\n' })), /disagree/);
  // a library the executable's dynamic loader cannot find: the other tiers' FFI error at start-up
  const loader = { code: 127, stdout: '', stderr: 'm.exe: error while loading shared libraries: libz.so.9: cannot open shared object file: No such file or directory\n' };
  assert.is(judged(run('exe', loader), run('vm', { code: 1, stdout: '', stderr: "error: FFI: cannot load library 'libz.so.9' (at m.bp:1)\n" })), '');
  assert.match(judged(run('exe', loader), run('vm', { code: 0 })), /disagree/);
  // a program that calls C whose C code crashed (a pointer freed twice): a note, no agreement asked
  const crashed = judge([run('exe', { signal: 'SIGABRT', code: -1, stdout: '' }), run('vm')], false, true);
  assert.equal(crashed.problems, []);
  assert.match(crashed.notes.join('\n'), /C code died: exe of SIGABRT/);
  assert.match(judged(run('vm'), run('exe', { stdout: 'y\n' })), /disagree/);
  assert.match(judge([run('vm'), run('exe', { stdout: 'y\n' })], false, true).problems.join('\n'), /disagree/);
  // a program that prints the clock or random bytes: no agreement asked, but no signal death either
  assert.is(judge([run('vm'), run('exe', { stdout: 'y\n', code: 1 })], true).problems.join('\n'), '');
  assert.match(judge([run('vm'), run('exe', { signal: 'SIGSEGV', code: -1 })], true).problems.join('\n'), /exe: killed by SIGSEGV/);
  assert.ok(callsNondeterministic('print(random_bytes(8))') && callsNondeterministic('let t: int = clock_ms()'));
  assert.not.ok(callsNondeterministic('print(my_random_bytes_count)'));
});

const kept = fs.existsSync(REGRESS) ? fs.readdirSync(REGRESS).filter((f) => /\.bpc?$/.test(f)).sort() : [];

for (const f of kept) {
  test(`regression ${f}: every tier alike`, () => {
    const dir = workDir();
    try {
      const file = path.join(dir, f);
      fs.copyFileSync(path.join(REGRESS, f), file);
      const base = path.join(REGRESS, f.replace(/\.bpc?$/, ''));
      const args = fs.existsSync(`${base}.args`) ? fs.readFileSync(`${base}.args`, 'utf8').split('\n').filter((a, i, all) => i < all.length - 1 || a) : [];
      const stdin = fs.existsSync(`${base}.stdin`) ? fs.readFileSync(`${base}.stdin`) : undefined;
      if (f.endsWith('.bp')) assert.is(front(file, fs.readFileSync(file).toString('latin1')).crash, undefined);
      const bytes = fs.readFileSync(file);
      let nondeterministic = false;
      try {
        nondeterministic = callsNondeterministic(f.endsWith('.bp') ? bytes.toString('latin1') : readBpc(bytes));
      } catch {
        // (a .bpc kept because reading it failed: its tiers refuse it alike)
      }
      assert.equal(trial(file, { dir, args, stdin, nondeterministic }).problems, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
