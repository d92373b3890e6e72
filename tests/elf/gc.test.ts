// The native heap and its collector, in built executables, each run under an address-space limit
// (ulimit -v) so that memory the collector fails to reclaim ends the run: 10 GB allocated with a
// 10 MB live set, arrays kept alive only by deep recursion while collections run, and a live set
// that outgrows the limit ending with the out-of-memory runtime error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-gc-'));

function buildAndRun(name: string, source: string, limitKb: number) {
  fs.writeFileSync(path.join(tmp, `${name}.bp`), source);
  const b = runCli(['build', `${name}.bp`], { cwd: tmp });
  assert.is(b.code, 0, b.stderr);
  return spawnSync('bash', ['-c', `ulimit -v ${limitKb}; exec ./${name}`], { cwd: tmp, encoding: 'latin1' });
}

test('10 GB allocated with a 10 MB live set runs in 100 MB of address space', () => {
  const rounds = 5_000_000;
  const r = buildAndRun('churn', `
def churn(rounds: int) -> int:
    let keep: [int] = array_fill(1250000, 1)
    let total: int = 0
    for r in range(0, rounds):
        let a: [int] = array_fill(200, r)
        let b: [float] = array_fill(60, 0.5)
        total = total + a[r % 200] + keep[r % 1250000] + float_to_int(b[7] * 2.0)
        if r % 1000 == 0:
            let big: [int] = array_fill(250000, 3)
            total = total + big[249999]
    return total

def main() -> int:
    print(churn(${rounds}))
    return 0
`, 100_000);
  const n = BigInt(rounds);
  assert.is(r.stderr, '');
  assert.is(r.stdout, `${(n * (n - 1n)) / 2n + 2n * n + 3n * (n / 1000n)}\n`);
  assert.is(r.status, 0);
});

test('arrays held only by deep frames survive collections made deeper down', () => {
  const r = buildAndRun('deep', `
def hold(n: int, size: int) -> int:
    let a: [int] = array_fill(size, n)
    let junk: [int] = array_fill(2000, -1)
    if n == 0:
        return a[size - 1] + junk[0] + 1
    let inner: int = hold(n - 1, size)
    return inner + a[size - 1] + a[0]

def main() -> int:
    let total: int = 0
    for rep in range(0, 40):
        total = total + hold(3000, 50 + rep)
    print(total)
    return 0
`, 200_000);
  assert.is(r.stderr, '');
  assert.is(r.stdout, `${40 * 3000 * 3001}\n`);
  assert.is(r.status, 0);
});

test('deep structures of structs, strings and maps survive collections (same output as the VM)', () => {
  const source = `
struct Node:
    kids: [Node]
    label: str
    weight: int

def tree(depth: int, tag: str) -> Node:
    let kids: [Node] = []
    if depth > 0:
        array_push(kids, tree(depth - 1, tag + "l"))
        array_push(kids, tree(depth - 1, tag + "r"))
    let w: int = 1
    for k in kids:
        w = w + k.weight
    return Node{kids: kids, label: tag, weight: w}

def check(n: Node) -> int:
    let s: int = len(n.label)
    for k in n.kids:
        s = s + check(k)
    return s

def main() -> int:
    let keep: {str: int} = {}
    let old: Node = tree(10, "keep")
    let total: int = 0
    for round in range(0, 30):
        let t: Node = tree(12, "r" + to_str(round))
        total = total + t.weight + check(old)
        try:
            if round % 5 == 0:
                throw "round " + to_str(round)
        catch e:
            keep[e] = round
        let words: [str] = []
        for i in range(0, 3000):
            array_push(words, "w" + to_str(i * round))
        keep[words[2999]] = array_len(words)
    print(total, check(old), map_len(keep), keep)
    return 0
`;
  const r = buildAndRun('deepstruct', source, 200_000);
  const vm = runCli(['run', '--no-jit', 'deepstruct.bp'], { cwd: tmp });
  assert.is(vm.code, 0, vm.stderr);
  assert.is(r.stdout, vm.stdout);
  assert.is(r.stderr, '');
  assert.is(r.status, 0);
});

test('survivors scattered among garbage of every size class stay intact (same output as the VM)', () => {
  // Strings of 0 to 40,000 bytes (every size class, and large objects), one in 37 kept: blocks
  // end up wholly dead (recycled untouched), partly live (free slots threaded) or bump blocks.
  const source = `
def main() -> int:
    let kept: [str] = []
    let seed: int = 12345
    let made: int = 0
    for round in range(0, 60):
        for i in range(0, 2000):
            seed = (seed * 1103515245 + 12345) % 2147483648
            let n: int = seed % 700
            if i % 50 == 0:
                n = seed % 40000
            let c: str = chr(97 + seed % 26)
            let s: str = str_repeat(str_repeat(c, 40), n / 40) + str_repeat(c, n % 40) + to_str(made)
            made = made + 1
            if seed % 37 == 0:
                array_push(kept, s)
        if round % 20 == 19:
            let fresh: [str] = []
            for k in range(0, array_len(kept)):
                if k % 3 != 0:
                    array_push(fresh, kept[k])
            kept = fresh
    let total: int = 0
    let check: int = 0
    for s in kept:
        total = total + len(s)
        check = (check * 31 + ord(substr(s, 0, 1)) + len(s)) % 1000000007
    print(array_len(kept), total, check, made)
    return 0
`;
  const r = buildAndRun('scatter', source, 200_000);
  const vm = runCli(['run', '--no-jit', 'scatter.bp'], { cwd: tmp });
  assert.is(vm.code, 0, vm.stderr);
  assert.is(r.stdout, vm.stdout);
  assert.is(r.status, 0, r.stderr);
});

test('a live set that outgrows memory ends with the out-of-memory error, not a crash', () => {
  const r = buildAndRun('hold', `
def hold(n: int) -> int:
    let a: [int] = array_fill(100000, n)
    if n == 0:
        return a[0]
    return hold(n - 1) + a[99999]

def main() -> int:
    print("start")
    print(hold(1000000))
    return 0
`, 300_000);
  assert.is(r.stdout, 'start\n');
  assert.is(r.stderr, 'error: out of memory (at hold.bp:3)\n');
  assert.is(r.status, 1);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
