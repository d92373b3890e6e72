// `bpjit fmt FILE...`: prints each file in the canonical layout (src/lang/format.ts); `-w`
// rewrites the files that change, `--check` lists them and exits 1 if there are any (for CI).
// A file with syntax errors is reported with its diagnostics and left alone.
import fs from 'node:fs';
import { formatSource } from '../lang/format.js';
import { readSource } from '../lang/source.js';
import { writeAll } from '../vm/output.js';
import type { Invocation } from './args.js';
import { printDiagnostics } from './diagnostics.js';
import { EXIT } from './exit-codes.js';
import { fileOk, userError } from './load.js';

export default function fmt(inv: Invocation): number {
  const opts = { write: inv.opts.write === true, check: inv.opts.check === true };
  let code: number = EXIT.OK;
  for (const file of inv.operands) {
    if (!fileOk(file)) { code = EXIT.ERROR; continue; }
    const src = readSource(file);
    const r = formatSource(src);
    if (!r.ok) {
      printDiagnostics(r.diags);
      code = EXIT.ERROR;
      continue;
    }
    if (opts.check) {
      if (r.text !== src.text) { writeAll(1, Buffer.from(`${file}\n`)); code = EXIT.ERROR; }
    } else if (opts.write) {
      if (r.text === src.text) continue;
      try {
        fs.writeFileSync(file, Buffer.from(r.text, 'latin1'));
      } catch (e) {
        userError(`cannot write '${file}': ${(e as Error).message}`, file);
        code = EXIT.ERROR;
      }
    } else writeAll(1, Buffer.from(r.text, 'latin1'));
  }
  return code;
}
