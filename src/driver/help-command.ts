// bpjit help [COMMAND]: the overview, or a command's help (as COMMAND --help shows it).
import { didYouMean } from './args.js';
import { COMMANDS, commandNamed } from './commands.js';
import { EXIT, UsageError } from './exit-codes.js';
import { commandHelp, overviewHelp } from './help.js';
import type { Invocation } from './args.js';
import { writeAll } from '../vm/output.js';

export default function help(inv: Invocation): number {
  const name = inv.operands[0];
  const command = name === undefined ? undefined : commandNamed(name);
  if (name !== undefined && !command) throw new UsageError(`unknown command '${name}'${didYouMean(name, COMMANDS.map((c) => c.name))}`);
  writeAll(1, Buffer.from(command ? commandHelp(command) : overviewHelp()));
  return EXIT.OK;
}
