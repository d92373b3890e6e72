// tests/programs/errors: each program must be rejected at compile time, its first error at the
// line its .err file names (and containing the optional message fragment of the .err's line 2).
// Also: every program of the corpus and of tests/bench checks clean.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DiagBag, TooManyErrors } from '../../src/lang/diag.js';
import { checkProgram } from '../../src/lang/program.js';
import { lineCol } from '../../src/lang/source.js';
import { BENCH } from '../helpers/paths.js';
import { PROGRAMS, corpus } from '../helpers/tiers.js';

function firstError(file: string): { line: number; message: string } | null {
  const diags = new DiagBag();
  try {
    checkProgram(file, diags);
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
  }
  const d = diags.sorted().find((x) => x.severity === 'error');
  return d ? { line: lineCol(d.span.file, d.span.start).line, message: d.message } : null;
}

const ERRORS = path.join(PROGRAMS, 'errors');
const errorFiles = fs.existsSync(ERRORS) ? fs.readdirSync(ERRORS).filter((f) => f.endsWith('.bp')).sort() : [];

test('the error corpus is there', () => {
  assert.ok(errorFiles.length >= 40, `only ${errorFiles.length} programs in tests/programs/errors`);
});

for (const f of errorFiles) {
  test(`rejected: errors/${f}`, () => {
    const spec = fs.readFileSync(path.join(ERRORS, f.replace(/\.bp$/, '.err')), 'utf8').split('\n');
    const e = firstError(path.join(ERRORS, f));
    assert.ok(e, `errors/${f} was accepted`);
    assert.is(e!.line, Number(spec[0]), `first error of errors/${f}: ${e!.message}`);
    if (spec[1]?.trim()) assert.ok(e!.message.includes(spec[1].trim()), `message '${e!.message}' lacks '${spec[1].trim()}'`);
  });
}

test('every corpus program and benchmark checks clean', () => {
  const files = [...corpus().map((p) => path.join(PROGRAMS, p.file)),
    ...fs.readdirSync(BENCH).filter((f) => f.endsWith('.bp')).map((f) => path.join(BENCH, f))];
  const bad = files.map((f) => [f, firstError(f)] as const).filter(([, e]) => e).map(([f, e]) => `${path.basename(f)}:${e!.line}: ${e!.message}`);
  assert.equal(bad, []);
});

test.run();
