// bpjit check: parses and type-checks programs — files, every .bp under directories, or `-` —
// printing the diagnostics of each; quiet when all is well.
import fs from 'node:fs';
import path from 'node:path';
import type { Invocation } from './args.js';
import { EXIT } from './exit-codes.js';
import { checkSource, STDIN, userError } from './load.js';

/** The .bp files under `dir`, sorted; hidden directories and node_modules are skipped. */
function programsUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return programsUnder(p);
      return e.name.endsWith('.bp') && (e.isFile() || e.isSymbolicLink()) ? [p] : [];
    });
}

export default function check(inv: Invocation): number {
  let ok = true;
  for (const operand of inv.operands) {
    let files = [operand];
    if (operand !== STDIN && fs.statSync(operand, { throwIfNoEntry: false })?.isDirectory()) {
      files = programsUnder(operand);
      if (files.length === 0) { userError(`no .bp files under '${operand}'`, operand); ok = false; }
    }
    for (const f of files) if (!checkSource(f)) ok = false;
  }
  return ok ? EXIT.OK : EXIT.ERROR;
}
