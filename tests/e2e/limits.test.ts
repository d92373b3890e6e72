// Resource limits and the file system, the same on every tier: the heap limit (BPJIT_HEAP_LIMIT,
// checked before anything runs; strings held whole), a collection whose work list outgrows its
// first 2^20 entries (an array of 2.2 million objects), and file names in UTF-8 (paths are byte
// strings).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HEAP_MAX, HEAP_MIN, heapLimit } from '../../src/bytecode/limits.js';
import { runCli, runProcess } from '../helpers/child.js';
import { TIERS, prepare } from '../helpers/tier-commands.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-limits-'));
const write = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };

/** Runs `program` on every tier (in `cwd`, with `env`); the results by tier. */
function everywhere(program: string, env: Record<string, string> = {}, cwd = tmp): Map<string, { code: number; stdout: string; stderr: string }> {
  const out = new Map<string, { code: number; stdout: string; stderr: string }>();
  for (const tier of TIERS) {
    const p = prepare(tier, program, tmp);
    if ('failed' in p) { out.set(tier.name, { code: -1, stdout: '', stderr: `build: ${p.failed.stderr}` }); continue; }
    const [file, args] = tier.command(program, p.exe);
    out.set(tier.name, runProcess(file, args, { env, cwd }));
  }
  return out;
}

test('BPJIT_HEAP_LIMIT: sizes with K, M, G, T; clamped; anything else is not a size', () => {
  assert.is(heapLimit('64M', 0), 64 << 20);
  assert.is(heapLimit('2g', 0), 2 ** 31);
  assert.is(heapLimit('1234567', 0), 1234567);
  assert.is(heapLimit('1', 0), HEAP_MIN);
  assert.is(heapLimit('9999T', 0), HEAP_MAX);
  assert.is(heapLimit(undefined, 16 * 2 ** 30), 2 * 2 ** 30);
  assert.is(heapLimit(undefined, 64 * 2 ** 30), 3 * 2 ** 30);
  for (const bad of ['', 'abc', '5X', '1.5G', '-1', '4 G', '4GB']) assert.is(heapLimit(bad, 0), null, bad);
});

const GROW = write('grow.bp', `def main() -> int:
    let xs: [str] = []
    let s: str = str_repeat("ab", 500)
    let i: int = 0
    while i >= 0:
        array_push(xs, s + to_str(i))
        i = i + 1
    return 0
`);

test('a program that outgrows the heap limit is out of memory on every tier', () => {
  for (const [tier, r] of everywhere(GROW, { BPJIT_HEAP_LIMIT: '64M' })) {
    assert.is(r.code, 1, `${tier}: ${r.stderr}`);
    assert.match(r.stderr, /(^|\n)error: out of memory \(at .*grow\.bp:6\)\n$/, tier);
  }
});

test('strings made with + from one another are held whole on every tier: out of memory, not a stack overflow in the VM', () => {
  // (V8 joins strings lazily: the VM held each frame's string as a rope of the one before it)
  const deep = write('deep_str.bp', `def grow(s: str, n: int) -> int:
    let k: int = grow(s + to_str(n % 10), n + 1)
    return k + len(s)

def main() -> int:
    print(grow("", 0))
    return 0
`);
  for (const [tier, r] of everywhere(deep, { BPJIT_HEAP_LIMIT: '64M' })) {
    assert.is(r.code, 1, `${tier}: ${r.stderr}`);
    assert.match(r.stderr, /(^|\n)error: out of memory \(at .*deep_str\.bp:2\)\n$/, tier);
  }
});

test('a string appended to itself is held twice on every tier: it stops within the heap limit', () => {
  // (the VM held s + s as a rope of s with itself, s once: under 64M it doubled to 256 MiB, V8's
  // longest string, where executables stop at 32 MiB)
  const twice = write('twice.bp', `def main() -> int:
    let s: str = "ab"
    for _ in range(0, 40):
        s = s + s
        print(len(s))
    return 0
`);
  for (const [tier, r] of everywhere(twice, { BPJIT_HEAP_LIMIT: '64M' })) {
    assert.match(r.stderr, /(^|\n)error: out of memory \(at .*twice\.bp:4\)\n$/, tier);
    const longest = Math.max(...r.stdout.trim().split('\n').map(Number));
    assert.ok(longest >= 2 ** 24 && longest <= 2 ** 26, `${tier}: ${longest}`);
  }
});

test('a heap limit that is not a size is refused before the program runs', () => {
  for (const [tier, r] of everywhere(GROW, { BPJIT_HEAP_LIMIT: '5X' })) {
    assert.is(r.code, 2, `${tier}: ${r.stderr}`);
    assert.match(r.stderr, /BPJIT_HEAP_LIMIT must be a size such as 512M or 4G, not '5X'/, tier);
  }
});

test('an array of 2.2 million objects survives collections on every tier (the mark stack grows)', () => {
  const many = write('many.bp', `struct P:
    x: int

def main() -> int:
    let xs: [P] = []
    for i in range(0, 2200000):
        array_push(xs, P{x: i})
    let junk: int = 0
    for i in range(0, 3000000):
        junk = junk + len(to_str(i))
    let total: int = 0
    for p in xs:
        total = total + p.x
    print(total, junk)
    return 0
`);
  for (const [tier, r] of everywhere(many)) assert.equal([r.code, r.stdout, r.stderr], [0, '2419998900000 19888890\n', ''], tier);
});

test('file names in UTF-8 are opened as they are on every tier', () => {
  const files = write('files.bp', `def main() -> int:
    let name: str = "donnée-日本.txt"
    print(file_write(name, "contenu"), file_exists(name), file_size(name), file_read(name))
    print(file_copy(name, argv()[0] + ".copie"), file_read("été.txt"))
    print(file_exists("a" + chr(0) + "b"), file_write("a" + chr(0) + "b", "x"))
    return 0
`);
  fs.writeFileSync(path.join(tmp, 'été.txt'), 'soleil');
  for (const tier of TIERS) {
    const p = prepare(tier, files, tmp);
    assert.ok('exe' in p, tier.name);
    const [file, args] = tier.command(files, (p as { exe: string }).exe);
    const r = runProcess(file, [...args, 'è'], { cwd: tmp });
    assert.equal([r.code, r.stdout, r.stderr], [0, 'true true 7 contenu\ntrue soleil\nfalse false\n', ''], tier.name);
    assert.is(fs.readFileSync(path.join(tmp, 'donnée-日本.txt'), 'utf8'), 'contenu', tier.name);
    assert.is(fs.readFileSync(path.join(tmp, 'è.copie'), 'utf8'), 'contenu', tier.name);
    for (const f of ['donnée-日本.txt', 'è.copie']) fs.rmSync(path.join(tmp, f));
  }
});

test('bpjit run refuses a bad BPJIT_HEAP_LIMIT as a usage error', () => {
  const r = runCli(['run', GROW], { env: { BPJIT_HEAP_LIMIT: 'lots' } });
  assert.equal([r.code, r.stderr.split('\n')[0]], [2, "bpjit: BPJIT_HEAP_LIMIT must be a size such as 512M or 4G, not 'lots'"]);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
