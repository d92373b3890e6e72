// bpjit build -g: DWARF that standard readers accept (llvm-dwarfdump --verify, readelf) and that
// gdb uses as it uses a C compiler's — breakpoints at file:line, stepping by source line,
// backtraces with file:line on every frame (through the runtime's frameless functions, by their
// call frame information), arguments and locals of type int, float, bool and str, in registers,
// in xmm registers around calls and in frame slots.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, runProcess } from '../helpers/child.js';
import { needs } from '../helpers/tools.js';
import { PROGRAMS } from '../helpers/tiers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-debug-'));

const PROGRAM = `def area(w: int, h: int) -> int:
    let a: int = w * h
    return a

def scale(x: float, k: float) -> float:
    let y: float = x * k
    let big: bool = y > 1.0
    if big:
        print("big", y)
    return y

def careful(n: int) -> int:
    let tries: int = n + 1
    try:
        if n > 100:
            throw "too many"
    catch e:
        print(e)
    return tries * 2

def main() -> int:
    let total: int = 0
    for i in range(0, 3):
        total = total + area(i, 2)
    let f: float = scale(1.5, 2.0)
    let name: str = "hello"
    let c: int = careful(20)
    print(total, f, name, c)
    return 0
`;

function build(flags: string[], out: string): string {
  fs.writeFileSync(path.join(tmp, 'prog.bp'), PROGRAM);
  const b = runCli(['build', ...flags, 'prog.bp', '-o', out], { cwd: tmp });
  assert.is(b.code, 0, b.stderr);
  return path.join(tmp, out);
}

/** gdb in batch mode: the commands in order; its output. */
function gdb(exe: string, commands: string[]): string {
  const r = runProcess('gdb', ['-batch', '-nx', ...commands.flatMap((c) => ['-ex', c]), exe], { cwd: tmp });
  return r.stdout + r.stderr;
}

test('-g and --pie go with executables only', () => {
  fs.writeFileSync(path.join(tmp, 'prog.bp'), PROGRAM);
  for (const flags of [['-g', '-S'], ['--pie', '--emit-obj', 'x.o'], ['-g', '--emit-obj', 'x.o']]) {
    const r = runCli(['build', ...flags, 'prog.bp'], { cwd: tmp });
    assert.is(r.code, 2, flags.join(' '));
    assert.match(r.stderr, /is about executables/);
  }
});

test('-g runs the same program; without -g there is no debugging information', () => {
  const plain = build([], 'plain'), debug = build(['-g'], 'prog');
  const a = runProcess(plain, [], { cwd: tmp }), b = runProcess(debug, [], { cwd: tmp });
  assert.is(b.stdout, a.stdout);
  assert.is(a.stdout, 'big 3\n6 3 hello 42\n');
  const sections = (f: string) => runProcess('readelf', ['-S', '-W', f]).stdout;
  assert.not.match(sections(plain), /\.debug_/);
  for (const s of ['.debug_info', '.debug_abbrev', '.debug_line', '.debug_str', '.debug_frame', '.debug_loclists']) assert.ok(sections(debug).includes(s), s);
});

needs(test, 'llvm-dwarfdump')('llvm-dwarfdump --verify finds no errors', () => {
  const r = runProcess('llvm-dwarfdump', ['--verify', path.join(tmp, 'prog')]);
  assert.match(r.stdout, /No errors\./, r.stdout + r.stderr);
  const info = runProcess('llvm-dwarfdump', ['--debug-info', path.join(tmp, 'prog')]).stdout;
  assert.match(info, /DW_AT_language\s+\(DW_LANG_Python\)/);
  for (const name of ['area', 'scale', 'careful', 'main', 'tries', 'total', 'name']) assert.match(info, new RegExp(`DW_AT_name\\s+\\("${name}"\\)`));
});

needs(test, 'objdump')('objdump -d -S (what perf annotate runs) interleaves the source lines', () => {
  const r = runProcess('objdump', ['-d', '-S', '-l', path.join(tmp, 'prog')]);
  const scale = r.stdout.slice(r.stdout.indexOf('<scale>:'));
  assert.match(scale, /prog\.bp:6\n {4}let y: float = x \* k\n/);
  assert.match(scale, /mulsd/);
});

needs(test, 'readelf')('readelf decodes every debug section without a warning', () => {
  const r = runProcess('readelf', ['--debug-dump=info,abbrev,line,decodedline,str,loc,frames', path.join(tmp, 'prog')]);
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  assert.not.match(r.stdout, /warning|error/i);
  // every line of the program with code is in the line table
  const lines = new Set([...r.stdout.matchAll(/^prog\.bp\s+(\d+)\s+0x/gm)].map((m) => Number(m[1])));
  for (const l of [2, 3, 6, 7, 8, 9, 10, 13, 15, 16, 18, 19, 22, 23, 24, 25, 26, 27, 28, 29]) assert.ok(lines.has(l), `line ${l} is not in the line table`);
});

needs(test, 'gdb')('gdb: break at a line, arguments and locals (int, float, bool), next, backtrace', () => {
  const out = gdb(path.join(tmp, 'prog'), ['break prog.bp:7', 'run', 'info args', 'print y', 'bt', 'next', 'print big', 'next', 'info locals']);
  assert.match(out, /Breakpoint 1 at 0x[0-9a-f]+: file prog\.bp, line 7\./);
  assert.match(out, /Breakpoint 1, scale \(x=1\.5, k=2\) at prog\.bp:7/);
  assert.match(out, /^x = 1\.5\nk = 2$/m);
  assert.match(out, /^\$1 = 3$/m);
  assert.match(out, /#0 {2}scale \(x=1\.5, k=2\) at prog\.bp:7\n#1 {2}0x[0-9a-f]+ in main \(\) at prog\.bp:25/);
  assert.match(out, /^8\t {4}if big:\n\$2 = true\n9\t {8}print\("big", y\)$/m);
});

needs(test, 'gdb')('gdb: step into a call, finish, the caller\'s locals, a variable in a frame slot', () => {
  const out = gdb(path.join(tmp, 'prog'), ['break prog.bp:24', 'run', 'step', 'info args', 'finish', 'delete', 'break prog.bp:19', 'continue', 'print tries', 'print n', 'up', 'print total', 'print f', 'print *name']);
  assert.match(out, /area \(w=0, h=2\) at prog\.bp:2\n2\t {4}let a: int = w \* h/);
  assert.match(out, /^0x[0-9a-f]+ in main \(\) at prog\.bp:24\n24\t {8}total = total \+ area\(i, 2\)\nValue returned is \$1 = 0$/m);
  assert.match(out, /careful \(n=20\) at prog\.bp:19/);
  assert.match(out, /^\$2 = 21$/m);
  assert.match(out, /^\$3 = 20$/m);
  assert.match(out, /^\$4 = 6$/m);
  assert.match(out, /^\$5 = 3$/m);
  assert.match(out, /^\$6 = \{header = \d+, len = 5, data = "hello"\}$/m);
});

needs(test, 'gdb')('gdb: a backtrace from inside the runtime names every frame, with file:line for the program\'s', () => {
  const out = gdb(path.join(tmp, 'prog'), ['break bp_rt_fmt_i64', 'run', 'bt', 'frame 2', 'print total']);
  const bt = out.split('\n').filter((l) => /^#\d/.test(l));
  assert.match(bt[0], /bp_rt_fmt_i64/);
  assert.match(bt[1], /bp_rt_print_i64/);
  assert.match(bt[2], /in main \(\) at prog\.bp:28$/);
  assert.match(out, /^\$1 = 6$/m);
});

needs(test, 'llvm-dwarfdump', 'readelf')('corpus programs built with -g: classes, closures, exceptions, floats, one without location lists', () => {
  for (const name of ['lang_class_inherit', 'lang_closures', 'lang_try_nested', 'lang_float_print', 'lang_algo_sort', 'lib_err_cond_wait']) {
    const exe = path.join(tmp, name);
    const b = runCli(['build', '-g', `${name}.bp`, '-o', exe], { cwd: PROGRAMS });
    assert.is(b.code, 0, b.stderr);
    assert.match(runProcess('llvm-dwarfdump', ['--verify', exe]).stdout, /No errors\./, name);
    const r = runProcess('readelf', ['--debug-dump=info,line,frames,loc', exe]);
    assert.is(r.stderr, '', name);
    assert.not.match(r.stdout, /warning/i, name);
  }
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
