// bpjit disasm: the register bytecode of a program, with its source lines, on stdout.
import fs from 'node:fs';
import path from 'node:path';
import { printModule } from '../bytecode/print.js';
import { lineText, readSource } from '../lang/source.js';
import { writeAll } from '../vm/output.js';
import type { Invocation } from './args.js';
import { EXIT } from './exit-codes.js';
import { loadModule, userError } from './load.js';

export default function disasm(inv: Invocation): number {
  const fn = inv.opts.fn as string | undefined;
  const file = inv.operands[0];
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  if (fn && !mod.functions.some((f) => f.name === fn)) {
    userError(`no function '${fn}' (functions: ${mod.functions.map((f) => f.name).join(', ')})`);
    return EXIT.ERROR;
  }
  const sources = new Map<number, ReturnType<typeof readSource> | null>();
  const source = (fi: number, line: number) => {
    if (!sources.has(fi)) {
      try { sources.set(fi, readSource(sourcePath(file, mod.files[fi]))); } catch { sources.set(fi, null); }
    }
    const s = sources.get(fi);
    return s ? lineText(s, line) : '';
  };
  writeAll(1, Buffer.from(printModule(mod, source, fn), 'latin1'));
  return EXIT.OK;
}

/**
 * Where disasm reads the source lines of `name` (a file the module names). For a .bp program the
 * compiler found the files itself; a .bpc can name anything, so only a `.bp` file of the same
 * base name beside the .bpc is read (never, say, /etc/passwd).
 */
function sourcePath(program: string, name: string): string {
  if (!program.endsWith('.bpc')) return name;
  if (!name.endsWith('.bp')) throw new Error('not a source file');
  const p = path.join(path.dirname(program), path.basename(name));
  if (!fs.statSync(p).isFile()) throw new Error('not a file');
  return p;
}
