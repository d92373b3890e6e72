// The command line: yargs commands that hand over to src/driver. Every command has --help; bad
// usage exits 2, compile and runtime errors exit 1, an internal error 70 (see exit-codes.ts).
import fs from 'node:fs';
import yargs from 'yargs';
import { EXIT } from './exit-codes.js';
import { printDiagnostics } from './diagnostics.js';
import { frontEnd } from './front.js';
import { InternalError } from '../lang/diag.js';
import { compileProgram } from '../bytecode/compile.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { VM } from '../vm/interp.js';

function fail(msg: string, code: number = EXIT.ERROR): never {
  process.stderr.write(`bpjit: error: ${msg}\n`);
  process.exit(code);
}

function requireFile(path: string): void {
  if (!fs.existsSync(path)) fail(`cannot open '${path}': no such file`);
  if (fs.statSync(path).isDirectory()) fail(`'${path}' is a directory, not a .bp file`);
}

/** Source → bytecode, printing diagnostics; null when the program has errors. */
function compileSource(file: string): BytecodeModule | null {
  requireFile(file);
  const { program, diags } = frontEnd(file);
  if (diags.items.length) printDiagnostics(diags);
  if (!program) return null;
  return compileProgram(program);
}

async function cmdRun(file: string, args: string[], opts: { jit: boolean }): Promise<number> {
  const mod = compileSource(file);
  if (!mod) return EXIT.ERROR;
  const vm = new VM(mod, { args });
  void opts;
  return vm.run();
}

async function cmdCheck(file: string): Promise<number> {
  requireFile(file);
  const { diags } = frontEnd(file);
  if (diags.items.length) printDiagnostics(diags);
  return diags.hasErrors ? EXIT.ERROR : EXIT.OK;
}

export async function main(argv: string[]): Promise<void> {
  let code: number = EXIT.OK;
  try {
    await yargs(argv)
      .scriptName('bpjit')
      .usage('$0 <command> [options]\n\nBetterPython toolchain: register VM, x86-64 JIT tier, static executables.')
      .command('check <file>', 'parse and type-check a program; prints diagnostics, exit code 0 or 1', (y) =>
        y.positional('file', { type: 'string', demandOption: true, describe: 'the .bp file' }),
        async (a) => { code = await cmdCheck(a.file as string); })
      .command('run <file> [args..]', 'run a program (.bp or .bpc) on the VM; hot functions go native', (y) =>
        y.positional('file', { type: 'string', demandOption: true, describe: 'the .bp or .bpc file' })
          .positional('args', { type: 'string', array: true, describe: 'arguments for the program (after --)' })
          .option('jit', { type: 'boolean', default: true, describe: 'compile hot functions to native code (--no-jit: VM only)' }),
        async (a) => { code = await cmdRun(a.file as string, (a.args as string[] | undefined) ?? [], { jit: a.jit as boolean }); })
      .demandCommand(1, 'bpjit needs a command; see bpjit --help')
      .strict()
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version(false)
      .fail((msg, err, y) => {
        if (err) throw err;
        process.stderr.write(`${y.help() && ''}bpjit: error: ${msg}\nRun 'bpjit --help' for usage.\n`);
        process.exit(EXIT.USAGE);
      })
      .parseAsync();
  } catch (e) {
    if (e instanceof InternalError) {
      process.stderr.write(`bpjit: internal error: ${e.message}\n`);
      if (process.env.BPJIT_DEBUG) process.stderr.write(String(e.stack) + '\n');
      process.exit(EXIT.INTERNAL);
    }
    process.stderr.write(`bpjit: internal error: ${(e as Error).message}\n`);
    if (process.env.BPJIT_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
    process.exit(EXIT.INTERNAL);
  }
  process.exitCode = code;
}
