// The front half of the pipeline: a .bp path → a checked program, or diagnostics.
import { checkProgram } from '../lang/checker.js';
import { DiagBag, InternalError, TooManyErrors } from '../lang/diag.js';
import type { CheckedProgram } from '../lang/symbols.js';

export interface FrontResult {
  program: CheckedProgram | null;
  diags: DiagBag;
}

export function frontEnd(path: string): FrontResult {
  const diags = new DiagBag();
  try {
    const program = checkProgram(path, diags);
    return { program: diags.hasErrors ? null : program, diags };
  } catch (e) {
    if (e instanceof TooManyErrors) return { program: null, diags };
    if (e instanceof InternalError) throw e;
    throw e;
  }
}
