// Getting a BytecodeModule from what the user named: a .bp source (front end + compiler), a .bpc
// file (read + verify), or `-`, a source read from standard input. Problems are printed here;
// callers get null. Also the rule that no command writes over one of its inputs.
import fs from 'node:fs';
import path from 'node:path';
import { BpcError, readBpc } from '../bytecode/bpc.js';
import { compileProgram } from '../bytecode/compile.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { verifyModule } from '../bytecode/verify.js';
import { FILE_HOST, type SourceHost } from '../lang/loader.js';
import { sourceFromText } from '../lang/source.js';
import type { CheckedProgram } from '../lang/symbols.js';
import { printDiagnostics, reportProblem } from './diagnostics.js';
import { UsageError } from './exit-codes.js';
import { frontEnd } from './front.js';

/** The operand that names standard input, and the name its source goes by in messages. */
export const STDIN = '-';
const STDIN_NAME = '<stdin>';

/** A problem of bpjit's own (`file`: the file it concerns, for --error-format json). */
export function userError(msg: string, file?: string): void {
  reportProblem(msg, file);
}

/** Checks that `path` names a readable file; prints the problem otherwise. */
export function fileOk(path: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    userError(`cannot open '${path}': no such file`, path);
    return false;
  }
  if (st.isDirectory()) {
    userError(`'${path}' is a directory, not a program`, path);
    return false;
  }
  return true;
}

function readStdin(): Buffer {
  const chunks: Buffer[] = [];
  for (;;) {
    const chunk = Buffer.alloc(1 << 16);
    let n: number;
    try {
      n = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks);
}

export function checkSource(file: string): CheckedProgram | null {
  let host: SourceHost | undefined;
  if (file === STDIN) {
    const src = sourceFromText(STDIN_NAME, readStdin().toString('latin1'));
    host = { ...FILE_HOST, read: (p) => (p === STDIN_NAME ? src : FILE_HOST.read(p)) };
  } else if (!fileOk(file)) return null;
  const { program, diags } = frontEnd(file === STDIN ? STDIN_NAME : file, host);
  if (diags.items.length) printDiagnostics(diags);
  return program;
}

export function loadModule(file: string): BytecodeModule | null {
  if (file.endsWith('.bpc')) return loadBpc(file);
  const program = checkSource(file);
  return program ? compileProgram(program) : null;
}

function loadBpc(path: string): BytecodeModule | null {
  if (!fileOk(path)) return null;
  try {
    const mod = readBpc(fs.readFileSync(path));
    const problems = verifyModule(mod);
    if (problems.length) {
      userError(`${path}: invalid bytecode: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`, path);
      return null;
    }
    return mod;
  } catch (e) {
    if (e instanceof BpcError) {
      userError(`${path}: ${e.message}`, path);
      return null;
    }
    throw e;
  }
}

/** A file a command writes, and how to name it in a message ('-o', 'the default output'). */
export type Output = [label: string, file: string];

/**
 * The file a command writes: the one given with -o, else the input's name with its extension
 * replaced by `ext` (a program from standard input must be given one) — next to the input, or
 * with `here`, in the current directory (a profile is a by-product of running, not of the source).
 */
export function outputPath(given: string | boolean | undefined, input: string, ext: string, command: string, here = false): Output {
  if (typeof given === 'string') return ['-o', given];
  if (input === STDIN) throw new UsageError(`${command} of a program from standard input needs -o FILE`, command);
  return ['the default output', (here ? path.basename(input) : input).replace(/\.bpc?$/, '') + ext];
}

/**
 * Refuses (exit 2) an output that is one of the inputs — the program, a module it imports, a
 * profile read — or another output: compiling h.bp to h.bp would destroy the source.
 */
export function refuseOverwrite(outputs: Output[], inputs: string[], command: string): void {
  const id = (f: string) => {
    try {
      const st = fs.statSync(f);
      return `${st.dev}:${st.ino}`;
    } catch {
      return `path:${path.resolve(f)}`;
    }
  };
  const taken = new Map(inputs.filter((f) => f !== STDIN && f !== STDIN_NAME).map((f) => [id(f), `the input '${f}'`]));
  for (const [label, file] of outputs) {
    const clash = taken.get(id(file));
    if (clash) throw new UsageError(`${label} '${file}' would write over ${clash}; choose another output file`, command);
    taken.set(id(file), label === '-o' || label.startsWith('--') ? `the output of ${label}` : label);
  }
}
