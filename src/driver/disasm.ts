// bpjit disasm: the register bytecode of a program, with its source lines and the planning
// pass's notes (src/bytecode/plan.ts), on stdout; with --opt, as bpjit build lowers it (inlined
// copies marked), with --native the machine code it makes of it.
import fs from 'node:fs';
import path from 'node:path';
import { printModule } from '../bytecode/print.js';
import { lineText, readSource } from '../lang/source.js';
import { writeAll } from '../vm/output.js';
import type { Invocation } from './args.js';
import { EXIT, UsageError } from './exit-codes.js';
import { loadModule, userError } from './load.js';
import type { BytecodeModule } from '../bytecode/module.js';

export default async function disasm(inv: Invocation): Promise<number> {
  const fn = inv.opts.fn as string | undefined;
  const file = inv.operands[0];
  const profile = inv.opts.profile as string | undefined;
  if (profile && inv.opts.opt !== true && inv.opts.native !== true) throw new UsageError('--profile goes with --opt or --native', 'disasm');
  let mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  if (inv.opts.opt === true || inv.opts.native === true) {
    // (what bpjit build lowers: see optimise.ts)
    const { optimiseProgram, readBuildProfile } = await import('./optimise.js');
    const counts = profile ? readBuildProfile(profile, mod, file) : undefined;
    if (counts === null) return EXIT.ERROR;
    mod = optimiseProgram(mod, counts).mod;
  }
  if (fn && !mod.functions.some((f) => f.name === fn)) {
    userError(`no function '${fn}' (functions: ${mod.functions.map((f) => f.name).join(', ')})`, file);
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
  if (inv.opts.native === true) return native(inv, mod, fn);
  writeAll(1, Buffer.from(printModule(mod, source, fn, true), 'latin1'));
  return EXIT.OK;
}

/** --native: the listing bpjit build -S writes (of one function with --fn). */
async function native(inv: Invocation, mod: BytecodeModule, fn: string | undefined): Promise<number> {
  const [{ lowerProgram }, { listingOf }] = await Promise.all([import('./build.js'), import('./build-command.js')]);
  const lowered = lowerProgram(mod, { listing: true });
  if (fn) lowered.functions = lowered.functions.filter((f) => f.name === fn);
  const text = listingOf(mod, lowered, inv.operands[0], (name) => readSource(sourcePath(inv.operands[0], name)));
  if (typeof text === 'number') return text;
  writeAll(1, Buffer.from(text, 'utf8'));
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
