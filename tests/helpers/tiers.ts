// Running programs on each tier and comparing with expectations: the backbone of the
// differential tests. The VM runs in-process (output captured); the other tiers are added by
// their suites.
import fs from 'node:fs';
import path from 'node:path';
import { compileProgram } from '../../src/bytecode/compile.js';
import type { BytecodeModule } from '../../src/bytecode/module.js';
import { DiagBag, TooManyErrors } from '../../src/lang/diag.js';
import { checkProgram } from '../../src/lang/program.js';
import { lineCol } from '../../src/lang/source.js';
import { VM, VmOptions } from '../../src/vm/interp.js';
import { installVmFfi } from '../../src/loader/ffi.js';
import { Output } from '../../src/vm/output.js';
import { ROOT } from './paths.js';

export const PROGRAMS = path.join(ROOT, 'tests/programs');

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Expectation {
  name: string;
  file: string;
  stdout: string;
  code: number;
  stderr: string | null;
  args: string[];
  stdin: Buffer | undefined;
}

/** A .args file: one argument per line (empty lines are empty arguments; the last newline ends the list). */
export function argsOf(file: Buffer | null | undefined): string[] {
  if (!file) return [];
  const lines = file.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Every program of the corpus (a .bp with a .expected). */
export function corpus(dir = PROGRAMS): Expectation[] {
  if (!fs.existsSync(dir)) return [];
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f) : null);
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.bp') && fs.existsSync(path.join(dir, f.replace(/\.bp$/, '.expected'))))
    .sort()
    .map((f) => {
      const base = path.join(dir, f.replace(/\.bp$/, ''));
      return {
        name: f.replace(/\.bp$/, ''),
        file: f,
        stdout: read(base + '.expected')!.toString('latin1'),
        code: Number(read(base + '.exit')?.toString().trim() ?? '0'),
        stderr: read(base + '.stderr')?.toString('latin1') ?? null,
        args: argsOf(read(base + '.args')),
        stdin: read(base + '.stdin') ?? undefined,
      };
    });
}

/**
 * The bytecode of `file` (relative to the working directory), or the result every tier gives
 * for a program that does not compile: its first diagnostic and exit code 1.
 */
export function compileForTest(file: string): { mod: BytecodeModule } | { error: RunResult } {
  const diags = new DiagBag();
  let program = null;
  try {
    program = checkProgram(file, diags);
  } catch (e) {
    if (!(e instanceof TooManyErrors)) throw e;
  }
  if (!program || diags.hasErrors) {
    const d = diags.sorted().find((x) => x.severity === 'error');
    const p = d ? lineCol(d.span.file, d.span.start) : { line: 0, col: 0 };
    return { error: { stdout: '', stderr: d ? `${d.span.file.path}:${p.line}:${p.col}: error: ${d.message}\n` : 'error\n', code: 1 } };
  }
  return { mod: compileProgram(program) };
}

/** Runs a program on the TypeScript VM in this process, with `cwd` as the working directory. */
export function runVM(file: string, opts: { cwd: string; args?: string[]; stdin?: Buffer; vm?: Partial<VmOptions> }): RunResult {
  const old = process.cwd();
  process.chdir(opts.cwd);
  installVmFfi();
  try {
    const compiled = compileForTest(file);
    if ('error' in compiled) return compiled.error;
    const out = new Output(1, true);
    let stderr = '';
    const mod = compiled.mod;
    const vm: VM = new VM(mod, { args: opts.args, stdin: opts.stdin ?? Buffer.alloc(0), output: out, stderr: (s) => { stderr += s; }, ...opts.vm });
    const code = vm.run();
    return { stdout: out.text(), stderr, code };
  } finally {
    process.chdir(old);
  }
}

/** Empty when `got` meets `want`; otherwise a description naming the first differing line. */
export function compare(tier: string, want: Expectation, got: RunResult): string {
  const problems: string[] = [];
  if (got.stdout !== want.stdout) {
    const a = want.stdout.split('\n'), b = got.stdout.split('\n');
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    problems.push(`stdout line ${i + 1}: expected ${JSON.stringify(a[i] ?? '<end>')}, got ${JSON.stringify(b[i] ?? '<end>')}`);
  }
  if (got.code !== want.code) problems.push(`exit code: expected ${want.code}, got ${got.code}`);
  if (want.stderr !== null && got.stderr !== want.stderr) problems.push(`stderr: expected ${JSON.stringify(want.stderr)}, got ${JSON.stringify(got.stderr)}`);
  return problems.length ? `${want.name} [${tier}]: ${problems.join('; ')}${got.stderr && want.stderr === null ? ` (stderr: ${got.stderr.trim().slice(0, 300)})` : ''}` : '';
}
