// The command-line parser in-process: one set of rules for every command of the table
// (options of bpjit before the program file, the program's words after it), values checked,
// unknown words answered with the closest valid one. tests/driver/command-line.test.ts runs the
// same rules through bin/bpjit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { didYouMean, parseCommandLine, type Invocation } from '../../src/driver/args.js';
import { editDistance } from '../../src/lang/suggest.js';
import { COMMANDS, COMMON_OPTIONS } from '../../src/driver/commands.js';
import { UsageError } from '../../src/driver/exit-codes.js';
import { commandHelp, overviewHelp } from '../../src/driver/help.js';

async function inv(argv: string[]): Promise<Invocation> {
  const line = await parseCommandLine(argv);
  if (line.kind !== 'command') throw new Error(`${argv.join(' ')}: ${line.kind}`);
  return line.inv;
}

async function usageError(argv: string[]): Promise<string> {
  try {
    await parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

test('options before the program file are bpjit\'s; everything after it is the program\'s', async () => {
  const a = await inv(['run', '--no-jit', '--jit-threshold', '5', 'p.bp', '--no-jit', '-o', 'x', '--', 'y']);
  assert.equal([a.opts.jit, a.opts['jit-threshold'], a.operands, a.programArgs], [false, '5', ['p.bp'], ['--no-jit', '-o', 'x', '--', 'y']]);
  const b = await inv(['run', 'p.bp', '--flag']);
  assert.equal([b.opts.jit, b.programArgs], [true, ['--flag']]);
  const c = await inv(['profile', 'p.bp', '-o', 'out.json']);
  assert.equal([c.opts.output, c.programArgs], [undefined, ['-o', 'out.json']]);
});

test('a line without options (not handed to yargs) is split by the same rules', async () => {
  const r = await inv(['run', 'p.bp', 'a', 'b']);
  assert.equal([r.opts, r.operands, r.programArgs], [{ jit: true }, ['p.bp'], ['a', 'b']]);
  assert.equal((await inv(['run', 'p.bp', '-x', '--', 'y'])).programArgs, ['-x', '--', 'y']);
  const c = await inv(['check', 'a.bp', 'dir']);
  assert.equal([c.opts, c.operands, c.programArgs], [{}, ['a.bp', 'dir'], []]);
  assert.is(await usageError(['build', 'a.bp', 'b.bp']), "build takes one program file, not 2: 'a.bp' 'b.bp'");
});

test('lines of operands, written-out flags and options with plain values, read without yargs, read as yargs reads them', async () => {
  const outcome = async (argv: string[], alwaysYargs: boolean) => {
    try {
      return await parseCommandLine(argv, alwaysYargs);
    } catch (e) {
      if (e instanceof UsageError) return { error: e.message };
      throw e;
    }
  };
  const lines = [
    [], ['--version'], ['-v'], ['--help'], ['-h'], ['--version', 'run'], ['--no-version', 'run', 'p.bp'],
    ['run', 'p.bp'], ['run', '--no-jit', 'p.bp', 'a', '--vm'], ['run', '--vm', '--no-jit', 'p.bp'], ['run', '--jit', '--no-jit', 'p.bp'],
    ['run', '--vm'], ['run', '-h'], ['run', '--help', 'p.bp'], ['run', '--no-help', 'p.bp'], ['run', '--vm', 'false', 'p.bp'], ['run', '--vm', 'true'],
    ['check', 'a.bp', 'dir'], ['check', 'a.bp', '--help', 'b'], ['check', '-W', 'error', 'a.bp'], ['fmt', '-w', 'a.bp', 'b.bp', '--check'],
    ['build', 'a.bp', 'b.bp'], ['build', '--pie', 'a.bp'], ['rn', 'x.bp'], ['explain'], ['explain', 'E0001', '--no-color'], ['help', 'run'],
    ['build', 'a.bp', '-o', 'exe'], ['build', '-o', 'exe', 'a.bp', '--pie'], ['build', 'a.bp', '--output', 'exe', '-o', 'x'], ['build', 'a.bp', '-o'],
    ['build', 'a.bp', '-o', '-'], ['build', 'a.bp', '-o', 'true'], ['build', 'a.bp', '--output=exe'], ['compile', 'a.bp', '-o', '-x.bpc'],
    ['run', '--jit-threshold', '5', 'p.bp', '-o', 'x'], ['run', '--jit-threshold', 'abc', 'p.bp'], ['run', '--jit-threshold', '0', 'p.bp'],
    ['check', '--color', 'never', 'a.bp'], ['check', '--color', 'blue', 'a.bp'], ['check', '-A', 'W0001', 'a.bp'], ['disasm', 'a.bp', '--fn', 'main'],
    ['profile', '-o', 'p.json', '--svg', 'f.svg', 'p.bp', 'arg'], ['--color', 'always', 'check', 'a.bp'], ['build', 'a.bp', '-o', 'exe', '--emit-obj'],
  ];
  for (const argv of lines) assert.equal(await outcome(argv, false), await outcome(argv, true), argv.join(' '));
});

test('-- ends bpjit\'s options; a -- right after the program file is dropped, a second one kept', async () => {
  assert.equal((await inv(['run', '--', '-odd.bp', '--no-jit'])).operands, ['-odd.bp']);
  assert.equal((await inv(['run', '--', '-odd.bp', '--no-jit'])).programArgs, ['--no-jit']);
  assert.equal((await inv(['run', 'p.bp', '--', 'a'])).programArgs, ['a']);
  assert.equal((await inv(['run', 'p.bp', '--', '--', 'a'])).programArgs, ['--', 'a']);
  assert.equal((await inv(['run', '-', 'a'])).operands, ['-']);
});

test('commands without a program take options anywhere, and check takes many operands', async () => {
  const b = await inv(['build', 'p.bp', '-o', 'exe', '--profile=p.bpprof']);
  assert.equal([b.operands, b.opts.output, b.opts.profile], [['p.bp'], 'exe', 'p.bpprof']);
  assert.equal((await inv(['compile', '--output', 'x.bpc', 'p.bp'])).opts.output, 'x.bpc');
  assert.equal((await inv(['check', 'a.bp', '--color=never', 'dir', '-'])).operands, ['a.bp', 'dir', '-']);
  assert.equal((await inv(['disasm', 'p.bp', '--fn', 'main'])).opts.fn, 'main');
});

test('every command takes --color and --help, before or after its name', async () => {
  for (const c of COMMANDS) {
    const operands = c.operands.min ? ['x.bp'] : [];
    const color = async (argv: string[]) => { const line = await parseCommandLine(argv); return line.kind === 'command' ? line.color : line.kind; };
    assert.is(await color([c.name, '--color', 'always', ...operands]), 'always', c.name);
    assert.is(await color(['--color=never', c.name, ...operands]), 'never', c.name);
    const help = await parseCommandLine([c.name, '--help']);
    assert.ok(help.kind === 'help' && help.command === c, c.name);
    assert.ok((await parseCommandLine([c.name, '-h', '--no-such-option'])).kind === 'help', c.name);
  }
  assert.equal(await parseCommandLine(['-v']), { kind: 'version' });
  assert.equal(await parseCommandLine(['--version']), { kind: 'version' });
  assert.is((await parseCommandLine(['--help'])).kind, 'help');
});

test('bad command lines get plain words and the closest valid spelling', async () => {
  const cases: [string[], string][] = [
    [[], 'no command given (commands: run, profile, build, check, compile, disasm, explain, fmt, lsp, help)'],
    [['rn', 'x.bp'], "unknown command 'rn' (did you mean 'run'?)"],
    [['biuld', 'x.bp'], "unknown command 'biuld' (did you mean 'build'?)"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['run', '--no-jti', 'x.bp'], "unknown option '--no-jti' (did you mean '--no-jit'?)"],
    [['run', '--jit-treshold', '5', 'x.bp'], "unknown option '--jit-treshold' (did you mean '--jit-threshold'?)"],
    [['build', 'x.bp', '--outptu', 'e'], "unknown option '--outptu' (did you mean '--output'?)"],
    [['build', 'x.bp', '--emit-llvm'], "unknown option '--emit-llvm'"],
    [['build', 'x.bp', '--emit-obj'], "option '--emit-obj' needs a value (--emit-obj FILE)"],
    [['--no-jit', 'run', 'x.bp'], "unknown option '--no-jit'"],
    [['check', '--no-jit', 'x.bp'], "unknown option '--no-jit'"],
    [['run', '-x', 'x.bp'], "unknown option '-x'"],
    [['run', '--no-output', 'x.bp'], "unknown option '--no-output'"],
    [['run', '--jit-threshold', 'abc', 'x.bp'], "option '--jit-threshold' takes a whole number of at least 1, not 'abc'"],
    [['run', '--jit-threshold=0', 'x.bp'], "option '--jit-threshold' takes a whole number of at least 1, not '0'"],
    [['run', '--jit-threshold', '1.5', 'x.bp'], "option '--jit-threshold' takes a whole number of at least 1, not '1.5'"],
    [['run', '--jit-threshold'], "option '--jit-threshold' needs a value (--jit-threshold N)"],
    [['run', '--jit=maybe', 'x.bp'], "option '--jit' takes no value (not 'maybe')"],
    [['build', 'x.bp', '-o'], "option '-o' needs a value (-o FILE)"],
    [['build', 'x.bp', '--output='], "option '--output' needs a value (--output FILE)"],
    [['profile', '--folded'], "option '--folded' needs a value (--folded FILE)"],
    [['disasm', 'x.bp', '--fn'], "option '--fn' needs a value (--fn NAME)"],
    [['check', 'x.bp', '--color=blue'], "option '--color' takes auto, always or never, not 'blue'"],
    [['run'], 'run needs a program file (bpjit run [OPTIONS] FILE [ARGS...])'],
    [['check'], 'check needs a program file or directory (bpjit check [OPTIONS] FILE|DIR...)'],
    [['build', 'a.bp', 'b.bp'], "build takes one program file, not 2: 'a.bp' 'b.bp'"],
  ];
  for (const [argv, message] of cases) assert.is(await usageError(argv), message, argv.join(' '));
});

test('suggestions: close spellings only, swapped letters count as one edit', () => {
  assert.is(editDistance('--no-jti', '--no-jit'), 1);
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(didYouMean('chek', ['run', 'check']), " (did you mean 'check'?)");
  assert.is(didYouMean('-x', ['-h', '-o']), '');
  assert.is(didYouMean('--output-file', ['--output', '--color']), '');
});

test('help is made from the table: every option, the usage line and the exit statuses', () => {
  for (const c of COMMANDS) {
    const text = commandHelp(c);
    assert.ok(text.startsWith(`Usage: bpjit ${c.name} ${c.usage}\n`), c.name);
    for (const o of [...c.options, ...COMMON_OPTIONS]) {
      assert.ok(text.includes(o.default === true ? `--no-${o.name}` : `--${o.name}${o.value ? ` ${o.value}` : ''}`), `${c.name} --${o.name}`);
      if (o.short) assert.ok(text.includes(`-${o.short}, --`), `${c.name} -${o.short}`);
    }
    assert.match(text.replace(/\s+/g, ' '), /Exit status: .*\b2 for a bad command line/, c.name);
    assert.ok(overviewHelp().includes(`  ${c.name} `), c.name);
  }
  assert.not.match(overviewHelp() + COMMANDS.map(commandHelp).join(''), /\[boolean\]|\[string\]|Show help|Positionals:|emitObj/);
});

test.run();
