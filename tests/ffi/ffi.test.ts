// FFI on every tier: a C library of our own (tests/ffi/bpffi.c, compiled by gcc into a
// temporary directory) called from BetterPython on the TypeScript VM, the native interpreter,
// with every function compiled at once, and as a built executable — which is then dynamically
// linked, with the libraries as DT_NEEDED, readable by readelf and ldd. Libraries by path and by
// soname; a program without externs stays static; a missing library or symbol is an error at the
// extern's line (at build time for an absent path).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';
import { ROOT } from '../helpers/paths.js';
import type { RunResult } from '../helpers/tiers.js';
import { have, needs } from '../helpers/tools.js';

const SRC = path.join(ROOT, 'tests/ffi');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-ffi-'));
const GCC = have('gcc');
const maybe = needs(test, 'gcc');

test.before(() => {
  if (!GCC) return;
  // The soname lets a program name the library as the dynamic loader finds it (LD_LIBRARY_PATH).
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-fno-omit-frame-pointer', '-Wl,-soname,libbpffi.so.1', '-o', path.join(tmp, 'libbpffi.so'), path.join(SRC, 'bpffi.c')]);
  fs.copyFileSync(path.join(tmp, 'libbpffi.so'), path.join(tmp, 'libbpffi.so.1'));
});

const write = (name: string, text: string) => { fs.writeFileSync(path.join(tmp, name), text); return name; };
const ENV = { LD_LIBRARY_PATH: tmp };

const TIERS: Record<string, string[]> = { vm: ['--vm'], jit: ['--jit-threshold', '1'], interp: ['--no-jit'] };

/** `file` (in tmp) on every tier: the in-process ones, then built and run as an executable. */
function everyTier(file: string): Record<string, RunResult> {
  const out: Record<string, RunResult> = {};
  for (const [tier, flags] of Object.entries(TIERS)) out[tier] = runCli(['run', ...flags, file], { cwd: tmp, env: ENV });
  const exe = file.replace(/\.bp$/, '');
  const b = runCli(['build', file, '-o', exe], { cwd: tmp });
  if (b.code !== 0) out.exe = { ...b, stderr: `build failed: ${b.stderr}` };
  else {
    const r = spawnSync(path.join(tmp, exe), [], { cwd: tmp, env: { ...process.env, ...ENV }, encoding: 'latin1' });
    out.exe = { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 128 };
  }
  return out;
}

function sameEverywhere(file: string, want: Partial<RunResult>): void {
  for (const [tier, got] of Object.entries(everyTier(file))) {
    if (want.stdout !== undefined) assert.is(got.stdout, want.stdout, `${tier}: stdout (stderr: ${got.stderr})`);
    if (want.stderr !== undefined) assert.is(got.stderr, want.stderr, `${tier}: stderr`);
    if (want.code !== undefined) assert.is(got.code, want.code, `${tier}: exit code (stderr: ${got.stderr})`);
  }
}

maybe('every parameter and result type, many and mixed arguments, strings both ways, alignment, clobbered registers', () => {
  fs.copyFileSync(path.join(SRC, 'abi.bp'), path.join(tmp, 'abi.bp'));
  sameEverywhere('abi.bp', { stdout: fs.readFileSync(path.join(SRC, 'abi.expected'), 'latin1'), stderr: '', code: 0 });
});

const BY_SONAME = `extern fn add_i64(a: int, b: int) -> int from "libbpffi.so.1"
extern fn c_strlen(s: str) -> int from "libc.so.6" as "strlen"
extern fn c_cbrt(x: float) -> float from "libm.so.6" as "cbrt"

def main() -> int:
    print(add_i64(2, 3), c_strlen("four"), c_cbrt(27.0))
    return 0
`;

maybe('libraries by soname: ours through LD_LIBRARY_PATH, libc and libm', () => {
  write('soname.bp', BY_SONAME);
  sameEverywhere('soname.bp', { stdout: '5 4 3\n', code: 0 });
});

needs(test, 'gcc', 'readelf', 'ldd')('an executable with externs is dynamically linked: readelf -d lists the libraries, ldd resolves them', () => {
  write('soname.bp', BY_SONAME);
  assert.is(runCli(['build', 'soname.bp', '-o', 'soname'], { cwd: tmp }).code, 0);
  const exe = path.join(tmp, 'soname');
  const dyn = spawnSync('readelf', ['-d', '-l', '-W', exe], { encoding: 'utf8' });
  assert.is(dyn.stderr, '');
  const needed = [...dyn.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[(.*)\]/g)].map((m) => m[1]);
  assert.equal(needed, ['libbpffi.so.1', 'libc.so.6', 'libm.so.6']);
  assert.match(dyn.stdout, /Requesting program interpreter: \/lib64\/ld-linux-x86-64\.so\.2/);
  assert.match(dyn.stdout, /\(FLAGS\)\s+BIND_NOW/);
  const relocs = spawnSync('readelf', ['-r', '-W', exe], { encoding: 'utf8' }).stdout;
  assert.is((relocs.match(/R_X86_64_GLOB_DAT/g) ?? []).length, 3);
  const ldd = spawnSync('ldd', [exe], { encoding: 'utf8', env: { ...process.env, ...ENV } });
  assert.is(ldd.status, 0, ldd.stderr);
  assert.match(ldd.stdout, new RegExp(`libbpffi\\.so\\.1 => ${tmp.replace(/[.]/g, '\\.')}/libbpffi\\.so\\.1`));
  assert.match(ldd.stdout, /libm\.so\.6 => /);
});

test('a program without externs stays static: no interpreter, no dynamic section', () => {
  write('plain.bp', 'def main() -> int:\n    print(secure_compare("a", "a"), len(random_bytes(4)))\n    return 0\n');
  assert.is(runCli(['build', 'plain.bp', '-o', 'plain'], { cwd: tmp }).code, 0);
  const bytes = fs.readFileSync(path.join(tmp, 'plain'));
  const phoff = Number(bytes.readBigUInt64LE(32)), phnum = bytes.readUInt16LE(56);
  const types = Array.from({ length: phnum }, (_, i) => bytes.readUInt32LE(phoff + 56 * i));
  assert.ok(!types.includes(3) && !types.includes(2), `program header types ${types}`);
  const r = spawnSync(path.join(tmp, 'plain'), { encoding: 'utf8' });
  assert.is(r.stdout, 'true 8\n');
});

maybe('a symbol missing from its library: the error names the extern line, on every tier, before the program runs', () => {
  write('nosym.bp', 'extern fn gone() -> int from "libc.so.6" as "bp_no_such_function"\n\ndef main() -> int:\n    print("started")\n    return gone()\n');
  sameEverywhere('nosym.bp', { stdout: '', stderr: "error: FFI: symbol 'bp_no_such_function' not found in 'libc.so.6' (at nosym.bp:1)\n", code: 1 });
});

maybe('a library path that does not exist: bpjit build refuses at the extern line; the other tiers fail at start-up', () => {
  write('nolib.bp', 'def main() -> int:\n    print("started")\n    return f()\n\nextern fn f() -> int from "./missing/libgone.so"\n');
  const b = runCli(['build', 'nolib.bp', '-o', 'nolib'], { cwd: tmp });
  assert.is(b.code, 1);
  assert.match(b.stderr, /^nolib\.bp:5:\d+: error: FFI: cannot load library '\.\/missing\/libgone\.so': no such file \(extern 'f'\)/m);
  assert.ok(!fs.existsSync(path.join(tmp, 'nolib')));
  for (const flags of Object.values(TIERS)) {
    const r = runCli(['run', ...flags, 'nolib.bp'], { cwd: tmp });
    assert.is(r.stdout, '');
    assert.is(r.code, 1);
    assert.match(r.stderr, /^error: FFI: cannot load library '\.\/missing\/libgone\.so': .*No such file or directory \(at nolib\.bp:5\)\n$/);
  }
});

maybe('a soname nothing provides: an error at start-up (the executable: from the dynamic loader)', () => {
  write('nosoname.bp', 'extern fn f() -> int from "libbp_nowhere.so.3"\n\ndef main() -> int:\n    return f()\n');
  for (const flags of Object.values(TIERS)) {
    const r = runCli(['run', ...flags, 'nosoname.bp'], { cwd: tmp });
    assert.is(r.code, 1);
    assert.match(r.stderr, /^error: FFI: cannot load library 'libbp_nowhere\.so\.3': .* \(at nosoname\.bp:1\)\n$/);
  }
  assert.is(runCli(['build', 'nosoname.bp', '-o', 'nosoname'], { cwd: tmp }).code, 0);
  const r = spawnSync(path.join(tmp, 'nosoname'), { encoding: 'utf8' });
  assert.is(r.status, 127);
  assert.match(r.stderr, /libbp_nowhere\.so\.3: cannot open shared object file/);
});

maybe('an extern declared but never called needs no library', () => {
  write('unused.bp', 'extern fn f() -> int from "./missing/libgone.so"\n\ndef main() -> int:\n    print("fine")\n    return 0\n');
  sameEverywhere('unused.bp', { stdout: 'fine\n', code: 0 });
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
