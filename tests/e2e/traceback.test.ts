// Tracebacks on every tier: the corpus programs lang_trace_* carry their expected stderr (the
// tier suites compare it on the VM, the native interpreter, the JIT and built executables);
// here the same programs run with interpreted and compiled frames mixed in one chain, and a
// stack overflow is reported at the call that overflowed, with the same chain everywhere.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';
import { PROGRAMS, runVM } from '../helpers/tiers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-trace-'));
const traced = fs.readdirSync(PROGRAMS).filter((f) => /^lang_trace_.*\.bp$/.test(f)).sort();

test('the traceback programs are there, each with its expected stderr', () => {
  assert.ok(traced.length >= 6, traced.join(' '));
  for (const f of traced) assert.match(fs.readFileSync(path.join(PROGRAMS, f.replace(/\.bp$/, '.stderr')), 'latin1'), /^traceback \(most recent call last\):\n/);
});

for (const f of traced) {
  test(`${f}: the same traceback with interpreted and compiled frames in one chain`, () => {
    const want = fs.readFileSync(path.join(PROGRAMS, f.replace(/\.bp$/, '.stderr')), 'latin1');
    for (const threshold of ['2', '5']) {
      const r = runCli(['run', f], { cwd: PROGRAMS, env: { BPJIT_JIT_THRESHOLD: threshold } });
      assert.is(r.stderr, want, `threshold ${threshold}`);
      assert.is(r.code, 1);
    }
  });
}

// Recursion in four frame shapes: one parameter; floats; seven parameters, one passed on the
// stack; and a self-call in tail position, which compiled code runs as a loop.
const OVERFLOWS: Record<string, string> = {
  'dive.bp': `def dive(n: int) -> int:
    if n < 0:
        return 0
    let below: int = dive(n + 1)
    return below * 2

def main() -> int:
    print("diving")
    print(dive(0))
    return 0
`,
  'floats.bp': `def dive(n: int, x: float, y: float) -> float:
    if n < 0:
        return x
    let below: float = dive(n + 1, y * 0.5, x + 1.0)
    return below * 2.0 + y

def main() -> int:
    print("diving")
    print(dive(0, 1.0, 2.0))
    return 0
`,
  'loop.bp': `def dive(n: int) -> int:
    if n < 0:
        return 0
    return dive(n + 1) + 1

def main() -> int:
    print("diving")
    let start: int = 0
    print(dive(start))
    return 0
`,
  'many.bp': `def dive(n: int, a: int, b: int, c: int, d: int, e: int, f: int) -> int:
    if n < 0:
        return a
    let below: int = dive(n + 1, b, c, d, e, f, a)
    return below * 2

def main() -> int:
    print("diving")
    print(dive(0, 1, 2, 3, 4, 5, 6))
    return 0
`,
};

// Every tier takes as much stack for a call (the interpreter's frame: compiled code pads its
// frames to it, and the VM charges it), so the overflow comes at the same depth everywhere: the
// traceback, with its count of repeated frames, is the VM's to the byte.
for (const [file, source] of Object.entries(OVERFLOWS)) {
  test(`stack overflow (${file}): at the call that overflowed, at the same depth on every tier`, () => {
    fs.writeFileSync(path.join(tmp, file), source);
    const vm = runVM(file, { cwd: tmp });
    assert.match(vm.stderr, new RegExp(`^traceback \\(most recent call last\\):\n  ${file}:9 in main\n  ${file}:4 in dive\n  \\[the line above repeated \\d{6,} more times\\]\nerror: stack overflow \\(at ${file}:4\\)\n$`), 'vm');
    const runs: [string, string[], Record<string, string>][] = [['interp', ['--no-jit'], {}], ['jit', [], { BPJIT_JIT_THRESHOLD: '1' }], ['mixed', [], { BPJIT_JIT_THRESHOLD: '5' }]];
    for (const [tier, args, env] of runs) {
      const r = runCli(['run', ...args, file], { cwd: tmp, env });
      assert.is(r.stderr, vm.stderr, tier);
      assert.is(r.stdout, 'diving\n', tier);
      assert.is(r.code, 1, tier);
    }
    const exe = path.join(tmp, file.replace('.bp', ''));
    assert.is(runCli(['build', file, '-o', exe], { cwd: tmp }).code, 0);
    const aot = spawnSync(exe, { encoding: 'latin1' });
    assert.is(aot.stderr, vm.stderr, 'aot');
    assert.is(aot.stdout, 'diving\n');
    assert.is(aot.status, 1);
  });
}

// Calls compiled code leaves out — a small function inlined (or, in the JIT, a leaf whose frame
// is not padded), a callee's base case tested at the call site — still check the stack they
// would take: here the overflow comes at that call (line 7) on every tier, not a call later.
const LEFT_OUT: Record<string, string> = {
  'inlined.bp': `def step(n: int) -> int:
    return n + 1

def dive(n: int) -> int:
    if n < 0:
        return 0
    let next: int = step(n)
    let below: int = dive(next)
    return below * 2

def main() -> int:
    print("diving")
    print(dive(0))
    return 0
`,
  'base.bp': `def base(n: int) -> int:
    if n > -1:
        return n
    return base(n + 1) * 2

def dive(n: int) -> int:
    let next: int = base(n)
    let below: int = dive(next + 1)
    return below * 2

def main() -> int:
    print("diving")
    print(dive(0))
    return 0
`,
};

for (const [file, source] of Object.entries(LEFT_OUT)) {
  test(`stack overflow (${file}): at a call compiled code leaves out, on every tier`, () => {
    fs.writeFileSync(path.join(tmp, file), source);
    const vm = runVM(file, { cwd: tmp });
    const line = source.split('\n').findIndex((l) => /let next/.test(l)) + 1;
    assert.ok(vm.stderr.endsWith(`  ${file}:${line} in dive\nerror: stack overflow (at ${file}:${line})\n`), vm.stderr);
    for (const [tier, args] of [['interp', ['--no-jit']], ['jit', ['--jit-threshold', '1']], ['mixed', ['--jit-threshold', '5']]] as const) {
      assert.is(runCli(['run', ...args, file], { cwd: tmp }).stderr, vm.stderr, tier);
    }
    const exe = path.join(tmp, file.replace('.bp', ''));
    assert.is(runCli(['build', file, '-o', exe], { cwd: tmp }).code, 0);
    assert.is(spawnSync(exe, { encoding: 'latin1' }).stderr, vm.stderr, 'aot');
  });
}

// With the JIT at threshold 1 a function runs compiled from its first call: main's frame is
// one compiled frame, not an interpreted one with a compiled frame under it once its loop got hot
// (on-stack replacement) — which ended the recursion two frames early, at another line.
test('stack overflow from the loop of main: the same depth with the JIT at threshold 1 as on the VM', () => {
  fs.writeFileSync(path.join(tmp, 'cycle.bp'), `def a(n: int) -> int:
    return b(n + 1) * 2

def b(n: int) -> int:
    return c(n + 1) * 2

def c(n: int) -> int:
    return a(n + 1) * 2

def main() -> int:
    for k in range(0, 3):
        if k < 2:
            print(k)
        else:
            print(k, a(k))
    return 0
`);
  const vm = runVM('cycle.bp', { cwd: tmp });
  assert.match(vm.stderr, /error: stack overflow \(at cycle\.bp:\d\)\n$/);
  const jit = runCli(['run', '--jit-threshold', '1', 'cycle.bp'], { cwd: tmp });
  assert.is(jit.stderr, vm.stderr);
  assert.is(jit.stdout, '0\n1\n');
});

// main's loop gets hot while main runs interpreted: it goes on compiled in main's place (on-stack
// replacement gives the interpreter's frame back), so a recursion below it overflows at the
// VM's depth — with an interpreted frame above the compiled one it ended a frame early.
test('stack overflow below a loop entered by on-stack replacement: the depth of the VM', () => {
  fs.writeFileSync(path.join(tmp, 'osr.bp'), `def dive(n: int) -> int:
    if n < 0:
        return 0
    return dive(n + 1) * 2

def main() -> int:
    let t: int = 0
    for k in range(0, 5000):
        t = t + dive(-1) + k
    print(t)
    print(dive(0))
    return 0
`);
  const vm = runVM('osr.bp', { cwd: tmp });
  assert.match(vm.stderr, /repeated \d+ more times\]\nerror: stack overflow \(at osr\.bp:4\)\n$/);
  for (const threshold of ['2', '50', '1000']) {
    const r = runCli(['run', '--jit-threshold', threshold, 'osr.bp'], { cwd: tmp });
    assert.is(r.stderr, vm.stderr, `threshold ${threshold}`);
    assert.is(r.stdout, '12497500\n');
  }
});

// json_stringify of a value that contains itself overflows the stack in the runtime's walker,
// far below the program's frames: the error is at the call that handed it the value, found below
// the runtime's frames — in-process too, where the call can be in a compiled leaf with no frame
// of its own (dump) or in compiled main.
test('the stack overflow of a runtime walker called from compiled code: at its call, on every tier', () => {
  fs.writeFileSync(path.join(tmp, 'deep.bp'), `struct Node:
    val: int
    next: [Node]

def dump(n: Node, deep: bool) -> void:
    if deep:
        print(json_stringify(n))
    else:
        print("shallow")

def main() -> int:
    let n: Node = Node{val: 1, next: []}
    dump(n, false)
    dump(n, false)
    array_push(n.next, n)
    dump(n, true)
    print(json_stringify(n))
    return 0
`);
  const vm = runVM('deep.bp', { cwd: tmp });
  assert.ok(vm.stderr.endsWith('  deep.bp:16 in main\n  deep.bp:7 in dump\nerror: stack overflow (at deep.bp:7)\n'), vm.stderr);
  for (const threshold of ['1', '2', '5']) {
    assert.is(runCli(['run', '--jit-threshold', threshold, 'deep.bp'], { cwd: tmp }).stderr, vm.stderr, `threshold ${threshold}`);
  }
  assert.is(runCli(['build', 'deep.bp', '-o', 'deep'], { cwd: tmp }).code, 0);
  assert.is(spawnSync(path.join(tmp, 'deep'), { encoding: 'latin1' }).stderr, vm.stderr, 'aot');
  // main's own call, from main compiled at its first call
  fs.writeFileSync(path.join(tmp, 'deep-main.bp'), fs.readFileSync(path.join(tmp, 'deep.bp'), 'latin1').replace('    dump(n, true)\n', ''));
  const main = runVM('deep-main.bp', { cwd: tmp });
  assert.is(main.stderr, 'error: stack overflow (at deep-main.bp:16)\n');
  assert.is(runCli(['run', '--jit-threshold', '1', 'deep-main.bp'], { cwd: tmp }).stderr, main.stderr);
});

test('a single frame prints no traceback', () => {
  fs.writeFileSync(path.join(tmp, 'one.bp'), 'def main() -> int:\n    let xs: [int] = [1]\n    print(xs[1])\n    return 0\n');
  const r = runCli(['run', 'one.bp'], { cwd: tmp });
  assert.is(r.stderr, 'error: array index out of bounds (at one.bp:3)\n');
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
