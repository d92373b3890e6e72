// bpjit build: the whole program compiled ahead of time (build.ts) and linked into a static
// x86-64 ELF executable. What the native back end cannot compile yet is reported at its line.
import fs from 'node:fs';
import { DiagBag } from '../lang/diag.js';
import { SourceFile, lineText, readSource, sourceFromText, span } from '../lang/source.js';
import type { Invocation } from './args.js';
import { printDiagnostics } from './diagnostics.js';
import { EXIT } from './exit-codes.js';
import { fileOk, loadModule, outputPath, refuseOverwrite, userError } from './load.js';

export default async function build(inv: Invocation): Promise<number> {
  const file = inv.operands[0];
  const profile = inv.opts.profile as string | undefined;
  const output = outputPath(inv.opts.output, file, '', 'build');
  const target = output[1];
  refuseOverwrite([output], [file, ...(profile ? [profile] : [])], 'build');
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  refuseOverwrite([output], mod.files, 'build');
  const [{ buildProgram }, { ElfError }] = await Promise.all([import('./build.js'), import('../elf/index.js')]);
  if (profile) {
    // The profile is checked now; the code generator does not use it yet (see README).
    if (!fileOk(profile)) return EXIT.ERROR;
    try { JSON.parse(fs.readFileSync(profile, 'utf8')); } catch {
      userError(`'${profile}' is not a profile written by bpjit profile`);
      return EXIT.ERROR;
    }
  }
  let r: ReturnType<typeof buildProgram>;
  try {
    r = buildProgram(mod, undefined, { debug: inv.opts.debug === true });
  } catch (e) {
    // A broken runtime object or a symbol the runtime lacks: a bpjit bug, reported plainly.
    if (!(e instanceof ElfError)) throw e;
    userError(`cannot link '${file}': ${e.message}`);
    return EXIT.INTERNAL;
  }
  if (!r.ok) {
    // Each construct the native back end cannot compile yet, at its source line.
    const diags = new DiagBag(100);
    for (const p of r.problems) {
      let src: SourceFile;
      try { src = readSource(p.file); } catch { src = sourceFromText(p.file, ''); }
      const start = src.lineStarts[p.line - 1] ?? 0;
      const text = lineText(src, p.line);
      const indent = text.length - text.trimStart().length;
      diags.error(span(src, start + indent, start + text.length), p.message ?? `bpjit build cannot compile ${p.reason} yet (in function '${p.fn}'); run it with 'bpjit run'`);
    }
    printDiagnostics(diags);
    return EXIT.ERROR;
  }
  try {
    fs.writeFileSync(target, r.image.bytes, { mode: 0o755 });
    fs.chmodSync(target, 0o755);
  } catch (e) {
    userError(`cannot write '${target}': ${(e as Error).message}`);
    return EXIT.ERROR;
  }
  return EXIT.OK;
}
