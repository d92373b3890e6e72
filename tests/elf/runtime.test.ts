// The assembly runtime: the checked-in object is what the sources assemble to (needs nasm), its
// generated tables are current, and its float formatter prints exactly what C's printf prints
// (needs gcc).
import { execaSync } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readObject, STT } from '../../src/elf/index.js';
import { RUNTIME_OBJECT } from '../../src/elf/runtime-object.js';
import { RT } from '../../src/native/abi.js';
import { BUILTINS } from '../../src/lang/builtins.js';
import { runtimeFormat } from '../helpers/fmt-harness.js';
import { ROOT } from '../helpers/paths.js';
import { printfOracle, sampleDoubles } from '../helpers/printf.js';
import { needs } from '../helpers/tools.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-rt-'));

needs(test, 'nasm', 'objdump')('runtime.o and its call frame table are reproducible: the sources give the checked-in files', () => {
  const out = path.join(tmp, 'runtime.o');
  execaSync('bash', [path.join(ROOT, 'scripts/build-runtime.sh'), out]);
  assert.ok(Buffer.compare(fs.readFileSync(out), fs.readFileSync(RUNTIME_OBJECT)) === 0, 'runtime-asm/runtime.o is stale: run scripts/build-runtime.sh');
  const cfi = path.join(tmp, 'runtime.cfi.json');
  assert.is(fs.readFileSync(cfi, 'utf8'), fs.readFileSync(RUNTIME_OBJECT.replace(/\.o$/, '.cfi.json'), 'utf8'), 'runtime-asm/runtime.cfi.json is stale');
});

needs(test, 'objdump')('the call frame table covers every runtime function, with the frame found at every instruction', () => {
  const table = JSON.parse(fs.readFileSync(RUNTIME_OBJECT.replace(/\.o$/, '.cfi.json'), 'utf8')) as Record<string, [number, string, number, [string, number][]][]>;
  const obj = readObject('runtime.o', fs.readFileSync(RUNTIME_OBJECT));
  for (const s of obj.sections.filter((x) => x.name.startsWith('.text.') && x.size > 0)) assert.ok(table[s.name]?.length, `no rows for ${s.name}`);
  // A frameless function: pushes and a stack adjustment, then back; a function with an rbp frame.
  assert.equal(table['.text.bp_rt_print_i64'], [[0, 'rsp', 8, []], [4, 'rsp', 48, []], [27, 'rsp', 8, []]]);
  assert.ok(table['.text.bp_rt_error'].some(([, reg, off, saved]) => reg === 'rbp' && off === 16 && saved.some(([r, k]) => r === 'rbp' && k === -16)));
  // The generator reports no instruction it could not place (it exits 1 then).
  execaSync(process.execPath, [path.join(ROOT, 'dist/scripts/gen-runtime-cfi.js'), RUNTIME_OBJECT, path.join(tmp, 'check.json')]);
});

test('the generated .inc tables match the TypeScript tables', () => {
  execaSync(process.execPath, [path.join(ROOT, 'dist/scripts/gen-runtime-inc.js'), '--check']);
});

test('the object reader decodes the runtime: sections, function symbols, relocations', () => {
  const obj = readObject('runtime.o', fs.readFileSync(RUNTIME_OBJECT));
  const fns = new Map(obj.symbols.filter((s) => s.type === STT.FUNC).map((s) => [s.name, s]));
  for (const name of ['_start', 'bp_rt_error', 'bp_rt_print_i64', 'bp_rt_print_f64', 'bp_rt_fmt_f64', 'bp_rt_exit', 'bp_rt_math_pow']) {
    assert.ok(fns.get(name)?.size, `function ${name}`);
    assert.is(obj.sections[fns.get(name)!.shndx].name, `.text.${name}`);
  }
  const start = obj.sections.find((s) => s.name === '.text._start')!;
  assert.ok(start.relocs.some((r) => obj.symbols[r.sym].name === 'bp_main' && r.type === 'R_X86_64_PC32'));
  assert.ok(obj.sections.some((s) => s.name === '.note.GNU-stack'), 'no .note.GNU-stack');
  assert.throws(() => readObject('x', fs.readFileSync(RUNTIME_OBJECT).subarray(0, 200)), /truncated|out of the file|bad section/);
  assert.throws(() => readObject('x', new Uint8Array(100)), /not an ELF/);
});

test('every runtime call of the builtin table and every RT entry is a function of the runtime', () => {
  const obj = readObject('runtime.o', fs.readFileSync(RUNTIME_OBJECT));
  const fns = new Set(obj.symbols.filter((s) => s.type === STT.FUNC && s.shndx !== 0).map((s) => s.name));
  const calls = [...BUILTINS.values()].flatMap((b) => (typeof b.native === 'object' ? [b.native.symbol] : []));
  assert.equal([...calls, ...Object.values(RT)].filter((s) => !fns.has(s) && s !== RT.stackLimit), []);
});

needs(test, 'gcc')('float formatting: the runtime matches C printf on a sample of doubles', () => {
  const oracle = printfOracle(tmp);
  const bits = sampleDoubles(4000, 7);
  let checked = 0;
  for (const [conv, prec] of [['g', 6], ['g', 17], ['g', 1], ['e', 3], ['f', 2], ['f', 0], ['e', 16]] as const) {
    const want = oracle(conv, prec, bits), got = runtimeFormat(tmp, conv, prec, bits);
    for (let i = 0; i < bits.length; i++) {
      if (got[i] !== want[i]) assert.unreachable(`%.${prec}${conv} of 0x${bits[i].toString(16)}: runtime ${got[i]}, printf ${want[i]}`);
    }
    checked += bits.length;
  }
  assert.ok(checked === 28000);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
