// Size limits of the compiler: long chains (a `+` chain of 100,000 terms, `and`/`or` chains,
// elif chains, statement lists, f-strings of thousands of parts, a function of 100,000
// parameters) check, compile, verify and run — no pass recurses once per chain element — and
// nesting deeper than MAX_NESTING is a clear error at its position, never an internal error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { verifyModule } from '../../src/bytecode/verify.js';
import { MAX_NESTING } from '../../src/lang/parser.js';
import { VM } from '../../src/vm/interp.js';
import { Output } from '../../src/vm/output.js';
import { runCli } from '../helpers/child.js';
import { check } from '../helpers/front.js';

/** Checks, compiles, verifies and runs `text` on the VM; returns its output. */
function run(text: string): { out: string; regs: number } {
  const { errors, program } = check(text);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  assert.equal(verifyModule(mod), []);
  const out = new Output(1, true);
  const code = new VM(mod, { output: out, stdin: Buffer.alloc(0), stderr: () => {} }).run();
  assert.is(code, 0);
  return { out: out.text(), regs: Math.max(...mod.functions.map((f) => f.regKinds.length)) };
}

const main = (body: string, pre = '') => `${pre}def main() -> int:\n${body}    return 0\n`;

test('a + chain of 100,000 terms, with few registers', () => {
  const r = run(main(`    let x: int = ${Array(100000).fill('1').join(' + ')}\n    print(x)\n`));
  assert.is(r.out, '100000\n');
  assert.ok(r.regs < 10, `${r.regs} registers`);
});

test('string, and, or chains of 50,000 terms', () => {
  const n = 50000;
  const text = main(`    let s: str = "ab"\n    let x: int = 3\n    let t: str = ${Array(n).fill('s').join(' + ')}\n    print(len(t))\n`
    + `    print(${Array(n).fill('x > 0').join(' and ')})\n    if ${Array(n).fill('x < 0').join(' or ')}:\n        print("no")\n`);
  assert.is(run(text).out, `${2 * n}\ntrue\n`);
});

test('an elif chain of 20,000 branches and 100,000 statements', () => {
  const elif = Array.from({ length: 20000 }, (_, i) => `    elif x == ${i}:\n        print(${i})\n`).join('');
  assert.is(run(main(`    let x: int = 19999\n    if x < 0:\n        print(-1)\n${elif}`)).out, '19999\n');
  assert.is(run(main(`    let x: int = 0\n${'    x = x + 1\n'.repeat(100000)}    print(x)\n`)).out, '100000\n');
});

test('an f-string of 16,000 parts needs a bounded number of registers, not one per part', () => {
  const r = run(main(`    let x: int = 7\n    print(f"${'a{x}'.repeat(8000)}")\n`));
  assert.is(r.out, `${'a7'.repeat(8000)}\n`);
  assert.ok(r.regs < 200, `${r.regs} registers`); // (a string chain releases them every 64 parts)
});

test('a function of 100,000 parameters', () => {
  const n = 100000;
  const params = Array.from({ length: n }, (_, i) => `p${i}: int`).join(', ');
  const text = main(`    print(f(${Array(n).fill('2').join(', ')}))\n`, `def f(${params}) -> int:\n    return p0 + p${n - 1}\n\n`);
  assert.is(run(text).out, '4\n');
});

test(`nesting up to the limit works; deeper is error E0030 at its position on every command`, () => {
  const deep = (n: number) => main(`    print(${'('.repeat(n)}1${')'.repeat(n)})\n`);
  assert.is(run(deep(MAX_NESTING - 5)).out, '1\n');
  const blocks = Array.from({ length: MAX_NESTING - 5 }, (_, d) => `${'    '.repeat(d + 1)}if true:\n`).join('');
  assert.is(run(main(`${blocks}${'    '.repeat(MAX_NESTING - 4)}print("deep")\n`)).out, 'deep\n');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-limits-'));
  const file = path.join(tmp, 'deep.bp');
  for (const text of [deep(4 * MAX_NESTING), main(`    print(${'-'.repeat(4 * MAX_NESTING)}1)\n`), main(`    let a: ${'['.repeat(2 * MAX_NESTING)}int${']'.repeat(2 * MAX_NESTING)} = []\n`)]) {
    fs.writeFileSync(file, text);
    for (const args of [['check', file], ['run', '--no-jit', file], ['build', file, '-o', path.join(tmp, 'deep')]]) {
      const r = runCli(args);
      assert.is(r.code, 1, `${args[0]}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
      assert.match(r.stderr, /deep\.bp:2:\d+: error\[E0030\]: nesting too deep \(more than 500 levels/);
      assert.not.match(r.stderr, /internal error/);
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a diagnostic on a very long line shows a window of it, not the whole line', () => {
  const params = Array.from({ length: 3000 }, (_, i) => `p${i}: int`).join(', ');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-limits-'));
  fs.writeFileSync(path.join(tmp, 'long.bp'), `def f(${params}) -> int:\n    return p0\n\ndef main() -> int:\n    return 0\n`);
  const r = runCli(['check', path.join(tmp, 'long.bp')]);
  const lines = r.stderr.split('\n');
  const at = lines.findIndex((l) => l.includes("unused parameter 'p2000'"));
  const [source, caret] = [lines[at + 2], lines[at + 3]];
  assert.match(source, /^1 \| \.\.\..*p2000: int.*\.\.\.$/);
  assert.ok(source.length < 200, source);
  assert.is(caret.indexOf('^'), source.indexOf('p2000'));
  assert.ok(r.stderr.length < 3000 * 500, `${r.stderr.length} bytes of diagnostics`);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test.run();
