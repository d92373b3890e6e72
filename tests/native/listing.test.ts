// Assembly listings (bpjit build -S, bpjit disasm --native): nasm assembles them back to the
// bytes bpjit build makes — every function's code (the fields a linker fills aside: they are
// relocations in nasm's object too) and its constants in .rodata — with the source lines between.
import { execaSync } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { listingOf } from '../../src/driver/build-command.js';
import { lowerProgram } from '../../src/driver/build.js';
import { readObject } from '../../src/elf/index.js';
import { DiagBag } from '../../src/lang/diag.js';
import { checkProgram } from '../../src/lang/program.js';
import { nasmSymbol } from '../../src/native/listing.js';
import { runCli } from '../helpers/child.js';
import { PROGRAMS } from '../helpers/tiers.js';
import { needs } from '../helpers/tools.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-listing-'));

// Names nasm could take for something else (a mnemonic, a register) or cannot spell.
// (add calls itself, so that it stays a function its callers call: see bytecode/inline.ts)
const ODD = `def add(a: int, b: int) -> int:
    if a < 0:
        return add(0 - a, b)
    return a + b

def rax(x: float) -> float:
    return x * 2.5

let twice: fn(int) -> int = fn(x: int) -> int: add(x, x)

def main() -> int:
    print(add(2, 3), rax(1.0), twice(4), "done")
    return 0
`;

/** Lowers `file` (in `dir`) with a listing, assembles it with nasm and compares the bytes. */
function roundTrip(dir: string, file: string): number {
  const old = process.cwd();
  process.chdir(dir);
  let mod, lowered, text;
  try {
    mod = compileProgram(checkProgram(file, new DiagBag())!);
    lowered = lowerProgram(mod, { listing: true });
    text = listingOf(mod, lowered, file);
  } finally {
    process.chdir(old);
  }
  assert.type(text, 'string', `${file} does not lower`);
  const asm = path.join(tmp, 'out.asm'), obj = path.join(tmp, 'out.o');
  fs.writeFileSync(asm, text as string);
  execaSync('nasm', ['-f', 'elf64', '-o', obj, asm]);
  const o = readObject('out.o', fs.readFileSync(obj));
  const code = o.sections.find((s) => s.name === '.text')!, rodata = o.sections.find((s) => s.name === '.rodata');
  let roAt = 0;
  for (const mf of lowered.functions) {
    const at = o.symbols.find((s) => `$${s.name}` === nasmSymbol(mf.symbol));
    assert.ok(at, `${mf.symbol} is not defined`);
    const end = mf.rodata?.start ?? mf.code.length;
    const linkerFills = new Set([...mf.relocs, ...(mf.rodata?.refs ?? [])].flatMap((r) => [0, 1, 2, 3].map((k) => r.offset + k)));
    const ours = mf.code.subarray(0, end), theirs = code.data.subarray(at!.value, at!.value + end);
    for (let i = 0; i < end; i++) if (!linkerFills.has(i) && ours[i] !== theirs[i]) assert.unreachable(`${file}: ${mf.name}+${i}: ${ours[i]} here, ${theirs[i]} from nasm`);
    if (mf.rodata) {
      roAt = Math.ceil(roAt / 16) * 16;
      assert.equal([...rodata!.data.subarray(roAt, roAt + mf.code.length - end)], [...mf.code.subarray(end)], `${mf.name}: constants`);
      roAt += mf.code.length - end;
    }
  }
  return lowered.functions.length;
}

const SAMPLE = ['lang_algo_sort', 'lang_class_inherit', 'lang_closures', 'lang_float_print', 'lang_fstring_basic', 'lang_try_nested',
  'lang_string_chains', 'lang_tail_recursion', 'lang_const_division', 'lib_map_int_keys', 'lang_trace_calls', 'lang_match'];

needs(test, 'nasm')('nasm assembles the listings of corpus programs back to the same bytes', () => {
  let functions = 0;
  for (const name of SAMPLE) functions += roundTrip(PROGRAMS, `${name}.bp`);
  assert.ok(functions > 60, `${functions} functions`);
});

needs(test, 'nasm')('names nasm would misread or cannot spell: a function named add, one named rax, a lambda of the globals', () => {
  fs.writeFileSync(path.join(tmp, 'odd.bp'), ODD);
  assert.is(roundTrip(tmp, 'odd.bp'), 5);
});

test('bpjit build -S writes the listing with the source lines; disasm --native --fn prints one function', () => {
  fs.writeFileSync(path.join(tmp, 'odd.bp'), ODD);
  const b = runCli(['build', '-S', 'odd.bp'], { cwd: tmp });
  assert.is(b.code, 0, b.stderr);
  const asm = fs.readFileSync(path.join(tmp, 'odd.asm'), 'utf8');
  assert.match(asm, /^\$add:\n {8}; odd\.bp:1 {2}def add\(a: int, b: int\) -> int:\n {8}push rbp$/m);
  assert.match(asm, /; odd\.bp:4 {2}return a \+ b/);
  assert.match(asm, /^ {8}call \$add$/m);
  assert.ok(!fs.existsSync(path.join(tmp, 'odd')), 'an executable was written');
  const d = runCli(['disasm', '--native', '--fn', 'rax', 'odd.bp'], { cwd: tmp });
  assert.is(d.code, 0, d.stderr);
  assert.match(d.stdout, /^\$rax:$/m);
  assert.not.match(d.stdout, /^\$add:$/m);
  assert.match(d.stdout, /mulsd xmm\d+, /);
});

test('a function of 40,000 statements lists (its lines were once spread into one call, past V8\'s stack)', () => {
  const body = Array.from({ length: 40000 }, (_, i) => `    v = v * 3 + ${i % 7}`).join('\n');
  fs.writeFileSync(path.join(tmp, 'long.bp'), `def long(k: int) -> int:\n    let v: int = k\n${body}\n    return v\n\ndef main() -> int:\n    print(long(1))\n    return 0\n`);
  const r = runCli(['build', '-S', 'long.bp', '-o', 'long.s'], { cwd: tmp });
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  const lines = fs.readFileSync(path.join(tmp, 'long.s'), 'utf8').split('\n');
  assert.ok(lines.length > 120000, `${lines.length} lines`);
  assert.ok(lines.some((l) => l.includes('long.bp:40001')), 'the last statement\'s line');
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
