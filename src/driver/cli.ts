// The command line: yargs commands that hand over to src/driver. Every command has --help; bad
// usage exits 2, compile and runtime errors exit 1, an internal error 70 (see exit-codes.ts).
import fs from 'node:fs';
import yargs from 'yargs';
import { writeBpc } from '../bytecode/bpc.js';
import { printModule } from '../bytecode/print.js';
import { InternalError } from '../lang/diag.js';
import { lineText, readSource } from '../lang/source.js';
import { VM } from '../vm/interp.js';
import { EXIT } from './exit-codes.js';
import { checkSource, fileOk, loadModule, userError } from './load.js';

async function cmdRun(file: string, args: string[], opts: { jit: boolean }): Promise<number> {
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  void opts;
  return new VM(mod, { args }).run();
}

function cmdCheck(file: string): number {
  return checkSource(file) ? EXIT.OK : EXIT.ERROR;
}

function cmdCompile(file: string, out: string | undefined): number {
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  const target = out ?? file.replace(/\.bp$/, '') + '.bpc';
  try {
    fs.writeFileSync(target, writeBpc(mod));
  } catch (e) {
    userError(`cannot write '${target}': ${(e as Error).message}`);
    return EXIT.ERROR;
  }
  return EXIT.OK;
}

function cmdDisasm(file: string, fn: string | undefined): number {
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  if (fn && !mod.functions.some((f) => f.name === fn)) {
    userError(`no function '${fn}' (functions: ${mod.functions.map((f) => f.name).join(', ')})`);
    return EXIT.ERROR;
  }
  const sources = new Map<number, ReturnType<typeof readSource> | null>();
  const source = (fi: number, line: number) => {
    if (!sources.has(fi)) {
      try { sources.set(fi, readSource(mod.files[fi])); } catch { sources.set(fi, null); }
    }
    const s = sources.get(fi);
    return s ? lineText(s, line) : '';
  };
  process.stdout.write(Buffer.from(printModule(mod, source, fn), 'latin1'));
  return EXIT.OK;
}

export async function main(argv: string[]): Promise<void> {
  let code: number = EXIT.OK;
  const file = (y: ReturnType<typeof yargs>, what = 'the .bp file') => y.positional('file', { type: 'string', demandOption: true, describe: what });
  try {
    await yargs(argv)
      .scriptName('bpjit')
      .usage('$0 <command> [options]\n\nBetterPython toolchain: register VM, x86-64 JIT tier, static executables.')
      .command('run <file> [args..]', 'run a program (.bp or .bpc); hot functions are compiled to native code', (y) =>
        file(y, 'the .bp or .bpc file')
          .positional('args', { type: 'string', array: true, describe: 'arguments for the program (put them after --)' })
          .option('jit', { type: 'boolean', default: true, describe: 'compile hot functions to native code (--no-jit: VM only)' }),
        async (a) => { code = await cmdRun(a.file as string, (a.args as string[] | undefined) ?? [], { jit: a.jit as boolean }); })
      .command('check <file>', 'parse and type-check a program; prints diagnostics, exit code 0 or 1', (y) => file(y),
        (a) => { code = cmdCheck(a.file as string); })
      .command('compile <file>', 'compile a program to register bytecode (.bpc)', (y) =>
        file(y).option('o', { alias: 'output', type: 'string', describe: 'output file (default: the input with .bpc)' }),
        (a) => { code = cmdCompile(a.file as string, a.o as string | undefined); })
      .command('disasm <file>', 'print the register bytecode with source lines', (y) =>
        file(y, 'the .bp or .bpc file').option('fn', { type: 'string', describe: 'only this function' }),
        (a) => { code = cmdDisasm(a.file as string, a.fn as string | undefined); })
      .demandCommand(1, 'bpjit needs a command; see bpjit --help')
      .strict()
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`bpjit: error: ${msg}\nRun 'bpjit --help' for usage.\n`);
        process.exit(EXIT.USAGE);
      })
      .parseAsync();
  } catch (e) {
    const what = e instanceof InternalError ? e.message : String((e as Error)?.message ?? e);
    process.stderr.write(`bpjit: internal error: ${what}\n`);
    if (process.env.BPJIT_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
    else process.stderr.write('(set BPJIT_DEBUG=1 for details; please report this)\n');
    process.exit(EXIT.INTERNAL);
  }
  process.exitCode = code;
}

export { fileOk };
