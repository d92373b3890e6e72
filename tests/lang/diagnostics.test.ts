// Diagnostics around the table: carets in display columns (UTF-8, wide characters, tabs), the
// LSP JSON shape (UTF-16 positions), the warning policy (-A, -W error), `# bpjit: allow(...)`
// comments, and "did you mean" distances.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DiagBag } from '../../src/lang/diag.js';
import { toLspDiagnostic } from '../../src/lang/diag-json.js';
import { renderDiagnostic } from '../../src/lang/render.js';
import { checkProgram } from '../../src/lang/program.js';
import { sourceFromText, span, utf8ToBytes } from '../../src/lang/source.js';
import { closest, editDistance } from '../../src/lang/suggest.js';

/** Checks one in-memory file with a policy; the diagnostics rendered without colour. */
function run(text: string, policy?: ConstructorParameters<typeof DiagBag>[1]) {
  const diags = new DiagBag(20, policy);
  const src = sourceFromText('t.bp', utf8ToBytes(text));
  checkProgram('t.bp', diags, { requireEntry: false, host: { read: (p) => (p === 't.bp' ? src : null) } });
  return diags.sorted();
}

test('the caret sits under the span on a line with UTF-8, wide characters and tabs', () => {
  const [d] = run('def main() -> int:\n    let s: str = "héllo 日本" + 1\n    return 0\n');
  const out = renderDiagnostic(d);
  const lines = out.split('\n');
  assert.is(lines[0], 't.bp:2:18: error[E0211]: type error: + supports int+int, float+float, or str+str (got str + int)');
  assert.is(lines[2], '2 |     let s: str = "héllo 日本" + 1');
  // `"héllo 日本" + 1` is 14 characters but 16 columns on screen: 日 and 本 take two each.
  assert.is(lines[3], '  |                  ^' + '~'.repeat(15));
  const tab = renderDiagnostic(run('def main() -> int:\n    print(1 +\t"a")\n    return 0\n')[0]).split('\n');
  assert.is(tab[2], '2 |     print(1 +   "a")');
  assert.is(tab[3], '  |           ^~~~~~~~~');
});

test('the JSON shape counts UTF-16 code units and carries code, severity, source and notes', () => {
  const [d] = run('def main() -> int:\n    let s: str = "😀"\n    print(cuont)\n    let count: int = 1\n    return count\n');
  const j = toLspDiagnostic(d);
  assert.equal(j.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 15 } });
  assert.is(j.severity, 1);
  assert.is(j.code, 'E0139');
  assert.is(j.source, 'bpjit');
  const emoji = toLspDiagnostic({ severity: 'warning', message: 'm', span: span(sourceFromText('e.bp', utf8ToBytes('"😀" x')), 7, 8) });
  assert.equal(emoji.range.start, { line: 0, character: 5 }, 'an emoji is two UTF-16 units (four bytes)');
  assert.is(emoji.severity, 2);
});

const UNUSED = 'def main() -> int:\n    let a: int = 1\n    let b: int = 2\n    return 0\n';

test('warnings: -A drops a code, -W error makes the others errors', () => {
  assert.equal(run(UNUSED).map((d) => [d.severity, d.code]), [['warning', 'W0001'], ['warning', 'W0001']]);
  assert.equal(run(UNUSED, { allow: new Set(['W0001']), warningsAsErrors: false }), []);
  const strict = run(UNUSED, { allow: new Set(), warningsAsErrors: true });
  assert.equal(strict.map((d) => [d.severity, d.code]), [['error', 'W0001'], ['error', 'W0001']]);
  assert.match(strict[0].notes!.map((n) => n.message).join(), /-W error/);
});

test('allow comments: at the end of a line, above a statement or a declaration, for a whole file', () => {
  assert.equal(run('def main() -> int:\n    let a: int = 1  # bpjit: allow(unused-variable)\n    let b: int = 2\n    return 0\n').map((d) => d.message), ["unused variable 'b'"]);
  assert.equal(run('# bpjit: allow(W0001)\ndef main() -> int:\n    let a: int = 1\n    let b: int = 2\n    return 0\n\ndef f(x: int) -> int:\n    let c: int = 3\n    return 0\n').map((d) => d.message), ["unused parameter 'x'", "unused variable 'c'"]);
  assert.equal(run('def main() -> int:\n    # bpjit: allow(unused-variable)\n    let a: int = 1\n    let b: int = 2\n    return 0\n').map((d) => d.message), ["unused variable 'b'"]);
  assert.equal(run('def f(x: int) -> int:\n    let c: int = 3\n    return 0\n# bpjit: allow-file(unused-variable, W0002)\n'), []);
  assert.equal(run('def main() -> int:\n    let s: str = "# bpjit: allow(W0001)"\n    return 0\n').map((d) => d.code), ['W0001'], 'not inside a string');
});

test('warnings are only given for programs without errors, and never for _names', () => {
  assert.equal(run('def main() -> int:\n    let a: int = "x"\n    return 0\n').map((d) => d.code), ['E0200']);
  assert.equal(run('def main() -> int:\n    let _a: int = 1\n    for _ in range(3):\n        print(1)\n    return 0\n'), []);
});

test('hiding: a variable hides a function, enum or module; a builtin hides a function', () => {
  const ws = run('enum Color:\n    RED\n\ndef len(s: str) -> int:\n    return 0\n\ndef main() -> int:\n    let Color: int = 1\n    return Color\n');
  assert.equal(ws.map((d) => d.message), ["builtin 'len' hides the function of the same name", "unused parameter 's'", "variable 'Color' hides the enum of the same name"]);
});

test('did you mean: edit distance with swaps, a third of the length at most', () => {
  assert.is(editDistance('pritn', 'print'), 1);
  assert.is(editDistance('lenght', 'length'), 1);
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(closest('lenght', ['length', 'len', 'width']), 'length');
  assert.is(closest('Pointt', ['Point', 'int']), 'Point');
  assert.is(closest('xyz', ['print', 'len']), null);
  assert.is(closest('COUNT', ['count']), 'count');
});

test.run();
