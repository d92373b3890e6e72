// bpjit profile end to end, on every tier (everything native with --jit-threshold 1, the native
// interpreter with --no-jit, the TypeScript VM with --vm): the program's output unchanged; the
// .bpprof in the current directory; folded stacks a flame graph tool accepts, with real stacks
// when everything went native; a flame graph, an HTML page and a speedscope file from the run;
// the same counts on every tier for corpus programs; and no output ever replacing an input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';
import { ROOT } from '../helpers/paths.js';
import { argsOf } from '../helpers/tiers.js';
import { elements, parseXml } from '../helpers/xml.js';
import { checkSchema } from './speedscope-schema.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-profile-'));
const SRC = path.join(tmp, 'src');
fs.mkdirSync(SRC);
const TIERS: [string, string[]][] = [['native', ['--jit-threshold', '1']], ['interpreter', ['--no-jit']], ['vm', ['--vm']]];

// Enough work on every tier for a few dozen samples (the VM samples every 1000 calls and loop trips).
fs.writeFileSync(path.join(SRC, 'fib.bp'), `def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def main() -> int:
    let n: int = parse_int(argv()[0])
    print(fib(n))
    return 0
`);
const FIB_N: Record<string, string> = { native: '32', interpreter: '27', vm: '22' };
const fibOf = (n: number): number => (n < 2 ? n : fibOf(n - 1) + fibOf(n - 2));

/** Folded stacks as flamegraph.pl reads them: `frame;frame... count`, no empty line, no blank frame. */
function checkFolded(text: string, what: string): string[] {
  assert.ok(text.length > 0 && text.endsWith('\n'), `${what}: empty or unterminated`);
  const lines = text.slice(0, -1).split('\n');
  for (const l of lines) assert.match(l, /^[^ ;]+(?:;[^ ;]+)* [1-9]\d*$/, `${what}: ${JSON.stringify(l)}`);
  return lines;
}

for (const [tier, flags] of TIERS) {
  test(`${tier}: output unchanged, .bpprof in the current directory, folded stacks, flame graph, HTML and speedscope`, () => {
    const cwd = fs.mkdtempSync(path.join(tmp, `${tier}-`));
    const outs = ['--svg', 'fib.svg', '--html', 'fib.html', '--folded', 'fib.folded', '--speedscope', 'fib.speedscope.json'];
    const r = runCli(['profile', ...flags, ...outs, path.join(SRC, 'fib.bp'), FIB_N[tier]], { cwd });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, `${fibOf(Number(FIB_N[tier]))}\n`);
    assert.ok(fs.existsSync(path.join(cwd, 'fib.bpprof')), 'no fib.bpprof in the current directory');
    assert.not.ok(fs.existsSync(path.join(SRC, 'fib.bpprof')), 'a .bpprof next to the source');
    const data = JSON.parse(fs.readFileSync(path.join(cwd, 'fib.bpprof'), 'utf8'));
    const fib = data.functions.find((f: { name: string }) => f.name === 'fib');
    assert.is(fib.tier, tier);
    assert.ok(data.samples > 0, `${tier}: no samples`);
    // fib is on every sampled stack of the program, and the report ranks it first.
    assert.match(r.stderr, /^function\s+self ms.*\n(fib|bpjit)\s/m);
    assert.match(r.stderr, /^fib\s+\d+\.\d\s+\d+\.\d%\s+\d+\.\d\s+\d+\.\d%\s+[\d,]+\s/m);

    const folded = checkFolded(fs.readFileSync(path.join(cwd, 'fib.folded'), 'utf8'), tier);
    assert.ok(folded.some((l) => /^main;fib;fib(;fib)* \d+$/.test(l)), `${tier}: no real stack: ${folded.slice(0, 3).join(' | ')}`);
    const counted = folded.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    assert.is(counted, data.samples);

    const svg = parseXml(fs.readFileSync(path.join(cwd, 'fib.svg'), 'utf8'));
    const boxes = elements(svg, 'g').filter((g) => g.attrs.class === 'f');
    const width = (g: (typeof boxes)[number]) => Number(elements(g, 'rect')[0].attrs.width);
    const root = boxes.find((g) => g.attrs['data-d'] === '0')!;
    // The boxes of fib right above main: as wide, together, as the samples with fib on the stack.
    const fibs = boxes.filter((g) => g.attrs['data-n'] === 'fib' && g.attrs['data-d'] === '2');
    const withFib = data.stacks.filter((s: { frames: { name: string }[] }) => s.frames.some((f) => f.name === 'fib')).reduce((n: number, s: { count: number }) => n + s.count, 0);
    assert.ok(Math.abs(fibs.reduce((w, g) => w + width(g), 0) / width(root) - withFib / data.samples) < 0.01, `${tier}: fib's width`);

    const html = fs.readFileSync(path.join(cwd, 'fib.html'), 'utf8');
    assert.match(html, /<td class="code">    return fib\(n - 1\) \+ fib\(n - 2\)<\/td>/);
    assert.equal(checkSchema(JSON.parse(fs.readFileSync(path.join(cwd, 'fib.speedscope.json'), 'utf8'))), []);
  });
}

test('fib with everything native: real stacks, the calls counted in compiled code', () => {
  const cwd = fs.mkdtempSync(path.join(tmp, 'fib-'));
  const r = runCli(['profile', '--jit-threshold', '1', '--folded', 'f.folded', path.join(SRC, 'fib.bp'), '32'], { cwd });
  assert.is(r.code, 0, r.stderr);
  const data = JSON.parse(fs.readFileSync(path.join(cwd, 'fib.bpprof'), 'utf8'));
  const fib = data.functions.find((f: { name: string }) => f.name === 'fib');
  // fib(n) makes 2·fib(n+1) − 1 calls.
  assert.is(fib.calls, 2 * fibOf(33) - 1);
  const lines = checkFolded(fs.readFileSync(path.join(cwd, 'f.folded'), 'utf8'), 'fib');
  const native = data.stacks.filter((s: { frames: { tier?: string }[] }) => s.frames.some((f) => f.tier === 'native'));
  assert.ok(native.length > 0, 'no sample in compiled code');
  assert.ok(lines.filter((l) => l.startsWith('main;fib')).length > 0);
});

// Corpus programs with calls, loops, branches, closures, classes and recursion.
const AGREE = ['lang_algo_sort', 'lang_closures', 'lang_class_inherit', 'lang_hot_calls', 'lang_mutual_recursion', 'lang_map_patterns'];

test('the counts agree on every tier: calls, loop trips, branches and call sites', () => {
  const programs = path.join(ROOT, 'tests/programs');
  for (const name of AGREE) {
    const args = argsOf(fs.existsSync(path.join(programs, `${name}.args`)) ? fs.readFileSync(path.join(programs, `${name}.args`)) : null);
    const counts = TIERS.map(([tier, flags]) => {
      const out = path.join(tmp, `${name}.${tier}.bpprof`);
      const r = runCli(['profile', ...flags, '-o', out, `${name}.bp`, ...args], { cwd: programs });
      assert.is(r.stdout, fs.readFileSync(path.join(programs, `${name}.expected`), 'latin1'), `${name} (${tier})`);
      const data = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.is(data.mode, tier, `${name}: ran on ${data.mode}, not ${tier}`);
      return data.functions.map((f: { name: string; calls: number; loops: unknown; branches: unknown; callSites: unknown; instructions: number }) =>
        ({ name: f.name, calls: f.calls, loops: f.loops, branches: f.branches, callSites: f.callSites, instructions: f.instructions }));
    });
    assert.ok(counts[0].some((f: { calls: number }) => f.calls > 1), `${name}: nothing was called`);
    assert.equal(counts[0], counts[1], `${name}: everything native vs --no-jit`);
    assert.equal(counts[2], counts[1], `${name}: --vm vs --no-jit`);
  }
});

test('no output replaces an input: the program, a module it imports, or another output', () => {
  fs.writeFileSync(path.join(SRC, 'helper.bp'), 'export def twice(n: int) -> int:\n    return 2 * n\n');
  fs.writeFileSync(path.join(SRC, 'app.bp'), 'import helper\n\ndef main() -> int:\n    print(helper.twice(21))\n    return 0\n');
  const before = fs.readFileSync(path.join(SRC, 'helper.bp'), 'utf8');
  for (const opt of ['-o', '--svg', '--html', '--folded', '--speedscope']) {
    for (const [input, what] of [['app.bp', "the input 'app.bp'"], ['helper.bp', "the input '"]]) {
      const r = runCli(['profile', '--no-jit', opt, input, 'app.bp'], { cwd: SRC });
      assert.is(r.code, 2, `${opt} ${input}: exit ${r.code}`);
      assert.ok(r.stderr.includes(`${opt} '${input}' would write over ${what}`), r.stderr);
    }
  }
  const clash = runCli(['profile', '--no-jit', '--svg', 'x.out', '--html', 'x.out', 'app.bp'], { cwd: SRC });
  assert.is(clash.code, 2);
  assert.match(clash.stderr, /--html 'x\.out' would write over the output of --svg/);
  assert.is(fs.readFileSync(path.join(SRC, 'helper.bp'), 'utf8'), before);
  assert.not.ok(fs.existsSync(path.join(SRC, 'app.bpprof')) || fs.existsSync(path.join(SRC, 'x.out')));
  // The default output is in the current directory, whatever directory the program is in.
  const ok = runCli(['profile', '--no-jit', 'src/app.bp'], { cwd: tmp });
  assert.is(ok.code, 0, ok.stderr);
  assert.is(ok.stdout, '42\n');
  assert.ok(fs.existsSync(path.join(tmp, 'app.bpprof')));
  assert.match(ok.stderr, /^profile written to app\.bpprof$/m);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test.run();
