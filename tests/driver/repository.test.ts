// The repository stands alone: nothing outside it is read, the benchmarks live in tests/bench and
// `npm run bench` runs them from there, the package says where it runs and approves the install
// scripts it needs, the README names the prerequisites and links the language guide. And the
// test runner: skipped tests counted as skipped (never passed) with the summary line
// `N passed, M failed, K skipped`, temporary files left behind counted as a failure, and colour
// by --color / FORCE_COLOR / NO_COLOR.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runNode } from '../helpers/child.js';
import { BENCH, ROOT } from '../helpers/paths.js';

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m;

/** Every file of the repository except installed and built ones. */
function files(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (['node_modules', 'dist', '.git'].includes(e.name)) return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.isFile() ? [p] : [];
  });
}

test('no file of the repository refers to the directory beside it', () => {
  const outside = [['..', 'shared'].join('/'), ['', 'work', 'shared'].join('/')];
  const bad = files().filter((f) => !/\.(o|gz|bpc)$/.test(f)).filter((f) => outside.some((o) => fs.readFileSync(f, 'latin1').includes(o)));
  assert.equal(bad.map((f) => path.relative(ROOT, f)), []);
});

test('the ten benchmarks are in tests/bench with their peers and expected output, the five public ones with reference times', () => {
  const reference = read('tests/bench/REFERENCE.md');
  const PUBLIC = ['fib', 'sieve', 'matmul', 'strings', 'maps'];
  for (const name of [...PUBLIC, 'collatz', 'calls', 'interp', 'nbody', 'binarytrees']) {
    for (const ext of ['bp', 'c', 'py', 'expected']) assert.ok(fs.existsSync(path.join(BENCH, `${name}.${ext}`)), `${name}.${ext}`);
    if (PUBLIC.includes(name)) assert.match(reference, new RegExp(`^\\| ${name}\\s+\\| \\d+`, 'm'), name);
  }
});

test('npm run bench runs the benchmarks from tests/bench and reads the reference times there', () => {
  const r = runNode([path.join(ROOT, 'dist/scripts/bench.js'), '--runs', '1', '--only', 'fib', '--tiers', 'aot', '--cpu', 'none']);
  assert.is(r.code, 0, r.stderr);
  // | benchmark | reference VM | aot | ... — the reference column comes from tests/bench/REFERENCE.md.
  assert.match(r.stdout, /^\| fib \| 931 \| \d+ \|/m);
});

test('package.json: Linux on x86-64, tools of tests and builds as dev dependencies, install scripts approved', () => {
  const pkg = JSON.parse(read('package.json'));
  assert.equal([pkg.os, pkg.cpu], [['linux'], ['x64']]);
  for (const dev of ['execa', 'elfy', 'esbuild', 'uvu', 'typescript']) assert.ok(pkg.devDependencies[dev] && !pkg.dependencies[dev], `${dev} is a dev dependency`);
  for (const used of ['koffi', 'yargs']) assert.ok(pkg.dependencies[used], `${used} is a dependency`);
  // Every installed package with an install script is approved (npm 11 warns otherwise).
  const modules = path.join(ROOT, 'node_modules');
  const names = fs.readdirSync(modules).flatMap((n) => (n.startsWith('@') ? fs.readdirSync(path.join(modules, n)).map((m) => `${n}/${m}`) : [n]));
  const scripted = names.filter((n) => {
    const file = path.join(modules, n, 'package.json');
    if (!fs.existsSync(file)) return false;
    const scripts = JSON.parse(fs.readFileSync(file, 'utf8')).scripts ?? {};
    return ['preinstall', 'install', 'postinstall'].some((s) => s in scripts);
  });
  assert.ok(scripted.includes('esbuild') && scripted.includes('koffi'), scripted.join(' '));
  assert.equal(scripted.filter((n) => pkg.allowScripts?.[n] !== true), []);
});

test('the README names the prerequisites and links the language guide in the repository', () => {
  const readme = read('README.md');
  assert.match(readme, /Node 20 or newer/);
  for (const tool of ['nasm', 'gcc', 'binutils', 'gdb', 'readelf', 'objdump', 'file']) assert.ok(readme.includes(`\`${tool}\``) || readme.includes(`(${tool})`), tool);
  assert.ok(readme.includes('(docs/LANGUAGE.md)'), 'no link to docs/LANGUAGE.md');
  const guide = read('docs/LANGUAGE.md');
  for (const part of ['Source text', 'Types', 'Statements', 'Classes', 'closures', 'Exceptions', 'Modules', 'Builtins', 'format specifications', 'differs from the C reference']) {
    assert.ok(guide.includes(part), `the guide has no part on ${part}`);
  }
});

/** scripts/run-tests.mjs on the suites matching `pattern`, in a child. */
const runTests = (args: string[], env: Record<string, string> = {}) => runNode([path.join(ROOT, 'scripts/run-tests.mjs'), ...args], { env });

test('the runner counts a test whose tool is missing as skipped, and says so', () => {
  const r = runTests(['driver/fixtures/runner-suite']);
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, /skipped \(bpjit-fixture-no-such-tool not found\): a test whose tool is missing/);
  assert.equal(SUMMARY.exec(r.stdout)?.slice(1), ['1', '0', '1']);
  assert.ok(r.stdout.trimEnd().endsWith('1 passed, 0 failed, 1 skipped'), 'the summary is the last line');
});

test('without nasm, objdump and gcc their tests are skipped and nothing claims a check against nasm', () => {
  const r = runTests(['x64/nasm|vm/fmt-float'], { PATH: path.join(ROOT, 'no-such-directory') });
  assert.is(r.code, 0, r.stdout);
  for (const tool of ['nasm', 'objdump', 'gcc']) assert.match(r.stdout, new RegExp(`skipped \\(${tool} not found\\)`));
  assert.not.match(r.stdout, /checked against nasm/);
  assert.match(r.stdout, /forms checked against the golden listing, 0 mismatches/);
  const [passed, failed, skipped] = SUMMARY.exec(r.stdout)!.slice(1).map(Number);
  assert.ok(passed > 0 && failed === 0 && skipped === 4, `${passed} passed, ${failed} failed, ${skipped} skipped`);
});

test('a temporary file a suite leaves behind is a failure', () => {
  const r = runTests(['driver/fixtures/runner-suite'], { BPJIT_FIXTURE_LEAK: '1' });
  assert.is(r.code, 1);
  assert.match(r.stdout, /The tests left temporary files behind \(removed now\): bpjit-fixture-leak/);
  assert.equal(SUMMARY.exec(r.stdout)?.slice(1), ['1', '1', '1']);
});

test('the runner colours by --color, FORCE_COLOR and NO_COLOR; its summary line stays plain', () => {
  const coloured = (args: string[], env: Record<string, string>) => {
    const r = runTests([...args, 'driver/fixtures/runner-suite'], env);
    assert.match(r.stdout, SUMMARY);
    return r.stdout.includes('\x1b[');
  };
  assert.is(coloured([], {}), false, 'a pipe gets no colour');
  assert.is(coloured([], { FORCE_COLOR: '1' }), true);
  assert.is(coloured([], { NO_COLOR: '1' }), false);
  assert.is(coloured(['--color=never'], { FORCE_COLOR: '1' }), false);
  assert.is(coloured(['--color=always'], { NO_COLOR: '1' }), true);
  const bad = runTests(['--color=sometimes']);
  assert.equal([bad.code, bad.stderr], [2, "run-tests: --color takes auto, always or never, not 'sometimes'\n"]);
});

test.run();
