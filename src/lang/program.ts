// The front end in one call: an entry path → a checked program, with its diagnostics in the
// bag: load and parse every module (loader.ts), check types (checker.ts), and, on a program
// without errors, the lints that give warnings (lint.ts).
import { check, CheckerOptions } from './checker.js';
import type { DiagBag } from './diag.js';
import { lint } from './lint.js';
import { LoadOptions, loadModules } from './loader.js';
import type { CheckedProgram } from './symbols.js';

export interface CheckOptions extends LoadOptions, CheckerOptions {
  /** Run the lints (default true). */
  lint?: boolean;
}

export function checkProgram(entryPath: string, diags: DiagBag, opts: CheckOptions = {}): CheckedProgram {
  const program = check(loadModules(entryPath, diags, opts), diags, opts);
  if (!diags.hasErrors && opts.lint !== false) lint(program, diags);
  return program;
}
