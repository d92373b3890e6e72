// The formatter: the layout rules case by case, idempotence, and meaning: every corpus program,
// formatted, runs on the VM exactly as its expectations say (and so as before).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatSource } from '../../src/lang/format.js';
import { sourceFromText } from '../../src/lang/source.js';
import { BENCH } from '../helpers/paths.js';
import { PROGRAMS, compare, corpus, runVM } from '../helpers/tiers.js';

function fmt(text: string): string {
  const r = formatSource(sourceFromText('t.bp', text));
  if (!r.ok) throw new Error(`not formatted: ${r.diags.items.map((d) => d.message).join('; ')}`);
  return r.text;
}

/** [what, input, expected output] */
const CASES: [string, string, string][] = [
  ['spacing around operators, after commas and colons', 'def main()->int:\n  let x:int=1+2*-3\n  print(x,x<<1,not true,[1,2],{"a":1},(1,))\n  return 0\n',
    'def main() -> int:\n    let x: int = 1 + 2 * -3\n    print(x, x << 1, not true, [1, 2], {"a": 1}, (1,))\n    return 0\n'],
  ['calls, indexes, struct literals, members and lambdas', 'def main() -> int:\n    let p: P = P {x: 1}\n    print (p . x, xs [0], f (1)( 2 ))\n    let g: fn(int) -> int = fn (v: int) -> int : v\n    return 0\n',
    'def main() -> int:\n    let p: P = P{x: 1}\n    print(p.x, xs[0], f(1)(2))\n    let g: fn(int) -> int = fn(v: int) -> int: v\n    return 0\n'],
  ['unary minus after keywords and operators; `- -x` keeps its space', 'def f(a: int) -> int:\n    if -a < - 1 and a != -a:\n        return - -a\n    return a - -1\n',
    'def f(a: int) -> int:\n    if -a < -1 and a != -a:\n        return - -a\n    return a - -1\n'],
  ['comments: trailing two spaces apart, own-line at the level of their code, empty block kept', 'def later() -> void:\n        # nothing yet\n\ndef main() -> int:\n    let x: int = 1 # one\n# about the return\n    return x   \n',
    'def later() -> void:\n    # nothing yet\n\ndef main() -> int:\n    let x: int = 1  # one\n    # about the return\n    return x\n'],
  ['blank lines: runs collapse, none at a block start, one between top-level declarations', '\n\nimport m\nlet g: int = 1\ndef f() -> int:\n\n    return 1\n\n\n\n    # end\n# for main\ndef main() -> int:\n    return f()\n\n\n',
    'import m\nlet g: int = 1\n\ndef f() -> int:\n    return 1\n\n    # end\n\n# for main\ndef main() -> int:\n    return f()\n'],
  ['continuation lines: one level per open bracket, closers at their opener level, headers deeper, backslashes kept', 'def f(a: int,\n  b: int) -> int:\n    let xs: [int] = [\n            1,\n               2\n  ]\n    return a + \\\n  b\n',
    'def f(a: int,\n        b: int) -> int:\n    let xs: [int] = [\n        1,\n        2\n    ]\n    return a + \\\n        b\n'],
  ['decorators stay on their declaration; import lists keep their space', 'import m (a, b)\n@packed\nstruct P:\n    x: int\n',
    'import m (a, b)\n\n@packed\nstruct P:\n    x: int\n'],
];

for (const [what, input, want] of CASES) {
  test(`fmt: ${what}`, () => {
    assert.fixture(fmt(input), want);
    assert.fixture(fmt(want), want, 'the expected layout is a fixed point');
  });
}

test('a file with syntax errors is not formatted: its diagnostics come back', () => {
  const r = formatSource(sourceFromText('t.bp', 'def main() -> int\n    return 0\n'));
  assert.ok(!r.ok && r.diags.items[0].code === 'E0012');
  const bin = formatSource(sourceFromText('b.bp', '\x89PNG\x00'));
  assert.ok(!bin.ok && bin.diags.items.length === 1 && bin.diags.items[0].code === 'E0001');
});

const sources = () => [PROGRAMS, BENCH].flatMap((d) =>
  fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.bp')).map((f) => path.join(d, f)) : []);

test('fmt is idempotent on the corpus and the benchmarks', () => {
  const bad: string[] = [];
  for (const f of sources()) {
    const once = fmt(fs.readFileSync(f).toString('latin1'));
    if (fmt(once) !== once) bad.push(path.basename(f));
  }
  assert.equal(bad, []);
});

test('every corpus program, formatted, still gives its expected output on the VM', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-fmt-'));
  try {
    for (const f of fs.readdirSync(PROGRAMS)) {
      const from = path.join(PROGRAMS, f);
      if (!fs.statSync(from).isFile()) continue;
      const text = fs.readFileSync(from);
      fs.writeFileSync(path.join(tmp, f), f.endsWith('.bp') ? Buffer.from(fmt(text.toString('latin1')), 'latin1') : text);
    }
    const problems = corpus().map((p) => compare('vm', p, runVM(p.file, { cwd: tmp, args: p.args, stdin: p.stdin }))).filter(Boolean);
    assert.equal(problems, []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
