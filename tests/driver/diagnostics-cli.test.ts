// Diagnostics, explain and fmt from the command line: warnings on stderr without changing the
// exit status, -W error, -A/--allow, --error-format json, a binary file, `bpjit explain`, and
// `bpjit fmt` printing, --check and -w.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/child.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-diag-cli-'));
const write = (name: string, text: string | Buffer) => {
  fs.writeFileSync(path.join(tmp, name), text);
  return name;
};
const noStackTrace = (s: string) => !/\n\s+at .*:\d+:\d+/.test(s) && !/internal error/.test(s);

const warned = write('warned.bp', 'def main() -> int:\n    let unused: int = 1\n    print("ok")\n    return 3\n');

test('warnings go to stderr and leave the exit status alone; -W error makes them errors', () => {
  const r = runCli(['run', warned], { cwd: tmp });
  assert.is(r.stdout, 'ok\n');
  assert.is(r.code, 3);
  assert.match(r.stderr, /^warned\.bp:2:9: warning\[W0001\]: unused variable 'unused'\n/);
  assert.match(r.stderr, /\n1 warning\n$/);
  const c = runCli(['check', warned], { cwd: tmp });
  assert.is(c.code, 0);
  const strict = runCli(['check', '-W', 'error', warned], { cwd: tmp });
  assert.is(strict.code, 1);
  assert.match(strict.stderr, /error\[W0001\]: unused variable 'unused'/);
  assert.match(strict.stderr, /\n1 error\n$/);
});

test('-A CODE and --allow NAME silence a warning; an unknown code is a usage error', () => {
  for (const flag of [['-A', 'W0001'], ['--allow', 'unused-variable'], ['--allow=W0001']]) {
    const r = runCli(['check', ...flag, warned], { cwd: tmp });
    assert.is(r.code, 0, flag.join(' '));
    assert.is(r.stderr, '', flag.join(' '));
  }
  const two = write('two.bp', 'def f(x: int) -> int:\n    let y: int = 1\n    return 0\n\ndef main() -> int:\n    return f(1)\n');
  for (const flags of [['-A', 'W0001', '-A', 'unused-parameter'], ['--allow', 'W0001,W0002'], ['-A=W0002', '--allow=W0001']]) {
    const r = runCli(['check', ...flags, two], { cwd: tmp });
    assert.is(r.stderr, '', flags.join(' '));
  }
  assert.match(runCli(['check', '-A', 'W0001', two], { cwd: tmp }).stderr, /W0002/);
  const bad = runCli(['check', '-A', 'W9999', warned], { cwd: tmp });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /'W9999' is not a warning/);
});

test('--error-format json: one line per file in the LSP shape', () => {
  const f = write('bad.bp', 'def main() -> int:\n    let s: str = "é"\n    pritn(s)\n    return 0\n');
  const r = runCli(['check', '--error-format', 'json', f], { cwd: tmp });
  assert.is(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1);
  const p = JSON.parse(lines[0]);
  assert.is(p.uri, pathToFileURL(path.join(tmp, 'bad.bp')).href);
  assert.equal(p.diagnostics[0].range, { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } });
  assert.is(p.diagnostics[0].code, 'E0222');
  assert.is(p.diagnostics[0].severity, 1);
  assert.is(p.diagnostics[0].source, 'bpjit');
  assert.match(p.diagnostics[0].relatedInformation[0].message, /did you mean the builtin 'print'/);
});

test('--error-format json: bpjit\'s own problems too (a missing file, a bad .bpc, a bad command line)', () => {
  const bpc = write('junk.bpc', 'not bytecode');
  const clean = write('clean.bp', 'def main() -> int:\n    return 0\n');
  const cases: [string[], number, string | null, RegExp][] = [
    [['check', '--error-format', 'json', 'missing.bp'], 1, 'missing.bp', /^cannot open 'missing\.bp': no such file$/],
    [['run', '--error-format=json', bpc], 1, bpc, /^junk\.bpc: not a bpjit \.bpc file/],
    [['check', '--error-format', 'json', '--frob', 'x.bp'], 2, null, /^unknown option '--frob'\n\(see 'bpjit check --help'\)$/],
    [['build', '--error-format', 'json'], 2, null, /^build needs a program file/],
    [['run', '--error-format', 'json', '--jit-threshold', 'x', 'x.bp'], 2, null, /takes a whole number of at least 1, not 'x'/],
    [['disasm', '--error-format', 'json', '--fn', 'nope', clean], 1, clean, /^no function 'nope'/],
  ];
  for (const [argv, code, file, message] of cases) {
    const r = runCli(argv, { cwd: tmp });
    assert.is(r.code, code, argv.join(' '));
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    const p = JSON.parse(lines[0]);
    assert.is(p.uri, pathToFileURL(file ? path.join(tmp, file) : tmp).href, argv.join(' '));
    assert.equal(p.diagnostics.length, 1);
    const d = p.diagnostics[0];
    assert.equal([d.severity, d.source, d.range], [1, 'bpjit', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }]);
    assert.match(d.message, message, argv.join(' '));
  }
  // Without it, the same problems in words.
  assert.is(runCli(['check', 'missing.bp'], { cwd: tmp }).stderr, "bpjit: error: cannot open 'missing.bp': no such file\n");
});

test('a binary file is rejected with one error, without echoing its bytes', () => {
  const f = write('image.bp', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0xff, 0xfe]));
  const r = runCli(['run', f], { cwd: tmp });
  assert.is(r.code, 1);
  assert.is(r.stderr, 'image.bp:1:1: error[E0001]: not a BetterPython source file: byte 0x89 is not valid UTF-8 (source files are UTF-8 text)\n1 error\n');
});

test('explain: one code, by code or name; the list; an unknown code', () => {
  const r = runCli(['explain', 'E0139']);
  assert.is(r.code, 0);
  assert.match(Buffer.from(r.stdout, 'latin1').toString('utf8'), /^E0139 \(undefined-variable\): undefined variable '…'\n/);
  assert.match(r.stdout, /Example:\n\n {4}def main\(\) -> int:/);
  assert.is(Buffer.from(runCli(['explain', 'unused-variable']).stdout, 'latin1').toString('utf8').split('\n')[0], "W0001 (unused-variable): unused variable '…'");
  assert.match(runCli(['explain', 'w0001']).stdout, /-A W0001/);
  const all = runCli(['explain']);
  assert.match(all.stdout, /^E0001 {2}not-text/);
  assert.match(all.stdout, /\nW0006 {2}constant-comparison/);
  const bad = runCli(['explain', 'E9999']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /no diagnostic 'E9999'/);
  assert.ok(noStackTrace(bad.stderr));
});

test('fmt: prints, --check lists what would change (exit 1), -w rewrites; syntax errors are reported', () => {
  const messy = write('messy.bp', 'def main()->int:\n  let x:int=1+2\n  print(x)\n  return 0\n');
  const clean = 'def main() -> int:\n    let x: int = 1 + 2\n    print(x)\n    return 0\n';
  const tidy = write('tidy.bp', clean);
  const out = runCli(['fmt', messy], { cwd: tmp });
  assert.is(out.code, 0);
  assert.is(out.stdout, clean);
  const check = runCli(['fmt', '--check', messy, tidy], { cwd: tmp });
  assert.is(check.code, 1);
  assert.is(check.stdout, 'messy.bp\n');
  assert.is(runCli(['fmt', '-w', messy, tidy], { cwd: tmp }).code, 0);
  assert.is(fs.readFileSync(path.join(tmp, messy), 'utf8'), clean);
  assert.is(runCli(['fmt', '--check', messy, tidy], { cwd: tmp }).code, 0);
  const broken = write('broken.bp', 'def main() -> int\n    return 0\n');
  const b = runCli(['fmt', '-w', broken], { cwd: tmp });
  assert.is(b.code, 1);
  assert.match(b.stderr, /broken\.bp:1:18: error\[E0012\]/);
  assert.is(fs.readFileSync(path.join(tmp, broken), 'utf8'), 'def main() -> int\n    return 0\n');
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
