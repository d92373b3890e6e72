// The encoder against nasm: every form of the form table over register, addressing-mode and
// immediate samples (a fixed seed), assembled by nasm in one run and compared byte for byte; then
// objdump decodes our bytes back (the second oracle, which also sees label-relative jumps nasm
// never saw). The same cases are also compared with the committed golden listing (nasm's bytes,
// recorded by `npm run fuzz:x64 -- --golden`), which is all that runs where nasm is missing.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Assembler, GP64, rax, rcx } from '../../src/x64/index.js';
import { Case, casesFromText, checkWithNasm, generateCases, normalize, objdump } from '../../src/x64/conformance.js';
import { ROOT } from '../helpers/paths.js';
import { needs } from '../helpers/tools.js';

export const SEED = 20261124;
export const PER_FORM = 60;
const GOLDEN = path.join(ROOT, 'tests/x64/golden/cases.txt.gz');
const REGRESS = path.join(ROOT, 'tests/x64/regress.txt');

const cases: Case[] = [...generateCases(SEED, PER_FORM), ...casesFromText(fs.readFileSync(REGRESS, 'utf8').split('\n'))];

function report(against: string, mismatches: { line: number; text: string; nasm: string; ours: string }[]): void {
  for (const m of mismatches.slice(0, 20)) console.log(`line ${m.line}: ${m.text}  nasm=${m.nasm} ours=${m.ours}`);
  console.log(`encoder conformance: ${cases.length} forms checked against ${against}, ${mismatches.length} mismatches`);
}

needs(test, 'nasm')('encoder conformance against nasm', () => {
  assert.ok(cases.length >= 20000, `only ${cases.length} forms`);
  const { mismatches } = checkWithNasm(cases);
  report('nasm', mismatches);
  assert.is(mismatches.length, 0);
});

test('encoder conformance against the committed golden listing', () => {
  const golden = new Map(zlib.gunzipSync(fs.readFileSync(GOLDEN)).toString().split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]));
  const mismatches = cases.map((c, i) => ({ line: i + 2, text: c.text, nasm: golden.get(c.text) ?? '(not in the golden listing)', ours: Buffer.from(c.bytes).toString('hex').toUpperCase() }))
    .filter((m) => m.nasm !== m.ours);
  report('the golden listing', mismatches);
  assert.is(mismatches.length, 0);
});

needs(test, 'objdump')('objdump decodes our bytes back to the intended instructions', () => {
  const sample = cases.filter((c, i) => i % 3 === 0 && !c.text.includes('rel $') && !c.text.startsWith('rep'));
  const offsets: number[] = [];
  const bytes: number[] = [];
  for (const c of sample) { offsets.push(bytes.length); bytes.push(...c.bytes); }
  const dis = objdump(Uint8Array.from(bytes));
  assert.ok(dis, 'objdump failed');
  const bad = sample.map((c, i) => [c.text, dis!.get(offsets[i]) ?? '<nothing>'] as const).filter(([a, b]) => normalize(a) !== normalize(b));
  assert.equal(bad.slice(0, 10), [], `${bad.length} of ${sample.length} decode differently`);
  assert.ok(sample.length > 5000);
});

needs(test, 'objdump')('label-relative jumps (short and relaxed) decode to their targets', () => {
  const a = new Assembler({ listing: true });
  const labels = Array.from({ length: 40 }, () => a.newLabel());
  labels.forEach((l, i) => {
    a.bind(l);
    a.jcc(['l', 'ge', 'e', 'ne', 'a', 'b'][i % 6], labels[(i * 7) % labels.length]);
    a.jmp(labels[(i * 13 + 5) % labels.length]);
    for (let k = 0; k < i * 3; k++) a.add(GP64[k % 16], k * 1000);
    a.call(labels[(i + 1) % labels.length]);
    a.mov(rax, rcx);
  });
  const mc = a.finish();
  const dis = objdump(mc.bytes);
  assert.ok(dis, 'objdump failed');
  for (const row of mc.listing) {
    const text = row.text.replace(/L(\d+)/, (_m, id: string) => '0x' + mc.labelOffset(labels.find((l) => l.id === Number(id))!).toString(16));
    assert.is(normalize(dis!.get(row.offset) ?? ''), normalize(text), `at ${row.offset}: ${row.text}`);
  }
});

test.run();
