// The runtime object's sections as `npm run build` saves them (dist/runtime-sections.bin, read
// by bpjit build instead of decoding runtime.o) are the sections runtime.o decodes to, and an
// executable linked from them is the same executable, byte for byte; a saved file that does not
// match runtime.o as it is now is not used.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { buildProgram } from '../../src/driver/build.js';
import type { InputSection } from '../../src/elf/index.js';
import { packSections, unpackSections } from '../../src/elf/pack.js';
import { DiagBag } from '../../src/lang/diag.js';
import { checkProgram } from '../../src/lang/program.js';
import { RUNTIME_SECTIONS, parseRuntimeSections, runtimeSections } from '../../src/elf/runtime-object.js';
import { PROGRAMS } from '../helpers/tiers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-pack-'));

/** Sections as plain data: a relocation against a section names it by its index. */
function plain(sections: InputSection[]): unknown[] {
  const index = new Map(sections.map((s, i) => [s, i]));
  return sections.map((s) => ({
    ...s, data: Buffer.from(s.data).toString('hex'),
    relocs: s.relocs.map((r) => ({ ...r, target: 'symbol' in r.target ? r.target.symbol : [index.get(r.target.section), r.target.offset] })),
  }));
}

test('the saved sections are the sections runtime.o decodes to', () => {
  const parsed = parseRuntimeSections();
  const saved = unpackSections(fs.readFileSync(RUNTIME_SECTIONS));
  assert.ok(saved, `${RUNTIME_SECTIONS} is not a packed section file`);
  assert.equal(plain(saved!.sections), plain(parsed));
  assert.equal(plain(runtimeSections()), plain(parsed));
  assert.ok(parsed.some((s) => s.kind === 'bss') && parsed.some((s) => s.relocs.some((r) => 'section' in r.target)), 'a runtime without bss or section relocations tests little');
});

test('an executable linked from the saved sections is the one linked from runtime.o', () => {
  const old = process.cwd();
  process.chdir(PROGRAMS);
  try {
    for (const name of ['lang_fstring_basic', 'lang_try_nested']) {
      const mod = compileProgram(checkProgram(`${name}.bp`, new DiagBag())!);
      const [a, b] = [runtimeSections(), parseRuntimeSections()].map((rt) => buildProgram(mod, rt));
      assert.ok(a.ok && b.ok, name);
      assert.ok(a.ok && b.ok && Buffer.compare(a.image.bytes, b.image.bytes) === 0, `${name}: the executables differ`);
    }
  } finally {
    process.chdir(old);
  }
});

test('a saved file made from another runtime.o, or not a saved file, is not used', () => {
  const stale = path.join(tmp, 'stale.bin');
  fs.writeFileSync(stale, packSections([], 'another runtime.o'));
  assert.equal(unpackSections(fs.readFileSync(stale)), { stamp: 'another runtime.o', sections: [] });
  assert.equal(plain(runtimeSections(stale)), plain(parseRuntimeSections()));
  assert.equal(plain(runtimeSections(path.join(tmp, 'missing.bin'))), plain(parseRuntimeSections()));
  for (const junk of ['', 'no newline', '1\n', '{"stamp":1,"sections":[]}\nextra bytes', 'not json\n']) assert.is(unpackSections(Buffer.from(junk)), null, junk);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
