// Every row of the diagnostics table (src/lang/messages.ts): codes and names unique, codes in
// sequence, an explanation and an example; and each example, checked as a program, gives that
// diagnostic first, rendered exactly as tests/lang/codes/CODE.stderr says (caret, notes and all).
// BPJIT_BLESS=1 rewrites the .stderr files from the current output (review the diff).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { explainText } from '../../src/driver/explain.js';
import { DiagBag, TooManyErrors } from '../../src/lang/diag.js';
import { MESSAGES, exampleFiles, findMessage } from '../../src/lang/messages.js';
import { checkProgram } from '../../src/lang/program.js';
import { renderDiagnostic, summary } from '../../src/lang/render.js';
import { ROOT } from '../helpers/paths.js';

const GOLDEN = path.join(ROOT, 'tests/lang/codes');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-codes-'));
/** Examples that cannot be text: E0001's is a file holding the start of a PNG image. */
const BYTES: Record<string, Buffer> = { E0001: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]) };

function run(code: string): { first: string | undefined; text: string } {
  const row = findMessage(code)!;
  const dir = path.join(tmp, code);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of exampleFiles(row)) fs.writeFileSync(path.join(dir, f.name), BYTES[code] && f.name === 'main.bp' ? BYTES[code] : f.text);
  const diags = new DiagBag();
  const old = process.cwd();
  process.chdir(dir);
  try {
    checkProgram('main.bp', diags);
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
  } finally {
    process.chdir(old);
  }
  const items = diags.sorted();
  return { first: items[0]?.code, text: items.map((d) => renderDiagnostic(d)).join('') + summary(diags.errorCount, diags.warningCount, diags.cap) };
}

test('codes and names are unique; codes run in sequence per series', () => {
  const codes = MESSAGES.map((r) => r.code), names = MESSAGES.map((r) => r.name);
  assert.is(new Set(codes).size, codes.length);
  assert.is(new Set(names).size, names.length);
  for (const r of MESSAGES) assert.match(r.code, /^[EW]\d{4}$/);
  for (const r of MESSAGES) assert.match(r.name, /^[a-z]+(-[a-z]+)*$/);
  for (const series of ['E00', 'E01', 'E02', 'W00']) {
    const nums = codes.filter((c) => c.startsWith(series)).map((c) => Number(c.slice(3)));
    assert.equal(nums, nums.map((_, i) => nums[0] + i), `gaps in ${series}xx`);
  }
});

for (const row of MESSAGES) {
  test(`${row.code} ${row.name}: explained, and its example gives it`, () => {
    assert.ok(row.explain.length > 40, 'explanation too short');
    const text = explainText(row);
    assert.ok(text.startsWith(`${row.code} (${row.name}): `) && text.includes('Example:'), text);
    const got = run(row.code);
    assert.is(got.first, row.code, got.text);
    const golden = path.join(GOLDEN, `${row.code}.stderr`);
    if (process.env.BPJIT_BLESS) fs.writeFileSync(golden, got.text);
    assert.ok(fs.existsSync(golden), `missing ${golden} (BPJIT_BLESS=1 writes it)`);
    assert.fixture(got.text, fs.readFileSync(golden, 'utf8'));
  });
}

test('no golden file without a row', () => {
  const extra = fs.readdirSync(GOLDEN).filter((f) => !findMessage(f.replace(/\.stderr$/, '')));
  assert.equal(extra, []);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
