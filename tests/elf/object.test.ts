// bpjit build --emit-obj: a relocatable object that gcc links into a C program — C calls the
// program's `export def` functions (after bp_init), BetterPython calls C through its externs
// (undefined symbols the C link resolves), output is flushed with bp_flush, runtime errors end
// the process as in an executable; only the C-facing names are global.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, runProcess } from '../helpers/child.js';
import { needs } from '../helpers/tools.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-object-'));
const write = (name: string, text: string) => fs.writeFileSync(path.join(tmp, name), text);

const LIB = `let greeting: str = "hello from BetterPython"

export def add(a: int, b: int) -> int:
    return a + b

export def dist(x: float, y: float) -> float:
    return fsqrt(x * x + y * y)

export def is_even(n: int) -> bool:
    return n % 2 == 0

export def greet(times: int) -> int:
    let total: int = 0
    for i in range(0, times):
        print(greeting, i)
        total = total + len(greeting) + c_scale(i)
    return total

export def pick(n: int) -> int:
    let xs: [int] = [1, 2, 3]
    return xs[n]

extern fn c_scale(x: int) -> int from "libscale.so" as "scale_by_ten"

def main() -> int:
    return 0
`;

const MAIN = `#include <stdio.h>
#include <stdlib.h>
#include "lib.h"

int64_t scale_by_ten(int64_t x) { return x * 10; }

int main(int argc, char **argv) {
    bp_init(argc, argv);
    printf("add %ld dist %g even %ld %ld\\n", (long)add(40, 2), dist(3.0, 4.0), (long)is_even(10), (long)is_even(7));
    fflush(stdout);
    long total = (long)greet(3);
    bp_flush();
    printf("greet %ld\\n", total);
    fflush(stdout);
    printf("pick %ld\\n", (long)pick(argc > 1 ? atoi(argv[1]) : 0));
    return 0;
}
`;

test('--emit-obj and --emit-header: the object and the C declarations', () => {
  write('lib.bp', LIB);
  const r = runCli(['build', '--emit-obj', 'lib.o', '--emit-header', 'lib.h', 'lib.bp'], { cwd: tmp });
  assert.is(r.code, 0, r.stderr);
  const h = fs.readFileSync(path.join(tmp, 'lib.h'), 'utf8');
  for (const decl of ['void bp_init(int argc, char **argv);', 'void bp_flush(void);', 'int64_t add(int64_t a, int64_t b);', 'double dist(double x, double y);', 'int64_t is_even(int64_t n);']) assert.ok(h.includes(decl), decl);
  assert.not.ok(fs.existsSync(path.join(tmp, 'lib')), 'an executable was written');
});

needs(test, 'readelf')('the object: ET_REL; the exported functions and the C API global, the runtime local, the C functions undefined', () => {
  const r = runProcess('readelf', ['-a', '-W', path.join(tmp, 'lib.o')]);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /Type:\s+REL \(Relocatable file\)/);
  const globals = r.stdout.split('\n').filter((l) => /\sGLOBAL\s/.test(l)).map((l) => l.trim().split(/\s+/).pop());
  assert.equal(globals.sort(), ['add', 'bp_flush', 'bp_init', 'dist', 'greet', 'is_even', 'pick', 'scale_by_ten']);
  assert.match(r.stdout, /GLOBAL\s+DEFAULT\s+UND scale_by_ten/);
  assert.match(r.stdout, /LOCAL\s+DEFAULT\s+\d+ bp_rt_print_str/);
  assert.match(r.stdout, /\.note\.GNU-stack/);
});

needs(test, 'gcc')('gcc main.c lib.o: C calls BetterPython and BetterPython calls C; a runtime error ends the process with its message', () => {
  write('main.c', MAIN);
  for (const flags of [[], ['-O2', '-no-pie']]) {
    const g = runProcess('gcc', ['-Wall', '-Werror', ...flags, 'main.c', 'lib.o', '-o', 'app'], { cwd: tmp });
    assert.is(g.code, 0, g.stderr);
    const r = runProcess(path.join(tmp, 'app'), [], { cwd: tmp });
    assert.is(r.stdout, 'add 42 dist 5 even 1 0\nhello from BetterPython 0\nhello from BetterPython 1\nhello from BetterPython 2\ngreet 99\npick 1\n');
    assert.is(r.code, 0, r.stderr);
    const e = runProcess(path.join(tmp, 'app'), ['5'], { cwd: tmp });
    assert.is(e.code, 1);
    assert.match(e.stderr, /error: array index out of bounds \(at lib\.bp:21\)\n$/);
  }
});

test('--emit-obj refuses a program that exports nothing, and a type C cannot pass yet', () => {
  write('none.bp', 'def f() -> int:\n    return 1\n\ndef main() -> int:\n    return f()\n');
  const a = runCli(['build', '--emit-obj', 'none.o', 'none.bp'], { cwd: tmp });
  assert.is(a.code, 1);
  assert.match(a.stderr, /exports no function for C to call/);
  write('str.bp', 'export def shout(s: str) -> str:\n    return s + "!"\n\ndef main() -> int:\n    return 0\n');
  const b = runCli(['build', '--emit-obj', 'str.o', 'str.bp'], { cwd: tmp });
  assert.is(b.code, 1);
  assert.match(b.stderr, /^str\.bp:1:\d+: error.*'shout' takes or returns a type C cannot pass yet/m);
  assert.not.ok(fs.existsSync(path.join(tmp, 'str.o')));
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
