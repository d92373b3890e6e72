// Loop-invariant code motion (src/bytecode/licm.ts): which instructions `bpjit build` moves out of
// loops, and that a moved one computes what it did (the whole corpus is built with the pass and
// compared with the VM in tests/e2e/tiers-corpus.test.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { hoistInvariants } from '../../src/bytecode/licm.js';
import { O, instrLength } from '../../src/bytecode/opcodes.js';
import { runCli } from '../helpers/child.js';
import { check } from '../helpers/front.js';

/** What moves out of f's loop over k whose statement is `line`, and whether a mul_f is now before the loop. */
function hoist(line: string) {
  const { program, errors } = check(`def f(a: [float], x: float, y: float, n: int) -> float:
    let s: float = 0.0
    let t: float = 1.0
    for k in range(0, n):
        ${line}
    return s + t

def main() -> int:
    print(f([1.5, 2.0, -3.0], 2.0, 0.25, 3))
    return 0
`);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  const index = mod.functions.findIndex((fn) => fn.name === 'f');
  const { fn, hoisted } = hoistInvariants(mod.functions[index]);
  let loop = -1;
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (fn.code[pc] === O.forlt) loop = fn.code[pc + 4];
  const before = (op: number) => { for (let pc = 0; pc < loop; pc += instrLength(fn.code, pc)) if (fn.code[pc] === op) return true; return false; };
  return { hoisted, mulBefore: before(O.mul_f) };
}

test('an invariant product at the top of a loop moves before it; the loop still computes the same', () => {
  const r = hoist('s = s + a[k % 3] * (x * y)');
  assert.not.ok(hoist('s = s + a[k % 3] * (x * s)').mulBefore, 'the control: no product before the loop');
  assert.is(r.hoisted.length, 1);
  assert.is(r.hoisted[0].what, 'mul_f');
  assert.ok(r.mulBefore);
});

test('what must stay: an operand the loop writes, a result the loop reads before writing it, code after a branch', () => {
  assert.is(hoist('s = s + a[k % 3] * (x * s)').hoisted.length, 0);
  // (the first trip reads t as it was before the loop: moving `t = x * y` would change it)
  assert.is(hoist('s = s + t\n        t = x * y').hoisted.length, 0);
  assert.is(hoist('if k > 1:\n            s = s + x * y').hoisted.length, 0);
});

test('--explain-opt names each move, and the program prints what it did', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-licm-'));
  try {
    fs.writeFileSync(path.join(tmp, 'p.bp'), `def f(a: [float], x: float, y: float, n: int) -> float:
    let s: float = 0.0
    for k in range(0, n):
        s = s + a[k % 3] * (x * y)
    return s

def main() -> int:
    print(f([1.5, 2.0, -3.0], 2.0, 0.25, 7))
    return 0
`);
    const b = runCli(['build', 'p.bp', '-o', 'p', '--explain-opt'], { cwd: tmp });
    assert.match(b.stderr, /moved out of a loop p\.bp:4: mul_f in f, invariant in the loop of line 3/);
    const vm = runCli(['run', '--vm', 'p.bp'], { cwd: tmp });
    assert.is(spawnSync(path.join(tmp, 'p'), { encoding: 'latin1' }).stdout, vm.stdout);
    assert.match(vm.stdout, /^-?\d/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
