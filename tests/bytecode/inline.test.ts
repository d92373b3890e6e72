// Inlining (bytecode/inline.ts) and cold blocks out of line (bytecode/layout.ts): which sites and
// blocks they pick, and that the module they make of every program of the corpus — every site
// it may inline taken as hot, every branch as never falling through — is valid bytecode (the
// verifier, checkPlan) that the VM runs to the same output and exit code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { HOT_CALLS, inlineFrames, inlineModule, planInlining } from '../../src/bytecode/inline.js';
import { checkPlan, planFunction } from '../../src/bytecode/plan.js';
import { COLD_MIN_RUNS, coldBlocks, moveColdBlocks } from '../../src/bytecode/layout.js';
import { O, OPS, instrLength } from '../../src/bytecode/opcodes.js';
import { verifyModule } from '../../src/bytecode/verify.js';
import { VM } from '../../src/vm/interp.js';
import { installVmFfi } from '../../src/loader/ffi.js';
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
  const out = inlineModule(mod, hot.decisions).mod;
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
  installVmFfi();
  const out = new Output(1, true);
  const code = new VM(mod, { args, stdin: stdin ?? Buffer.alloc(0), output: out, stderr: () => {} }).run();
  return { stdout: out.text(), code };
}

test('a call passing a string its caller appends to in place stays a call (the append would be lost)', () => {
  const { program, errors } = check(`
def width(s: str) -> int:
    let t: str = s
    return len(t)
def main() -> int:
    let line: str = ""
    let w: int = 0
    for i in range(0, 100):
        line = line + "ab"
        w = w + width(line)
    print(w, width("xyz"))
    return 0
`);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  const main = indexOf(mod, 'main');
  const appends = (code: Int32Array) => {
    let n = 0;
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) if (code[pc] === O.appendn) n++;
    return n;
  };
  assert.ok(appends(mod.functions[main].code) >= 1, 'main appends in place');
  const { decisions } = planInlining(mod);
  assert.is(decisions.length, 2);
  const r = inlineModule(mod, decisions);
  assert.equal(r.dropped.map((d) => [d.callee, d.why.replace(/r\d+/, 'rN')]), [[indexOf(mod, 'width'), 'main appends to the string it passes (rN) in place, which a copy would prevent']]);
  assert.is(appends(r.mod.functions[main].code), appends(mod.functions[main].code), 'main still appends in place');
  assert.equal(verifyModule(r.mod), []);
  assert.is(runOn(r.mod, []).stdout, runOn(mod, []).stdout);
});

test('cold blocks: the rarely taken part of an if moves after the code, the branch inverted; not a block entered from elsewhere', () => {
  const { program, errors } = check(`
def main() -> int:
    let s: int = 0
    for i in range(0, 5000):
        if i % 1000 == 7:
            s = s - i
        s = s + 1
    print(s)
    return 0
`);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  const fn = mod.functions[indexOf(mod, 'main')];
  const branches: number[] = [];
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (OPS[fn.code[pc]].ops.endsWith('j') && fn.code[pc] !== O.jmp && fn.code[pc] !== O.forlt) branches.push(pc);
  const ifPc = branches.find((pc) => fn.lines[pc] === 5)!;
  const blocks = coldBlocks(fn, (pc) => (pc === ifPc ? { taken: 4995, notTaken: 5 } : undefined));
  assert.equal(blocks.map((b) => [b.pc, b.why]), [[ifPc, 'falls through 5 of 5000 times']]);
  // (seldom enough, but not run often enough to matter)
  assert.equal(coldBlocks(fn, (pc) => (pc === ifPc ? { taken: COLD_MIN_RUNS - 2, notTaken: 1 } : undefined)), []);
  const moved = moveColdBlocks(fn, blocks).fn;
  assert.ok(moved.code[moved.code.length - 2] === O.jmp, 'the block jumps back');
  const inverse = moved.code[moveColdBlocks(fn, blocks).pcMap(ifPc)];
  assert.is(OPS[inverse].name, OPS[fn.code[ifPc]].name === 'jne_ik' ? 'jeq_ik' : 'jne_ik');
  const out = { ...mod, functions: mod.functions.map((f) => (f === fn ? moved : f)) };
  assert.equal(verifyModule(out), []);
  assert.is(runOn(out, []).stdout, runOn(mod, []).stdout);
});

test('the corpus, every site it may inline taken as hot: valid bytecode, the same output', () => {
  const old = process.cwd();
  process.chdir(PROGRAMS);
  let sites = 0;
  try {
    for (const p of corpus()) {
      const c = compileForTest(p.file);
      if ('error' in c) continue;
      const { decisions } = planInlining(c.mod, { site: () => HOT_CALLS, total: HOT_CALLS });
      sites += decisions.length;
      const inl = inlineModule(c.mod, decisions).mod;
      // and every block a branch falls through to that may move, moved
      const out = { ...inl, functions: inl.functions.map((fn) => moveColdBlocks(fn, coldBlocks(fn, () => ({ taken: COLD_MIN_RUNS, notTaken: 0 }))).fn) };
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
