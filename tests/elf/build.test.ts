// bpjit build end to end: a small executable that elfy, binutils and gdb read as a normal one,
// runtime errors reported like the VM, and constructs the native back end lacks rejected at their
// line. The binutils and gdb tests are skipped (and say so) where those tools are missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, runProcess } from '../helpers/child.js';
import { readElf } from '../helpers/elf.js';
import { ROOT } from '../helpers/paths.js';
import { needs } from '../helpers/tools.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-build-'));
const write = (name: string, text: string) => { fs.writeFileSync(path.join(tmp, name), text); return name; };
const run = (exe: string, args: string[] = []) => runProcess(path.join(tmp, exe), args, { cwd: tmp });

const HELLO = `def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def main() -> int:
    print("hello, world")
    print(fib(20), 2.5, fib(3) == 2)
    return 0
`;

test('hello world: builds, runs, is small', () => {
  write('hello.bp', HELLO);
  const b = runCli(['build', 'hello.bp', '-o', 'hello'], { cwd: tmp });
  assert.is(b.code, 0, b.stderr);
  assert.is(b.stderr, '');
  const r = run('hello');
  assert.is(r.stdout, 'hello, world\n6765 2.5 true\n');
  assert.is(r.code, 0);
  const size = fs.statSync(path.join(tmp, 'hello')).size;
  assert.ok(size < 16 * 1024, `hello is ${size} bytes`);
});

test('elfy reads it: an x86-64 executable, R / R+X / R+W segments, a non-executable stack, the functions named', () => {
  const elf = readElf(path.join(tmp, 'hello'));
  assert.is(elf.type, 'exec');
  assert.is(elf.machine, 'amd64');
  assert.equal(elf.segments, [{ type: 'load', perms: 'R' }, { type: 'load', perms: 'RX' }, { type: 'load', perms: 'RW' }, { type: 'gnu_stack', perms: 'RW' }]);
  assert.ok(elf.sections.includes('.text') && elf.sections.includes('.symtab'), elf.sections.join(' '));
  for (const f of ['fib', 'main', '_start', 'bp_rt_print_str']) assert.ok(elf.functions.includes(f), `no function symbol ${f}: ${elf.functions.join(' ')}`);
});

needs(test, 'readelf')('readelf reads it without warnings: ET_EXEC, R / R+X / R+W segments, non-executable stack', () => {
  const r = runProcess('readelf', ['-a', '-W', path.join(tmp, 'hello')]);
  const out = r.stdout;
  assert.is(r.stderr, '');
  assert.not.match(out, /warning/i);
  assert.match(out, /Type:\s+EXEC/);
  assert.equal(out.split('\n').filter((l) => /^\s+LOAD/.test(l)).map((l) => /\s(R|RW|R E)\s+0x/.exec(l)?.[1]), ['R', 'R E', 'RW']);
  assert.match(out, /GNU_STACK\s+(0x0+\s+){5}RW\s/);
  assert.match(out, /\bFUNC\s+GLOBAL\s+DEFAULT\s+\d+\s+fib\b/);
  assert.match(out, /\bFUNC\s+GLOBAL\s+DEFAULT\s+\d+\s+main\b/);
});

needs(test, 'objdump')('objdump shows the functions by name', () => {
  const out = runProcess('objdump', ['-d', path.join(tmp, 'hello')]).stdout;
  assert.match(out, /<fib>:/);
  assert.match(out, /call\s+[0-9a-f]+ <fib>/);
  assert.match(out, /<bp_rt_print_str>:/);
});

needs(test, 'gdb')('gdb sets a breakpoint on a BetterPython function by name', () => {
  const r = runProcess('gdb', ['-batch', '-nx', '-ex', 'break fib', '-ex', 'run', '-ex', 'bt', path.join(tmp, 'hello')]);
  assert.match(r.stdout, /Breakpoint 1, 0x[0-9a-f]+ in fib \(\)/);
  assert.match(r.stdout, /#1\s+0x[0-9a-f]+ in main \(\)/);
});

test('runtime errors in a built program: message with the line, exit 1, output flushed first', () => {
  write('err.bp', `def div(a: int, b: int) -> int:
    return a / b

def main() -> int:
    print("before")
    print(div(1, 0))
    return 0
`);
  write('deep.bp', `def deep(n: int) -> int:
    return deep(n + 1) + 1

def main() -> int:
    print("before")
    print(deep(0))
    return 0
`);
  assert.is(runCli(['build', 'err.bp', '-o', 'err'], { cwd: tmp }).code, 0);
  assert.is(runCli(['build', 'deep.bp', '-o', 'deep'], { cwd: tmp }).code, 0);
  const d = run('deep');
  assert.is(d.stdout, 'before\n');
  // (at the call that overflowed; the self-call in tail position runs as a loop, with a frame
  // in the traceback for each trip, as deep as the TypeScript VM's)
  assert.is(d.stderr, runCli(['run', '--vm', 'deep.bp'], { cwd: tmp }).stderr);
  assert.match(d.stderr, /^traceback \(most recent call last\):\n  deep\.bp:6 in main\n  deep\.bp:2 in deep\n  \[the line above repeated \d{6,} more times\]\nerror: stack overflow \(at deep\.bp:2\)\n$/);
  assert.is(d.code, 1);
  const r = run('err');
  assert.is(r.stdout, 'before\n');
  assert.is(r.stderr, 'traceback (most recent call last):\n  err.bp:6 in main\n  err.bp:2 in div\nerror: division by zero (at err.bp:2)\n');
  assert.is(r.code, 1);
});

test('exit codes: main\'s result and exit()', () => {
  write('code.bp', `def main() -> int:
    print("x")
    if 2 > 1:
        exit(7)
    return 3
`);
  assert.is(runCli(['build', 'code.bp'], { cwd: tmp }).code, 0);
  const r = run('code');
  assert.is(r.stdout, 'x\n');
  assert.is(r.code, 7);
});

test('the rejected programs of the corpus: bpjit build reports their first error at its line and exits 1', () => {
  const dir = path.join(ROOT, 'tests/programs/errors');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.bp'))) {
    const line = fs.readFileSync(path.join(dir, f.replace(/\.bp$/, '.err')), 'utf8').split('\n')[0];
    const r = runCli(['build', f, '-o', path.join(tmp, 'rejected')], { cwd: dir });
    assert.is(r.code, 1, `${f}: exit ${r.code}`);
    assert.ok(r.stderr.startsWith(`${f}:${line}:`), `${f}: ${r.stderr.split('\n')[0]}`);
    assert.ok(!fs.existsSync(path.join(tmp, 'rejected')), `${f}: an executable was written`);
  }
});

test('usage: --help, a missing file, an unreadable output', () => {
  assert.match(runCli(['build', '--help']).stdout, /static and libc-free/);
  const m = runCli(['build', 'nope.bp'], { cwd: tmp });
  assert.is(m.code, 1);
  assert.match(m.stderr, /nope\.bp/);
  const w = runCli(['build', 'hello.bp', '-o', '/nonexistent/dir/x'], { cwd: tmp });
  assert.is(w.code, 1);
  assert.match(w.stderr, /cannot write/);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
