// The front half of the pipeline: a .bp path → a checked program, or diagnostics.
import { InternalError, TooManyErrors } from '../lang/diag.js';
import type { DiagBag } from '../lang/diag.js';
import { checkProgram } from '../lang/program.js';
import type { SourceHost } from '../lang/loader.js';
import type { CheckedProgram } from '../lang/symbols.js';
import { newDiagBag } from './diagnostics.js';

export interface FrontResult {
  program: CheckedProgram | null;
  diags: DiagBag;
}

/** `host` gives the sources (default: the file system). */
export function frontEnd(path: string, host?: SourceHost): FrontResult {
  const diags = newDiagBag();
  try {
    const program = checkProgram(path, diags, { host });
    return { program: diags.hasErrors ? null : program, diags };
  } catch (e) {
    if (e instanceof TooManyErrors) return { program: null, diags };
    if (e instanceof InternalError) throw e;
    throw e;
  }
}
