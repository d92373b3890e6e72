// Getting a BytecodeModule from what the user named: a .bp source (front end + compiler) or a
// .bpc file (read + verify). Problems are printed here; callers get null.
import fs from 'node:fs';
import { BpcError, readBpc } from '../bytecode/bpc.js';
import { compileProgram } from '../bytecode/compile.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { verifyModule } from '../bytecode/verify.js';
import type { CheckedProgram } from '../lang/symbols.js';
import { printDiagnostics } from './diagnostics.js';
import { frontEnd } from './front.js';

export function userError(msg: string): void {
  process.stderr.write(`bpjit: error: ${msg}\n`);
}

/** Checks that `path` names a readable file; prints the problem otherwise. */
export function fileOk(path: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch {
    userError(`cannot open '${path}': no such file`);
    return false;
  }
  if (st.isDirectory()) {
    userError(`'${path}' is a directory, not a program`);
    return false;
  }
  return true;
}

export function checkSource(path: string): CheckedProgram | null {
  if (!fileOk(path)) return null;
  const { program, diags } = frontEnd(path);
  if (diags.items.length) printDiagnostics(diags);
  return program;
}

export function loadModule(path: string): BytecodeModule | null {
  if (path.endsWith('.bpc')) return loadBpc(path);
  const program = checkSource(path);
  return program ? compileProgram(program) : null;
}

function loadBpc(path: string): BytecodeModule | null {
  if (!fileOk(path)) return null;
  try {
    const mod = readBpc(fs.readFileSync(path));
    const problems = verifyModule(mod);
    if (problems.length) {
      userError(`${path}: invalid bytecode: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
      return null;
    }
    return mod;
  } catch (e) {
    if (e instanceof BpcError) {
      userError(`${path}: ${e.message}`);
      return null;
    }
    throw e;
  }
}
