// Profile-guided builds: `bpjit build --profile` inlines the call sites a profile found hot (and
// every build small leaf functions), which changes the code (--explain-opt, -S) and never the
// output — the corpus built with a profile of its own run gives every expected result — nor a
// traceback: an error inside inlined code lists the frames the calls would have had. A profile of
// another program, or of code changed since, is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytecodeModule } from '../../src/bytecode/module.js';
import { HOT_CALLS } from '../../src/bytecode/inline.js';
import { O, OP_DEFS, instrLength } from '../../src/bytecode/opcodes.js';
import { buildProgram } from '../../src/driver/build.js';
import { countsProfile } from '../../src/profile/data.js';
import { useProfile } from '../../src/profile/use.js';
import { VM } from '../../src/vm/interp.js';
import { Output } from '../../src/vm/output.js';
import { runCli, runProcess } from '../helpers/child.js';
import { PROGRAMS, compare, compileForTest, corpus, runVM, type Expectation } from '../helpers/tiers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-pgo-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The .bpprof text of a run of `mod` on the VM (its counts are those of every tier). */
function profileOf(mod: BytecodeModule, program: string, args: string[] = [], stdin?: Buffer): string {
  const vm = new VM(mod, { args, stdin: stdin ?? Buffer.alloc(0), output: new Output(1, true), stderr: () => {} });
  vm.run();
  const data = countsProfile(mod, vm.fns.map((f) => ({ calls: f.calls, prof: f.prof })), program, 'vm', new Map());
  return JSON.stringify(data);
}

// Errors raised inside inlined code, five ways: a runtime function's (a missing key, with its
// location), an error stub's (division by zero), an exception, a stack overflow in a call made
// from inlined code — through one and two levels of inlining — and an error at the bottom of a
// recursion unrolled one level (each frame holds two levels).
const TRACE = `def look(m: {str: int}, k: str) -> int:
    return m[k]

def div(a: int, b: int) -> int:
    return a / b

def boom(s: str) -> int:
    throw s

def deep(n: int) -> int:
    if n < 0:
        return 0
    let k: int = deep(n + 1)
    return k / 1 + 1

def wrap(n: int) -> int:
    let x: int = div(10, n)
    return x + deep2(n)

def deep2(n: int) -> int:
    if n > 100:
        return deep(n)
    return 1

def tri(n: int) -> int:
    if n < 1:
        return 0
    return tri(n - 1) + n

def main() -> int:
    let m: {str: int} = {"a": 1}
    let s: int = 0
    for i in range(0, 3000):
        s = s + look(m, "a") + div(i, 3) + wrap(5) + tri(2) + down(6, 1)
    try:
        s = s + boom("caught")
    catch e:
        print("caught", e)
    print(s)
    let mode: int = array_len(argv())
    if mode == 1:
        print(look(m, "zz"))
    if mode == 2:
        print(wrap(0))
    if mode == 3:
        print(boom("uncaught"))
    if mode == 4:
        print(wrap(1000))
    if mode == 5:
        print(down(12, 0))
    return 0

def down(n: int, k: int) -> int:
    if n == 0:
        return 10 / k
    return down(n - 1, k) * 2
`;

/** Program `text` as tmp/NAME.bp, compiled, with the counts of a profile of its run (on the VM). */
function profiled(name: string, text: string) {
  const src = path.join(tmp, `${name}.bp`);
  fs.writeFileSync(src, text);
  const c = compileForTest(src);
  assert.ok('mod' in c);
  const mod = (c as { mod: BytecodeModule }).mod;
  const check = useProfile(profileOf(mod, src), `${name}.bpprof`, mod, src);
  assert.ok(check.ok, !check.ok ? check.message : '');
  return { src, mod, counts: check.ok ? check.counts : undefined };
}

test('tracebacks through inlined code are the VM\'s, with a profile and without', () => {
  const { src, mod, counts } = profiled('trace', TRACE);
  const builds = [['profile', counts], ['no profile', undefined]] as const;
  for (const [what, profile] of builds) {
    const r = buildProgram(mod, undefined, { profile });
    assert.ok(r.ok);
    if (!r.ok) return;
    const inlined = r.plan.inlined.map((d) => `${mod.functions[d.caller].name}->${mod.functions[d.callee].name}`);
    // with the profile, the hot sites too: wrap (which calls) into main, deep2 into wrap; never tri
    assert.ok(inlined.includes('main->look') && inlined.includes('wrap->div'), `${what}: ${inlined}`);
    if (profile) assert.ok(inlined.includes('main->wrap') && inlined.includes('wrap->deep2'), `${what}: ${inlined}`);
    assert.not.ok(inlined.some((s) => s.includes('tri')), `${what}: ${inlined}`);
    // (down calls itself, not in tail position: with the profile, unrolled once)
    assert.is(inlined.includes('down->down'), !!profile, `${what}: ${inlined}`);
    const exe = path.join(tmp, `trace-${profile ? 'p' : 'n'}`);
    fs.writeFileSync(exe, r.image.bytes, { mode: 0o755 });
    for (let mode = 0; mode <= 5; mode++) {
      const args = Array.from({ length: mode }, () => 'x');
      const got = runProcess(exe, args, { cwd: tmp });
      const want = runVM(src, { cwd: tmp, args });
      assert.is(got.stdout, want.stdout, `${what}, mode ${mode}`);
      assert.is(got.code, want.code, `${what}, mode ${mode}`);
      // (a stack overflow below inlined code may come a frame later: README, Limits — compiled
      // code checks no frame for an inlined call; the count of repeated frames is within one)
      const count = (t: string) => Number(/repeated (\d+) more times/.exec(t)?.[1] ?? 0);
      const depth = (t: string) => t.replace(/repeated \d+ more times/, 'repeated N more times');
      assert.is(depth(got.stderr), depth(want.stderr), `${what}, mode ${mode}`);
      assert.ok(Math.abs(count(got.stderr) - count(want.stderr)) <= 1, `${what}, mode ${mode}: ${count(got.stderr)} frames repeated, the VM ${count(want.stderr)}`);
      if (mode) assert.match(got.stderr, /traceback/);
    }
  }
});

// A recursion unrolled into a frame (rec, loop: two levels copied in) overflows the stack where
// the VM does, from any depth it starts at (the prologue checks the frame's first level, each copy
// its own), and a self-call loop in such a frame (loop's tail call) charges a level a trip: a loop
// as deep as the VM's stack holds runs, where a frame's worth a trip would overflow.
const DEEP = `def rec(n: int, lim: int) -> int:
    if n == lim:
        return 0
    return rec(n + 1, lim) * 2 + 1

def loop(n: int, d: int) -> int:
    if n <= 0:
        return 0
    let x: int = loop(d, 0)
    return loop(n - 1, d) + x

def outer(k: int, lim: int) -> int:
    if k == 0:
        return rec(0, lim)
    return outer(k - 1, lim) * 3

def main() -> int:
    let a: [str] = argv()
    if array_len(a) == 0:
        let t: int = 0
        for _i in range(0, 20):
            t = t + outer(0, 3000) + loop(2000, 1)
        print(t)
    elif a[0] == "loop":
        print(loop(1500000, 1))
    else:
        print(outer(parse_int(a[0]), 1000000000))
    return 0
`;

test('a recursion unrolled with a profile overflows at the VM\'s depth exactly, and its self-call loop goes as deep', () => {
  const { src, mod, counts } = profiled('deep', DEEP);
  const r = buildProgram(mod, undefined, { profile: counts });
  assert.ok(r.ok);
  if (!r.ok) return;
  const unrolled = r.plan.inlined.filter((d) => d.caller === d.callee).map((d) => mod.functions[d.caller].name);
  assert.equal(unrolled.sort(), ['loop', 'rec']);
  const exe = path.join(tmp, 'deep');
  fs.writeFileSync(exe, r.image.bytes, { mode: 0o755 });
  for (const args of [[], ['loop'], ['0'], ['1'], ['2'], ['3']]) {
    const got = runProcess(exe, args, { cwd: tmp });
    const want = runVM(src, { cwd: tmp, args });
    const run = ({ stdout, stderr, code }: { stdout: string; stderr: string; code: number }) => ({ stdout, stderr, code });
    assert.equal(run(got), run(want), `${args}`);
    if (args.length && args[0] !== 'loop') assert.match(got.stderr, /stack overflow/);
  }
});

const programs = corpus();
const native = fs.readFileSync(path.join(PROGRAMS, 'NATIVE'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

/** Builds `p` with the profile text `profile`: the executable, or the refusal. */
function buildWith(p: Expectation, profile: string): { exe: string; hot: number } | { refused: string } {
  const old = process.cwd();
  process.chdir(PROGRAMS);
  try {
    const c = compileForTest(p.file);
    if ('error' in c) throw new Error(`${p.name} does not compile`);
    const use = useProfile(profile, 'p.bpprof', c.mod, p.file);
    if (!use.ok) return { refused: use.message };
    const r = buildProgram(c.mod, undefined, { profile: use.counts });
    if (!r.ok) throw new Error(`${p.name} does not build`);
    const exe = path.join(tmp, p.name);
    fs.writeFileSync(exe, r.image.bytes, { mode: 0o755 });
    return { exe, hot: r.plan.inlined.filter((d) => d.why.startsWith('hot')).length };
  } finally {
    process.chdir(old);
  }
}

/**
 * Builds each program of the corpus that builds with the profile `profile` makes of it, runs it
 * and compares with the expectations and the VM's messages; the problems, and the hot call sites
 * inlined.
 */
function corpusWith(profile: (mod: BytecodeModule, p: Expectation) => string): { problems: string[]; hot: number } {
  const problems: string[] = [];
  let hot = 0;
  for (const p of programs.filter((q) => native.includes(q.name))) {
    const c = compileForTest(path.join(PROGRAMS, p.file));
    if ('error' in c) continue;
    const old = process.cwd();
    process.chdir(PROGRAMS);
    let text: string;
    try { text = profile(c.mod, p); } finally { process.chdir(old); }
    const b = buildWith(p, text);
    if ('refused' in b) { problems.push(`${p.name}: its own profile refused: ${b.refused}`); continue; }
    hot += b.hot;
    const got = runProcess(b.exe, p.args, { cwd: PROGRAMS, input: p.stdin });
    const d = compare('aot --profile', p, got);
    if (d) { problems.push(d); continue; }
    const vm = runVM(p.file, { cwd: PROGRAMS, args: p.args, stdin: p.stdin });
    if (p.stderr === null && got.stderr !== vm.stderr) problems.push(`${p.name}: stderr ${JSON.stringify(got.stderr.slice(0, 300))}, the VM's ${JSON.stringify(vm.stderr.slice(0, 300))}`);
  }
  return { problems, hot };
}

// (the corpus's programs are short: hardly a call site of theirs runs HOT_CALLS times, so the
// next test takes every site as hot)
test('the corpus built with a profile of its own run: the expected results, the VM\'s messages', () => {
  assert.equal(corpusWith((mod, p) => profileOf(mod, p.file, p.args, p.stdin)).problems, []);
});

// Every site inlining may take, taken, and every block a branch falls through to that may move
// out of line, moved: every error of the corpus raised inside inlined code or a moved block.
test('the corpus built with every call site hot, every branch never falling through: the expected results, the VM\'s messages and tracebacks', () => {
  const { problems, hot } = corpusWith((mod, p) => {
    const data = countsProfile(mod, mod.functions.map((f) => {
      const prof = new Float64Array(f.code.length).fill(HOT_CALLS);
      // (a branch's falls-through count is at pc + 1)
      for (let pc = 0; pc < f.code.length; pc += instrLength(f.code, pc)) if (OP_DEFS[f.code[pc]].rel || f.code[pc] === O.jt || f.code[pc] === O.jf) prof[pc + 1] = 0;
      return { calls: 0, prof };
    }), p.file, 'vm', new Map());
    return JSON.stringify(data);
  });
  assert.equal(problems, []);
  assert.ok(hot >= 100, `only ${hot} call sites inlined over the corpus`);
});

test('a profile of another program, or of code changed since, is refused with the reason', () => {
  const [a, b] = ['lang_err_throw_deep', 'lang_algo_strings'].map((n) => programs.find((p) => p.name === n)!);
  const ca = compileForTest(path.join(PROGRAMS, a.file));
  assert.ok('mod' in ca);
  const other = buildWith(b, profileOf((ca as { mod: BytecodeModule }).mod, a.file));
  assert.ok('refused' in other);
  if ('refused' in other) assert.match(other.refused, /is a profile of 'lang_err_throw_deep.bp', not of lang_algo_strings.bp: .*run 'bpjit profile lang_algo_strings.bp' again/);
  // the same program, one function's code changed
  const src = path.join(tmp, 'stale.bp');
  fs.writeFileSync(src, 'def f(x: int) -> int:\n    return x + 1\n\ndef main() -> int:\n    print(f(2))\n    return 0\n');
  assert.is(runCli(['profile', '-o', path.join(tmp, 'stale.bpprof'), src], { cwd: tmp }).code, 0);
  fs.writeFileSync(src, 'def f(x: int) -> int:\n    return x + 2\n\ndef main() -> int:\n    print(f(2))\n    return 0\n');
  const r = runCli(['build', src, '-o', path.join(tmp, 'stale'), '--profile', path.join(tmp, 'stale.bpprof')], { cwd: tmp });
  assert.is(r.code, 1);
  assert.match(r.stderr, /error: '.*stale.bpprof' is a profile of '.*stale.bp' from before 'f' changed: its counts are about other code \(run 'bpjit profile .*stale.bp' again\)/);
  assert.not.ok(fs.existsSync(path.join(tmp, 'stale')));
  fs.writeFileSync(path.join(tmp, 'junk.bpprof'), '{"version": 1, "functions": []}');
  const junk = runCli(['build', src, '-o', path.join(tmp, 'stale'), '--profile', path.join(tmp, 'junk.bpprof')], { cwd: tmp });
  assert.is(junk.code, 1);
  assert.match(junk.stderr, /is a version 1 profile; this bpjit reads version 2/);
});

test('--explain-opt names each decision, and the profile changes the code (-S)', () => {
  const src = path.join(tmp, 'hot.bp');
  fs.writeFileSync(src, TRACE);
  const prof = path.join(tmp, 'hot.bpprof');
  assert.is(runCli(['profile', '-o', prof, src], { cwd: tmp }).code, 0);
  const withP = runCli(['build', src, '-S', '-o', path.join(tmp, 'p.asm'), '--profile', prof, '--explain-opt'], { cwd: tmp });
  const without = runCli(['build', src, '-S', '-o', path.join(tmp, 'n.asm'), '--explain-opt'], { cwd: tmp });
  assert.is(withP.code, 0, withP.stderr);
  assert.match(withP.stderr, /optimisations of .*hot.bp \(profile .*hot.bpprof\):\n/);
  assert.match(withP.stderr, /  inlined .*hot.bp:34: call of wrap in main: hot: 3000 calls \(\d+\.\d% of all calls\), \d+ words\n/);
  assert.match(withP.stderr, /  inlined .*hot.bp:17: call of div in wrap: (hot|small leaf)/);
  assert.match(withP.stderr, /  not inlined .*hot.bp:28: call of tri in tri: (it is recursive|it is the caller)\n/);
  assert.match(without.stderr, /\(no profile\):\n  inlined .*hot.bp:17: call of div in wrap: small leaf: \d+ words, calls nothing\n/);
  assert.not.match(without.stderr, /call of wrap in main/);
  const calls = (f: string) => (fs.readFileSync(path.join(tmp, f), 'utf8').match(/call +\$?wrap\b/g) ?? []).length;
  assert.ok(calls('n.asm') > calls('p.asm'), `calls of wrap: ${calls('n.asm')} without the profile, ${calls('p.asm')} with it`);
  // disasm --opt: the bytecode build lowers, each copy marked
  const d = runCli(['disasm', '--opt', '--profile', prof, '--fn', 'main', src], { cwd: tmp });
  assert.is(d.code, 0, d.stderr);
  assert.match(d.stdout, /; plan: inlined wrap \(the call at line 34\) up to @\d+/);
  assert.match(d.stdout, /inlined div \(the call at line 17\)/);
  assert.match(d.stdout, /; .*hot\.bp:5 {2}return a \/ b\n/);
  const plain = runCli(['disasm', '--fn', 'main', src], { cwd: tmp });
  assert.not.match(plain.stdout, /inlined/);
  assert.match(runCli(['disasm', '--profile', prof, src], { cwd: tmp }).stderr, /--profile goes with --opt or --native/);
});

test('a branch that hardly ever falls through: its block goes out of line (--explain-opt), the output unchanged', () => {
  const src = path.join(tmp, 'cold.bp');
  fs.writeFileSync(src, `def main() -> int:
    let s: int = 0
    for i in range(0, 100000):
        if i % 1000 == 7:
            s = s - i
        else:
            s = s + i % 3
    print(s)
    return 0
`);
  const prof = path.join(tmp, 'cold.bpprof');
  assert.is(runCli(['profile', '-o', prof, src], { cwd: tmp }).code, 0);
  const b = runCli(['build', src, '-o', path.join(tmp, 'cold'), '--profile', prof, '--explain-opt'], { cwd: tmp });
  assert.is(b.code, 0, b.stderr);
  assert.match(b.stderr, /  out of line .*cold\.bp:5: cold block of main: the branch at line 4 falls through 100 of 100000 times\n/);
  assert.is(runProcess(path.join(tmp, 'cold'), []).stdout, runVM(src, { cwd: tmp }).stdout);
  const d = runCli(['disasm', '--opt', '--profile', prof, src], { cwd: tmp }).stdout;
  // the block (line 5) now comes after the return
  assert.ok(d.indexOf('cold.bp:5') > d.indexOf('ret r'), d);
});

test.run();
