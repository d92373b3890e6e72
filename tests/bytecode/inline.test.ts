// Inlining (bytecode/inline.ts): which sites it picks, and that the inlined module of every
// program of the corpus — every site it may inline taken as hot — is valid bytecode (the verifier,
// checkPlan) that the VM runs to the same output and exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { HOT_CALLS, inlineFrames, inlineModule, planInlining } from '../../src/bytecode/inline.js';
import { checkPlan, planFunction } from '../../src/bytecode/plan.js';
import { verifyModule } from '../../src/bytecode/verify.js';
import { VM } from '../../src/vm/interp.js';
import { Output } from '../../src/vm/output.js';
import { check } from '../helpers/front.js';
import { PROGRAMS, compileForTest, corpus } from '../helpers/tiers.js';

const SRC = `
def sq(x: int) -> int:
    return x * x
def big(x: int) -> int:
    let s: int = 0
    for i in range(0, x):
        s = s + sq(i) % 7 + i / 3 - i % 5 + i * 2 - 1
        if s > 1000000:
            s = s - 999999 + sq(2)
    return s + 1
def fact(n: int) -> int:
    if n < 2:
        return 1
    return n * fact(n - 1)
def main() -> int:
    let t: int = 0
    for i in range(0, 3000):
        t = t + big(i % 10) + fact(3)
    print(t, sq(3))
    return 0
`;

const indexOf = (mod: ReturnType<typeof compileProgram>, name: string) => mod.functions.findIndex((f) => f.name === name);

test('without a profile: small leaf functions everywhere; with one: hot sites too, never a recursive function', () => {
  const { program, errors } = check(SRC);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  const names = (ds: { caller: number; callee: number }[]) => ds.map((d) => `${mod.functions[d.caller].name}->${mod.functions[d.callee].name}`).sort();
  assert.equal(names(planInlining(mod).decisions), ['big->sq', 'big->sq', 'main->sq']);
  const main = indexOf(mod, 'main');
  const hot = planInlining(mod, { site: (fn, _pc) => (fn === main ? HOT_CALLS * 3 : undefined), total: HOT_CALLS * 7 });
  assert.equal(names(hot.decisions), ['big->sq', 'big->sq', 'main->big', 'main->sq']);
  assert.equal(hot.rejected.map((d) => [mod.functions[d.callee].name, d.why]), [['fact', 'it is recursive']]);
  const out = inlineModule(mod, hot.decisions);
  assert.equal(verifyModule(out), []);
  const m = out.functions[main];
  // main holds big, which holds sq: an instruction of that sq runs in three frames
  const nested = m.inlined!.find((s) => s.parent >= 0)!;
  assert.ok(nested, 'a nested site');
  const frames = inlineFrames(m, main, nested.start, 2);
  assert.equal(frames.map((f) => mod.functions[f.fn].name), ['sq', 'big', 'main']);
  assert.equal(frames.map((f) => f.line), [2, 7, 18]);
});

function runOn(mod: ReturnType<typeof compileProgram>, args: string[], stdin?: Buffer) {
  const out = new Output(1, true);
  const code = new VM(mod, { args, stdin: stdin ?? Buffer.alloc(0), output: out, stderr: () => {} }).run();
  return { stdout: out.text(), code };
}

test('the corpus, every site it may inline taken as hot: valid bytecode, the same output', () => {
  const old = process.cwd();
  process.chdir(PROGRAMS);
  let sites = 0;
  try {
    for (const p of corpus()) {
      const c = compileForTest(p.file);
      if ('error' in c) continue;
      const { decisions } = planInlining(c.mod, { site: () => HOT_CALLS, total: HOT_CALLS });
      if (!decisions.length) continue;
      sites += decisions.length;
      const out = inlineModule(c.mod, decisions);
      assert.equal(verifyModule(out), [], p.name);
      out.functions.forEach((_, i) => assert.equal(checkPlan(out, i, planFunction(out, i, true)), [], `${p.name}: ${out.functions[i].name}`));
      const got = runOn(out, p.args, p.stdin);
      assert.is(got.stdout, p.stdout, p.name);
      assert.is(got.code, p.code, p.name);
    }
  } finally {
    process.chdir(old);
  }
  assert.ok(sites > 50, `only ${sites} sites inlined`);
});

test.run();
