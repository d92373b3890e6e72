// The command line through bin/bpjit, in child processes: where options end and the program's
// arguments begin, values checked (exit 2, plain words, no yargs wording), programs from standard
// input, check of several files and directories, no output written over an input, --version,
// colour by --color / FORCE_COLOR / NO_COLOR, a failed write to stdout, and the README's
// command-line section against the command table.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, COMMON_OPTIONS } from '../../src/driver/commands.js';
import { runCli } from '../helpers/child.js';
import { ROOT } from '../helpers/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-cmdline-'));
const put = (name: string, text: string) => { fs.mkdirSync(path.dirname(path.join(tmp, name)), { recursive: true }); fs.writeFileSync(path.join(tmp, name), text); return name; };
const cli = (args: string[], opts: Parameters<typeof runCli>[1] = {}) => runCli(args, { cwd: tmp, ...opts });
const ARGS = put('args.bp', 'def main() -> int:\n    for a in argv():\n        print(a)\n    return 0\n');
const HELLO = put('hello.bp', 'def main() -> int:\n    print("hello")\n    return 0\n');
const HELLO_TEXT = () => fs.readFileSync(path.join(tmp, HELLO), 'latin1');
const BAD = 'def main() -> int:\n    let x: int = "three"\n    return 0\n';
// What yargs says when it is left to speak for itself.
const YARGS_WORDING = /Not enough non-option arguments|Unknown arguments?:|Missing required argument|Invalid values:|Did you mean|\[boolean\]|\[string\]|Show help|emitObj|jitThreshold/;

function usage(args: string[], message: string): void {
  const r = cli(args);
  assert.is(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.stderr}`);
  assert.is(r.stderr.split('\n')[0], `bpjit: ${message}`, args.join(' '));
  assert.not.match(r.stderr, YARGS_WORDING, args.join(' '));
  assert.is(r.stdout, '');
}

test('options before the program file are bpjit\'s, everything after it the program\'s', () => {
  assert.is(cli(['run', ARGS, '--flag']).stdout, '--flag\n');
  assert.is(cli(['run', ARGS, 'a', '--flag']).stdout, 'a\n--flag\n');
  assert.is(cli(['run', ARGS, '--no-jit', '-o', 'x']).stdout, '--no-jit\n-o\nx\n');
  assert.is(cli(['run', '--no-jit', ARGS, 'b']).stdout, 'b\n');
  assert.is(cli(['run', ARGS, '--', '--flag']).stdout, '--flag\n');
  assert.is(cli(['run', '--jit-threshold', '1', '--', ARGS, '--help']).stdout, '--help\n');
  assert.is(cli(['profile', '--no-jit', '-o', 'a.bpprof', ARGS, '-o', 'x']).stdout, '-o\nx\n');
  assert.ok(fs.existsSync(path.join(tmp, 'a.bpprof')) && !fs.existsSync(path.join(tmp, 'x')));
});

test('bad values, missing values and operands: exit 2 with a plain message', () => {
  usage(['run', '--jit-threshold', 'abc', HELLO], "option '--jit-threshold' takes a whole number of at least 1, not 'abc'");
  usage(['build', HELLO, '-o'], "option '-o' needs a value (-o FILE)");
  usage(['profile', '--folded'], "option '--folded' needs a value (--folded FILE)");
  usage(['run', '--color=sometimes', HELLO], "option '--color' takes auto, always or never, not 'sometimes'");
  usage(['run'], 'run needs a program file (bpjit run [OPTIONS] FILE [ARGS...])');
  usage(['compile', 'a.bp', 'b.bp'], "compile takes one program file, not 2: 'a.bp' 'b.bp'");
  usage([], 'no command given (commands: run, profile, build, check, compile, disasm, explain, fmt, lsp, help)');
  const env = cli(['run', HELLO], { env: { BPJIT_JIT_THRESHOLD: 'lots' } });
  assert.is(env.code, 2);
  assert.match(env.stderr, /^bpjit: BPJIT_JIT_THRESHOLD must be a whole number of at least 1, not 'lots'/);
});

test('unknown commands and options: plain words and the closest valid one', () => {
  usage(['run', '--no-jti', HELLO], "unknown option '--no-jti' (did you mean '--no-jit'?)");
  usage(['rn', HELLO], "unknown command 'rn' (did you mean 'run'?)");
  usage(['help', 'chek'], "unknown command 'chek' (did you mean 'check'?)");
  usage(['build', HELLO, '--emit-llvm'], "unknown option '--emit-llvm'");
  usage(['-V'], "unknown option '-V'");
  const r = cli(['run', '--no-jti', HELLO]);
  assert.is(r.stderr, "bpjit: unknown option '--no-jti' (did you mean '--no-jit'?)\n(see 'bpjit run --help')\n");
});

test('-v and --version print the name and version; --help and help COMMAND print help to stdout', () => {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  for (const flag of ['-v', '--version']) assert.equal(cli([flag]), { stdout: `bpjit ${version}\n`, stderr: '', code: 0 });
  const overview = cli(['--help']);
  assert.is(overview.code, 0);
  for (const c of COMMANDS) assert.match(overview.stdout, new RegExp(`^  ${c.name} `, 'm'));
  for (const c of COMMANDS) {
    const h = cli([c.name, '--help']);
    assert.is(h.code, 0, c.name);
    assert.ok(h.stdout.startsWith(`Usage: bpjit ${c.name} ${c.usage}\n`), c.name);
    assert.is(cli(['help', c.name]).stdout, h.stdout, c.name);
    assert.not.match(h.stdout, YARGS_WORDING, c.name);
  }
});

test('run - and check - read the program from standard input', () => {
  const program = 'def main() -> int:\n    print("from stdin", array_len(argv()))\n    return 4\n';
  assert.equal(cli(['run', '-', 'a', 'b'], { input: program }), { stdout: 'from stdin 2\n', stderr: '', code: 4 });
  assert.equal(cli(['run', '--no-jit', '-'], { input: program }), { stdout: 'from stdin 0\n', stderr: '', code: 4 });
  assert.equal(cli(['check', '-'], { input: program }), { stdout: '', stderr: '', code: 0 });
  const bad = cli(['check', '-'], { input: BAD });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /^<stdin>:2:18: error(\[E\d+\])?: type error: let x: int initialized with str\n/);
  // (the VM: it names the line; the native tier does not always yet)
  const rt = cli(['run', '--vm', '-'], { input: 'def main() -> int:\n    let a: [int] = [1]\n    print(a[3])\n    return 0\n' });
  assert.equal([rt.code, rt.stderr], [1, 'error: array index out of bounds (at <stdin>:3)\n']);
  usage(['compile', '-'], 'compile of a program from standard input needs -o FILE');
});

test('check takes several files and directories, recursing into .bp files', () => {
  put('tree/good.bp', HELLO_TEXT());
  put('tree/sub/bad.bp', BAD);
  put('tree/sub/deeper/also-bad.bp', BAD.replace('"three"', '2.5'));
  put('tree/.hidden/bad.bp', BAD);
  put('tree/notes.txt', 'not a program');
  const r = cli(['check', 'tree', HELLO]);
  assert.is(r.code, 1);
  const files = [...r.stderr.matchAll(/^([\w/.-]+\.bp):\d+:\d+: error/gm)].map((m) => m[1]);
  assert.equal(files, ['tree/sub/bad.bp', 'tree/sub/deeper/also-bad.bp']);
  assert.equal(cli(['check', 'tree/good.bp', HELLO]), { stdout: '', stderr: '', code: 0 });
  fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true });
  const empty = cli(['check', 'empty']);
  assert.equal([empty.code, empty.stderr], [1, "bpjit: error: no .bp files under 'empty'\n"]);
  const missing = cli(['check', HELLO, 'missing.bp']);
  assert.equal([missing.code, missing.stderr], [1, "bpjit: error: cannot open 'missing.bp': no such file\n"]);
});

test('no command writes over one of its inputs', () => {
  put('lib.bp', 'export def twice(x: int) -> int:\n    return 2 * x\n');
  put('main.bp', 'import lib\n\ndef main() -> int:\n    print(lib.twice(21))\n    return 0\n');
  put('prog', HELLO_TEXT());
  const before = new Map(['hello.bp', 'main.bp', 'lib.bp', 'prog'].map((f) => [f, fs.readFileSync(path.join(tmp, f), 'latin1')]));
  usage(['compile', HELLO, '-o', HELLO], "-o 'hello.bp' would write over the input 'hello.bp'; choose another output file");
  usage(['profile', '-o', HELLO, HELLO], "-o 'hello.bp' would write over the input 'hello.bp'; choose another output file");
  usage(['build', HELLO, '-o', `./${HELLO}`], "-o './hello.bp' would write over the input 'hello.bp'; choose another output file");
  usage(['build', 'main.bp', '-o', 'lib.bp'], "-o 'lib.bp' would write over the input 'lib.bp'; choose another output file");
  usage(['build', 'prog'], "the default output 'prog' would write over the input 'prog'; choose another output file");
  usage(['profile', '-o', 'p.json', '--folded', 'p.json', HELLO], "--folded 'p.json' would write over the output of -o; choose another output file");
  for (const [f, text] of before) assert.is(fs.readFileSync(path.join(tmp, f), 'latin1'), text, `${f} changed`);
  // The program's own words are its own: this -o is an argument of args.bp, and nothing is written.
  assert.is(cli(['profile', '--no-jit', '-o', 'args.bpprof', ARGS, '-o', ARGS]).stdout, `-o\n${ARGS}\n`);
  assert.ok(fs.readFileSync(path.join(tmp, ARGS), 'latin1').startsWith('def main'));
});

test('colour: --color, then FORCE_COLOR, then NO_COLOR, for diagnostics and the profile report', () => {
  put('bad.bp', BAD);
  const esc = (args: string[], env: Record<string, string> = {}) => cli(args, { env }).stderr.includes('\x1b[');
  assert.is(esc(['check', 'bad.bp']), false, 'a pipe gets no colour');
  assert.is(esc(['check', 'bad.bp'], { FORCE_COLOR: '1' }), true);
  assert.is(esc(['check', 'bad.bp'], { FORCE_COLOR: '0' }), false);
  assert.is(esc(['check', 'bad.bp'], { NO_COLOR: '1' }), false);
  assert.is(esc(['check', 'bad.bp'], { NO_COLOR: '1', FORCE_COLOR: '1' }), true);
  assert.is(esc(['check', '--color=always', 'bad.bp'], { NO_COLOR: '1' }), true);
  assert.is(esc(['--color=always', 'check', 'bad.bp']), true);
  assert.is(esc(['check', '--color=never', 'bad.bp'], { FORCE_COLOR: '1' }), false);
  assert.is(esc(['profile', '--no-jit', '-o', 'c.bpprof', HELLO], { FORCE_COLOR: '1' }), true);
  assert.is(esc(['profile', '--no-jit', '--color=never', '-o', 'c.bpprof', HELLO], { FORCE_COLOR: '1' }), false);
  const plain = cli(['check', 'bad.bp']).stderr;
  assert.is(cli(['check', '--color=always', 'bad.bp']).stderr.replace(/\x1b\[[0-9;]*m/g, ''), plain);
});

test('a failed write to stdout is reported plainly with exit 1 (by the program, or by bpjit for its own output)', () => {
  for (const args of [['run', HELLO], ['run', '--no-jit', HELLO], ['run', '--vm', HELLO], ['disasm', HELLO], ['--help'], ['--version']]) {
    const r = cli(args, { stdoutFile: '/dev/full' });
    const who = args[0] === 'run' ? '' : 'bpjit: ';
    assert.equal([r.code, r.stderr], [1, `${who}error: cannot write to standard output: no space left on device\n`], args.join(' '));
  }
});

test('the README\'s command-line section lists every command, usage and option of the table', () => {
  // Markdown tables write | as \|.
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\\\|/g, '|');
  for (const c of COMMANDS) {
    assert.ok(readme.includes(`bpjit ${c.name} ${c.usage}`), `README lacks 'bpjit ${c.name} ${c.usage}'`);
    for (const o of [...c.options, ...COMMON_OPTIONS]) {
      const spelled = o.default === true ? `--no-${o.name}` : `--${o.name}`;
      assert.ok(readme.includes(spelled), `README lacks ${spelled} (${c.name})`);
    }
  }
  for (const code of ['| 1 |', '| 2 |', '| 70 |']) assert.ok(readme.includes(code), `README lacks exit status ${code}`);
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
