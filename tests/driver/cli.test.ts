// The command line end to end: .bpc files (round trip; truncated, corrupted and wrong-version
// files rejected cleanly), disasm, profile outputs (JSON and folded stacks), recursion depth,
// --help on every command and usage errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';
import { ROOT } from '../helpers/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-cli-'));
const PROGRAMS = path.join(ROOT, 'tests/programs');
const noStackTrace = (s: string) => !/\n\s+at .*:\d+:\d+/.test(s) && !/internal error/.test(s);

test('compile writes a .bpc that runs like the source', () => {
  const out = path.join(tmp, 'structs.bpc');
  const c = runCli(['compile', 'lang_structs.bp', '-o', out], { cwd: PROGRAMS });
  assert.is(c.code, 0, c.stderr);
  const r = runCli(['run', out], { cwd: PROGRAMS });
  assert.is(r.stdout, fs.readFileSync(path.join(PROGRAMS, 'lang_structs.expected'), 'latin1'));
  assert.is(r.code, 0);
});

test('a truncated, corrupted, wrong-version or foreign .bpc is rejected with a clear error', () => {
  const good = fs.readFileSync(path.join(tmp, 'structs.bpc'));
  const variants: Record<string, [Buffer, RegExp]> = {
    truncated: [good.subarray(0, good.length >> 1), /truncated/],
    corrupted: [Buffer.from(good.map((b, i) => (i === good.length >> 1 ? b ^ 0x55 : b))), /corrupted/],
    version: [Buffer.from(good.map((b, i) => (i === 4 ? 99 : b))), /unsupported \.bpc version 99/],
    foreign: [Buffer.from('#!/bin/sh\necho hello\n'), /not a bpjit \.bpc file/],
  };
  for (const [name, [bytes, message]] of Object.entries(variants)) {
    const f = path.join(tmp, `${name}.bpc`);
    fs.writeFileSync(f, bytes);
    const r = runCli(['run', f]);
    assert.is(r.code, 1, `${name}: exit ${r.code}`);
    assert.match(r.stderr, message, name);
    assert.ok(noStackTrace(r.stderr), `${name}: ${r.stderr}`);
  }
});

test('disasm prints one function with its source lines; an unknown one is listed as an error', () => {
  const r = runCli(['disasm', 'lang_recursion.bp', '--fn', 'main'], { cwd: PROGRAMS });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^function main \(arity 0\) -> /m);
  assert.match(r.stdout, /; lang_recursion\.bp:\d+ /);
  assert.not.match(r.stdout, /^function (?!main)/m);
  const bad = runCli(['disasm', 'lang_recursion.bp', '--fn', 'nope'], { cwd: PROGRAMS });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /no function 'nope' \(functions: .*main/);
});

test('profile: report, JSON profile and folded stacks', () => {
  fs.writeFileSync(path.join(tmp, 'prof.bp'), `def work(n: int) -> int:
    let s: int = 0
    for i in range(0, n):
        s = s + i % 7
    return s

def main() -> int:
    let t: int = 0
    for k in range(0, 300):
        t = t + work(2000)
    print(t)
    return 0
`);
  const json = path.join(tmp, 'prof.json'), folded = path.join(tmp, 'prof.folded');
  const r = runCli(['profile', 'prof.bp', '--no-jit', '-o', json, '--folded', folded], { cwd: tmp });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, `${300 * [...Array(2000).keys()].reduce((s, i) => s + (i % 7), 0)}\n`);
  assert.match(r.stderr, /^work\s+\d+\.\d%\s+\d+\s+300\s+\d+\s+-\s+vm: the JIT is off/m);
  assert.match(r.stderr, /work line 3: \d+ trips/);
  const data = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.ok(JSON.stringify(data).includes('"work"'));
  const lines = fs.readFileSync(folded, 'utf8').trim().split('\n');
  assert.ok(lines.length > 0 && lines.every((l) => /^[\w.$;]+ \d+$/.test(l)), lines.slice(0, 3).join(' | '));
  assert.ok(lines.some((l) => l.startsWith('main;work ')), lines.join(' | '));
});

test('recursion is limited by memory: 100,000 nested calls run on the VM', () => {
  fs.writeFileSync(path.join(tmp, 'deep.bp'), `def depth(n: int) -> int:
    if n == 0:
        return 0
    return depth(n - 1) + 1

def main() -> int:
    print(depth(100000))
    return 0
`);
  const r = runCli(['run', '--no-jit', 'deep.bp'], { cwd: tmp });
  assert.is(r.stdout, '100000\n', r.stderr);
  assert.is(r.code, 0);
});

test('every command has --help; bad usage exits 2; a missing file exits 1', () => {
  for (const cmd of ['run', 'profile', 'build', 'check', 'compile', 'disasm']) {
    const r = runCli([cmd, '--help']);
    assert.is(r.code, 0, cmd);
    assert.match(r.stdout, new RegExp(`bpjit ${cmd}`), cmd);
  }
  const u = runCli(['run', 'x.bp', '--no-such-option']);
  assert.is(u.code, 2);
  assert.match(u.stderr, /bpjit: error:/);
  const m = runCli(['run', path.join(tmp, 'missing.bp')]);
  assert.is(m.code, 1);
  assert.match(m.stderr, /missing\.bp/);
  assert.ok(noStackTrace(m.stderr));
});

test('the CLI starts from the code cache the build recorded, and loads koffi directly', () => {
  // BPJIT_DEBUG makes bin/bpjit say when V8 turns the cache down (a rebuilt bundle, another Node).
  const r = runCli(['run', '--jit-threshold', '1', 'lang_recursion.bp'], { cwd: PROGRAMS, env: { BPJIT_DEBUG: '1' } });
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, /code cache/);
  const bundle = fs.readFileSync(path.join(ROOT, 'dist/src/driver/bpjit.cjs'), 'latin1');
  const native = /nodeRequire\("(\.\/[^"]+\.node)"\)/.exec(bundle);
  assert.ok(native && fs.existsSync(path.join(ROOT, 'dist/src/driver', native[1])), 'koffi native module path');
});

test('--version prints the version in package.json', () => {
  const r = runCli(['--version']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
