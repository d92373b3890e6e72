// The commands end to end: .bpc files (round trip; truncated, corrupted and wrong-version
// files rejected cleanly), disasm, profile outputs (JSON and folded stacks), recursion depth,
// missing files, and how the CLI starts (code cache, bundle). The command line's rules are in
// command-line.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, runNode } from '../helpers/child.js';
import { BPJIT, ROOT } from '../helpers/paths.js';

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
  const r = runCli(['profile', '--no-jit', '-o', json, '--folded', folded, 'prof.bp'], { cwd: tmp });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, `${300 * [...Array(2000).keys()].reduce((s, i) => s + (i % 7), 0)}\n`);
  assert.match(r.stderr, /^work\s.*\s300\s.*interpreter: the JIT is off/m);
  assert.match(r.stderr, new RegExp(`^\\s+[\\d.]*\\s+[\\d.]*\\s+${(300 * 2000).toLocaleString('en-US')}\\s+3\\s+ for i in range\\(0, n\\):\\s+# loop: ${(300 * 1999).toLocaleString('en-US')} trips$`, 'm'));
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

test('a missing file exits 1 with its name and no stack trace', () => {
  for (const cmd of ['run', 'profile', 'build', 'check', 'compile', 'disasm']) {
    const m = runCli([cmd, path.join(tmp, 'missing.bp')]);
    assert.is(m.code, 1, cmd);
    assert.match(m.stderr, /^bpjit: error: cannot open '.*missing\.bp': no such file$/m, cmd);
    assert.ok(noStackTrace(m.stderr), m.stderr);
  }
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

test('the bundle holds yargs and loads only koffi and Node\'s own modules', () => {
  const bundle = fs.readFileSync(path.join(ROOT, 'dist/src/driver/bpjit.cjs'), 'latin1');
  const required = new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
  assert.equal([...required].filter((m) => !m.startsWith('node:') && !['fs', 'path', 'util', 'url', 'os', 'module', 'koffi'].includes(m)), []);
  assert.ok(bundle.includes('halt-at-non-option'), 'yargs is not in the bundle');
});

test('starting a command creates no Intl.Segmenter and loads no node:assert (what made yargs slow)', () => {
  // A preload that makes both fail loudly: the commands must not notice.
  const preload = path.join(tmp, 'trap.cjs');
  fs.writeFileSync(preload, `Intl.Segmenter = class { constructor() { throw new Error('Intl.Segmenter created'); } };
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'assert' || request === 'node:assert') throw new Error('node:assert loaded');
  return load.call(this, request, ...rest);
};
`);
  fs.writeFileSync(path.join(tmp, 'hi.bp'), 'def main() -> int:\n    print("hi")\n    return 0\n');
  const cases: [string[], number, RegExp][] = [
    [['--version'], 0, /^bpjit \d/], [['run', 'hi.bp'], 0, /^hi$/m], [['check', 'hi.bp'], 0, /^$/],
    [['run', '--help'], 0, /^Usage: bpjit run/], [['run', '--no-jti', 'hi.bp'], 2, /^$/], [['help'], 0, /Commands:/],
  ];
  for (const [args, code, stdout] of cases) {
    const r = runNode(['--require', preload, BPJIT, ...args], { cwd: tmp });
    assert.is(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, stdout, args.join(' '));
    assert.not.match(r.stderr, /Segmenter|assert/, args.join(' '));
  }
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
