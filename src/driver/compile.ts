// bpjit compile: a program → its register bytecode in a .bpc file.
import fs from 'node:fs';
import { writeBpc } from '../bytecode/bpc.js';
import type { Invocation } from './args.js';
import { EXIT } from './exit-codes.js';
import { loadModule, outputPath, refuseOverwrite, userError } from './load.js';

export default function compile(inv: Invocation): number {
  const file = inv.operands[0];
  const output = outputPath(inv.opts.output, file, '.bpc', 'compile');
  const target = output[1];
  refuseOverwrite([output], [file], 'compile');
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  refuseOverwrite([output], mod.files, 'compile');
  try {
    fs.writeFileSync(target, writeBpc(mod));
  } catch (e) {
    userError(`cannot write '${target}': ${(e as Error).message}`, target);
    return EXIT.ERROR;
  }
  return EXIT.OK;
}
