// Unroll-and-jam (src/bytecode/jam.ts): which loops `bpjit build` runs several iterations of at
// once (--explain-opt), that it proves them independent before it does, and what the code looks
// like. Results on every tier: tests/programs/opt_jam.bp (the corpus), whose last call stops at
// an index out of range in one of the jammed iterations and must report the loop as written's line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jamLoops } from '../../src/bytecode/jam.js';
import { O, instrLength } from '../../src/bytecode/opcodes.js';
import { runCli } from '../helpers/child.js';
import { ROOT } from '../helpers/paths.js';
import { compileProgram } from '../../src/bytecode/compile.js';
import { check } from '../helpers/front.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-jam-'));

/** What --explain-opt says (on stderr) of a function whose loop `for j in range(0, n):` has `body`. */
function explain(params: string, before: string, body: string, after = ''): string {
  const src = `def f(${params}) -> [float]:
    let out: [float] = array_fill(n, 0.0)
${before}    for j in range(0, n):
${body}
${after}    return out

def main() -> int:
    let a: [float] = array_fill(64, 1.5)
    print(f(a, 8))
    return 0
`;
  fs.writeFileSync(path.join(tmp, 'f.bp'), src);
  const r = runCli(['build', 'f.bp', '-o', 'f', '--explain-opt'], { cwd: tmp });
  assert.is(r.code, 0, r.stderr);
  return r.stderr;
}

const SUM = `        let s: float = 0.0
        for k in range(0, 8):
            s = s + a[k * 8 + j]
        out[j] = s`;

test('a loop of independent sums is jammed: five iterations at once, said by --explain-opt', () => {
  assert.match(explain('a: [float], n: int', '', SUM), /unrolled and jammed f\.bp:3: loop of f: 5 iterations at once: 5 independent sums/);
  const mm = runCli(['build', 'tests/bench/matmul.bp', '-o', path.join(tmp, 'mm'), '--explain-opt'], { cwd: ROOT });
  assert.match(mm.stderr, /unrolled and jammed tests\/bench\/matmul\.bp:14: loop of matmul/);
  const d = runCli(['disasm', '--opt', '--fn', 'matmul', 'tests/bench/matmul.bp'], { cwd: ROOT });
  assert.match(d.stdout, /; plan: a runtime error up to @\d+ goes on at @\d+ \(the loop as written/);
});

test('loops whose iterations are not independent, or that carry no sum, are left as written', () => {
  const jammed = (before: string, body: string, after = '') => /unrolled and jammed/.test(explain('a: [float], n: int', before, body, after));
  assert.ok(jammed('', SUM), 'the control');
  // a sum carried from one iteration to the next (and read after the loop)
  assert.not.ok(jammed('    let s: float = 0.0\n', SUM.split('\n').slice(1).join('\n'), '    print(s)\n'));
  // a store into an array the loop reads (the parameter), an effect before the stores, a call
  assert.not.ok(jammed('', SUM.replace('out[j] = s', 'a[j] = s')));
  assert.not.ok(jammed('', SUM.replace('        out[j] = s', '        print(s)\n        out[j] = s')));
  assert.not.ok(jammed('', SUM.replace('a[k * 8 + j]', 'sin(a[k * 8 + j])')));
  // branches that depend on the iteration (the copies would not take the same ones)
  assert.not.ok(jammed('', SUM.replace('s = s + a[k * 8 + j]', 'if j > 2:\n                s = s + a[k * 8 + j]')));
  // no inner loop carrying a sum: nothing to gain
  assert.not.ok(jammed('', '        out[j] = a[j] * 2.0'));
});

test('the jammed code: one copy a iteration of what depends on it, the rest once; errors there go to the loop as written', () => {
  const { program, errors } = check(`def f(a: [float], n: int) -> [float]:
    let out: [float] = array_fill(n, 0.0)
    for j in range(0, n):
${SUM}
    return out
`);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  const fn = mod.functions.find((f) => f.name === 'f')!;
  const { fn: jammed, jammed: loops } = jamLoops(fn);
  assert.is(loops.length, 1);
  const count = (f: typeof fn, op: number) => { let k = 0; for (let pc = 0; pc < f.code.length; pc += instrLength(f.code, pc)) if (f.code[pc] === op) k++; return k; };
  // the sum and the element read five times more, the inner loop's back edge once more, one store a copy
  assert.is(count(jammed, O.add_f) - count(fn, O.add_f), 5);
  assert.is(count(jammed, O.aget_f) - count(fn, O.aget_f), 5);
  assert.is(count(jammed, O.forlt) - count(fn, O.forlt), 1);
  assert.is(count(jammed, O.aset_f) - count(fn, O.aset_f), 5);
  assert.is(jammed.bails?.length, 1);
  const bail = jammed.bails![0];
  // the bail range holds every jammed read, and goes on at the loop as written (a jump target)
  for (let pc = 0; pc < jammed.code.length; pc += instrLength(jammed.code, pc)) {
    if (jammed.code[pc] === O.aget_f && pc < bail.target) assert.ok(pc >= bail.start && pc < bail.end, `read at ${pc} outside ${bail.start}..${bail.end}`);
    if (jammed.code[pc] === O.aset_f && pc < bail.target) assert.ok(pc >= bail.end, 'stores come after');
  }
  // (the loop as written starts at the target: its element read comes after it)
  assert.ok(jammed.code.slice(bail.target).includes(O.aget_f));
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
