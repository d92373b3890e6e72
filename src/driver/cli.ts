// The command line's entry: parse (args.ts, by the table in commands.ts), then hand over to the
// command's module, loaded on first use. Exit statuses: the program's own for run/profile, 1 for
// compile and runtime errors and failed writes, 2 for a bad command line, 70 for a bpjit bug.
import { InternalError } from '../lang/diag.js';
import { OutputError, writeAll } from '../vm/output.js';
import { parseCommandLine } from './args.js';
import { setColor } from './color.js';
import { configureDiagnostics, errorFormatOfWords, reportProblem } from './diagnostics.js';
import { EXIT, UsageError } from './exit-codes.js';
import { commandHelp, overviewHelp, packageVersion } from './help.js';
import { userError } from './load.js';

export async function main(argv: string[]): Promise<void> {
  let code: number = EXIT.OK;
  // (until the command line is parsed, its words say whether problems are reported as JSON)
  errorFormatOfWords(argv);
  try {
    const line = await parseCommandLine(argv);
    if (line.kind === 'version') writeAll(1, Buffer.from(`bpjit ${packageVersion()}\n`));
    else if (line.kind === 'help') writeAll(1, Buffer.from(line.command ? commandHelp(line.command) : overviewHelp()));
    else {
      setColor(line.color);
      const o = line.inv.opts;
      const problem = configureDiagnostics({ warnings: o.warnings as string | undefined, allow: o.allow === undefined ? undefined : [o.allow as string], errorFormat: o['error-format'] as string | undefined });
      if (problem) throw new UsageError(problem, line.inv.command.name);
      code = await (await line.inv.command.load()).default(line.inv);
    }
  } catch (e) {
    code = failure(e);
  }
  process.exitCode = code;
}

/** The exit status for what a command threw, after saying what went wrong. */
function failure(e: unknown): number {
  if (e instanceof UsageError) {
    reportProblem(`${e.message}\n(see 'bpjit ${e.command ? `${e.command} ` : ''}--help')`, undefined, 'bpjit: ');
    return EXIT.USAGE;
  }
  if (e instanceof OutputError) {
    // (bpjit's own output: a reader that went away ends it quietly, as for programs)
    if (e.message) userError(e.message);
    return e.status;
  }
  const what = e instanceof InternalError ? e.message : String((e as Error)?.message ?? e);
  reportProblem(`internal error: ${what}\n${process.env.BPJIT_DEBUG ? String((e as Error).stack) : '(set BPJIT_DEBUG=1 for details; please report this)'}`, undefined, 'bpjit: ');
  return EXIT.INTERNAL;
}
