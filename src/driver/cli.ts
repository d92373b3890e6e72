// The command line: yargs commands that hand over to src/driver. Every command has --help; bad
// usage exits 2, compile and runtime errors exit 1, an internal error 70 (see exit-codes.ts).
import fs from 'node:fs';
import path from 'node:path';
import { writeBpc } from '../bytecode/bpc.js';
import { printModule } from '../bytecode/print.js';
import { DiagBag, InternalError } from '../lang/diag.js';
import { SourceFile, lineText, readSource, sourceFromText, span } from '../lang/source.js';
import { printDiagnostics } from './diagnostics.js';
import { VM } from '../vm/interp.js';
import { collectProfile, formatReport, StackSampler } from '../vm/profile.js';
import { EXIT } from './exit-codes.js';
import { checkSource, fileOk, loadModule, userError } from './load.js';

/** The JIT threshold: --jit-threshold, else BPJIT_JIT_THRESHOLD, else the reference's 100 calls. */
function jitThreshold(flag: number | undefined): number {
  const env = Number(process.env.BPJIT_JIT_THRESHOLD);
  return flag ?? (Number.isFinite(env) && env > 0 ? env : 100);
}

async function cmdRun(file: string, args: string[], opts: { jit: boolean; threshold?: number; vm?: boolean }): Promise<number> {
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  if (opts.vm || !nativeTierAvailable()) return new VM(mod, { args }).run();
  const { runNative, NotNative } = await import('../jit/run.js');
  try {
    return runNative(mod, { args, threshold: opts.jit ? jitThreshold(opts.threshold) : null, programName: file }).status;
  } catch (e) {
    // Something native code cannot do yet (FFI, threads): the whole program runs on the VM.
    if (!(e instanceof NotNative)) throw e;
    if (process.env.BPJIT_JIT_LOG) process.stderr.write(`[jit] running on the TypeScript VM: ${e.message}\n`);
    return new VM(mod, { args }).run();
  }
}

/** The in-process tier needs x86-64 Linux; elsewhere (or with BPJIT_VM=1) the TypeScript VM runs. */
function nativeTierAvailable(): boolean {
  return process.arch === 'x64' && process.platform === 'linux' && !process.env.BPJIT_VM;
}

async function cmdProfile(file: string, args: string[], opts: { jit: boolean; threshold?: number; output?: string; folded?: string }): Promise<number> {
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  const sampler = new StackSampler();
  const vm: VM = new VM(mod, {
    args,
    onTick: (fn) => { sampler.tick(vm, fn); },
  });
  const t0 = process.hrtime.bigint();
  const code = vm.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // Counted on the TypeScript VM; the tier is where `bpjit run` puts each function once hot.
  const { unsupportedIn } = await import('../native/lower.js');
  const tiers = new Map(mod.functions.map((fn, i) => {
    const why = opts.jit ? unsupportedIn(mod, fn) : null;
    return [i, !opts.jit ? { tier: 'vm' as const, reason: 'the JIT is off (--no-jit)' } : why ? { tier: 'vm' as const, reason: `${why.reason} (line ${why.line})` } : { tier: 'native' as const }];
  }));
  const data = collectProfile(mod, vm.fns, file, tiers);
  process.stderr.write(formatReport(data, ms));
  const out = opts.output ?? file.replace(/\.bpc?$/, '') + '.bpprof';
  try {
    fs.writeFileSync(out, JSON.stringify(data, null, 1) + '\n');
    process.stderr.write(`profile written to ${out}\n`);
    if (opts.folded) {
      fs.writeFileSync(opts.folded, sampler.folded());
      process.stderr.write(`folded stacks written to ${opts.folded}\n`);
    }
  } catch (e) {
    userError(`cannot write the profile: ${(e as Error).message}`);
  }
  return code;
}

async function cmdBuild(file: string, out: string | undefined, opts: { profile?: string }): Promise<number> {
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  const [{ buildProgram }, { ElfError }] = await Promise.all([import('./build.js'), import('../elf/index.js')]);
  if (opts.profile) {
    // The profile is checked now; the lowering does not use it yet (see README).
    if (!fileOk(opts.profile)) return EXIT.ERROR;
    try { JSON.parse(fs.readFileSync(opts.profile, 'utf8')); } catch {
      userError(`'${opts.profile}' is not a profile written by bpjit profile`);
      return EXIT.ERROR;
    }
  }
  let r: ReturnType<typeof buildProgram>;
  try {
    r = buildProgram(mod);
  } catch (e) {
    // A broken runtime object or a symbol the runtime lacks: a bpjit bug, reported plainly.
    if (!(e instanceof ElfError)) throw e;
    userError(`cannot link '${file}': ${e.message}`);
    return EXIT.INTERNAL;
  }
  if (!r.ok) {
    // Each construct the native back end cannot compile yet, at its source line.
    const diags = new DiagBag(100);
    for (const p of r.problems) {
      let src: SourceFile;
      try { src = readSource(p.file); } catch { src = sourceFromText(p.file, ''); }
      const start = src.lineStarts[p.line - 1] ?? 0;
      const text = lineText(src, p.line);
      const indent = text.length - text.trimStart().length;
      diags.error(span(src, start + indent, start + text.length), `bpjit build cannot compile ${p.reason} yet (in function '${p.fn}'); run it with 'bpjit run'`);
    }
    printDiagnostics(diags);
    return EXIT.ERROR;
  }
  const target = out ?? file.replace(/\.bpc?$/, '');
  if (target === file) {
    userError(`the output would overwrite the program; name it with -o`);
    return EXIT.ERROR;
  }
  try {
    fs.writeFileSync(target, r.image.bytes, { mode: 0o755 });
    fs.chmodSync(target, 0o755);
  } catch (e) {
    userError(`cannot write '${target}': ${(e as Error).message}`);
    return EXIT.ERROR;
  }
  return EXIT.OK;
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
      try { sources.set(fi, readSource(sourcePath(file, mod.files[fi]))); } catch { sources.set(fi, null); }
    }
    const s = sources.get(fi);
    return s ? lineText(s, line) : '';
  };
  process.stdout.write(Buffer.from(printModule(mod, source, fn), 'latin1'));
  return EXIT.OK;
}

/**
 * Where disasm reads the source lines of `name` (a file the module names). For a .bp program the
 * compiler found the files itself; a .bpc can name anything, so only a `.bp` file of the same
 * base name beside the .bpc is read (never, say, /etc/passwd).
 */
function sourcePath(program: string, name: string): string {
  if (!program.endsWith('.bpc')) return name;
  if (!name.endsWith('.bp')) throw new Error('not a source file');
  const p = path.join(path.dirname(program), path.basename(name));
  if (!fs.statSync(p).isFile()) throw new Error('not a file');
  return p;
}

/**
 * `bpjit run FILE [--no-jit] [--jit-threshold N] [-- ARGS]` without loading yargs, whose import
 * alone costs about 100 ms — most of a small program's run. Anything else (help, unknown options,
 * other commands) goes through yargs, so behaviour and messages stay yargs's.
 */
function simpleRun(argv: string[]): { file: string; args: string[]; jit: boolean; threshold?: number; vm: boolean } | null {
  if (argv[0] !== 'run') return null;
  let jit = true, vm = false, threshold: number | undefined, file: string | undefined;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (a === '--no-jit') jit = false;
    else if (a === '--jit') jit = true;
    else if (a === '--vm') vm = true;
    else if (a === '--jit-threshold' && /^\d+$/.test(argv[i + 1] ?? '')) threshold = Number(argv[++i]);
    else if (/^--jit-threshold=\d+$/.test(a)) threshold = Number(a.split('=')[1]);
    else if (a.startsWith('-')) return null;
    else if (file === undefined) file = a;
    else break;
  }
  return file === undefined ? null : { file, args: argv.slice(i), jit, threshold, vm };
}

/**
 * `load` imports a package: the bundle that bin/bpjit starts runs as a classic script through
 * node:vm, where `import()` is not available, so the launcher lends its own.
 */
export async function main(argv: string[], load: (pkg: string) => Promise<unknown> = (pkg) => import(pkg)): Promise<void> {
  let code: number = EXIT.OK;
  const quick = simpleRun(argv);
  if (quick) {
    try {
      process.exitCode = await cmdRun(quick.file, quick.args, quick);
    } catch (e) {
      internalError(e);
    }
    return;
  }
  const yargs = ((await load('yargs')) as typeof import('yargs')).default;
  const file = (y: import('yargs').Argv, what = 'the .bp file') => y.positional('file', { type: 'string', demandOption: true, describe: what });
  try {
    await yargs(argv)
      .scriptName('bpjit')
      .usage('$0 <command> [options]\n\nBetterPython toolchain: register VM, x86-64 JIT tier, static executables.')
      .command('run <file> [args..]', 'run a program (.bp or .bpc); hot functions are compiled to native code', (y) =>
        file(y, 'the .bp or .bpc file')
          .positional('args', { type: 'string', array: true, describe: 'arguments for the program (put them after --)' })
          .option('jit', { type: 'boolean', default: true, describe: 'compile hot functions to native code (--no-jit: the native interpreter only)' })
          .option('jit-threshold', { type: 'number', describe: 'calls before a function is compiled (loops: 10x as many trips; 1: every function at its first call; default 100, or BPJIT_JIT_THRESHOLD)' })
          .option('vm', { type: 'boolean', default: false, describe: 'run on the portable TypeScript VM instead of native code' }),
        async (a) => { code = await cmdRun(a.file as string, (a.args as string[] | undefined) ?? [], { jit: a.jit as boolean, threshold: a.jitThreshold as number | undefined, vm: a.vm as boolean }); })
      .command('profile <file> [args..]', 'run a program under the profiler; report on stderr, data in FILE.bpprof', (y) =>
        file(y, 'the .bp or .bpc file')
          .positional('args', { type: 'string', array: true, describe: 'arguments for the program (put them after --)' })
          .option('jit', { type: 'boolean', default: true, describe: 'let hot functions go native, as bpjit run does' })
          .option('jit-threshold', { type: 'number', describe: 'as for bpjit run' })
          .option('o', { alias: 'output', type: 'string', describe: 'where to write the profile data (JSON; default FILE.bpprof)' })
          .option('folded', { type: 'string', describe: 'also write folded stacks (flamegraph.pl, speedscope) to this file' }),
        async (a) => {
          code = await cmdProfile(a.file as string, (a.args as string[] | undefined) ?? [], {
            jit: a.jit as boolean, threshold: a.jitThreshold as number | undefined, output: a.o as string | undefined, folded: a.folded as string | undefined,
          });
        })
      .command('build <file>', 'compile a program ahead of time to a static x86-64 Linux executable', (y) =>
        file(y, 'the .bp or .bpc file')
          .option('o', { alias: 'output', type: 'string', describe: 'the executable to write (default: the input without .bp)' })
          .option('profile', { type: 'string', describe: 'a .bpprof written by bpjit profile (checked; not yet used by the lowering)' }),
        async (a) => { code = await cmdBuild(a.file as string, a.o as string | undefined, { profile: a.profile as string | undefined }); })
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
      .version(packageVersion())
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`bpjit: error: ${msg}\nRun 'bpjit --help' for usage.\n`);
        process.exit(EXIT.USAGE);
      })
      .parseAsync();
  } catch (e) {
    internalError(e);
  }
  process.exitCode = code;
}

/** The version in package.json (the bundle sits where cli.js does, so one path serves both). */
function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function internalError(e: unknown): never {
  const what = e instanceof InternalError ? e.message : String((e as Error)?.message ?? e);
  process.stderr.write(`bpjit: internal error: ${what}\n`);
  if (process.env.BPJIT_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
  else process.stderr.write('(set BPJIT_DEBUG=1 for details; please report this)\n');
  process.exit(EXIT.INTERNAL);
}

export { fileOk };
