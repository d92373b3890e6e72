// bpjit build: the whole program compiled ahead of time (build.ts) and linked into a static
// x86-64 ELF executable — or, with -S, its machine code as nasm source. What the native back
// end cannot compile yet is reported at its line.
import fs from 'node:fs';
import { DiagBag } from '../lang/diag.js';
import { SourceFile, lineText, readSource, sourceFromText, span } from '../lang/source.js';
import type { Invocation } from './args.js';
import { printDiagnostics } from './diagnostics.js';
import { EXIT } from './exit-codes.js';
import { fileOk, loadModule, outputPath, refuseOverwrite, userError, type Output } from './load.js';
import { UsageError } from './exit-codes.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { nasmListing } from '../native/listing.js';
import { writeAll } from '../vm/output.js';
import type { NotLowered, lowerProgram } from './build.js';
import type { OptimisationPlan } from './optimise.js';

export default async function build(inv: Invocation): Promise<number> {
  const file = inv.operands[0];
  const profile = inv.opts.profile as string | undefined;
  const object = inv.opts['emit-obj'] as string | undefined, header = inv.opts['emit-header'] as string | undefined;
  if (header && !object) throw new UsageError('--emit-header goes with --emit-obj', 'build');
  for (const flag of ['debug', 'pie'] as const) {
    const other = object ? '--emit-obj' : inv.opts.asm === true ? '-S' : null;
    if (inv.opts[flag] === true && other) throw new UsageError(`--${flag} is about executables: it does not go with ${other}`, 'build');
  }
  const output = object ? ['--emit-obj', object] as Output : outputPath(inv.opts.output, file, inv.opts.asm === true ? '.asm' : '', 'build');
  const outputs: Output[] = [output, ...(header ? [['--emit-header', header] as Output] : [])];
  const target = output[1];
  refuseOverwrite(outputs, [file, ...(profile ? [profile] : [])], 'build');
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  refuseOverwrite(outputs, mod.files, 'build');
  const [{ buildProgram, lowerProgram }, { optimiseProgram, explainPlan, readBuildProfile }, { ElfError }] = await Promise.all([import('./build.js'), import('./optimise.js'), import('../elf/index.js')]);
  const counts = profile ? readBuildProfile(profile, mod, file) : undefined;
  if (counts === null) return EXIT.ERROR;
  const explain = (plan: OptimisationPlan) => {
    if (inv.opts['explain-opt'] === true) process.stderr.write(`optimisations of ${file}${profile ? ` (profile ${profile})` : ' (no profile)'}:\n${explainPlan(mod, plan)}`);
  };
  if (inv.opts.asm === true) {
    const plan = optimiseProgram(mod, counts);
    explain(plan);
    return write(target, listingOf(plan.mod, lowerProgram(plan.mod, { listing: true }), file), 0o644);
  }
  if (object) {
    const o = (await import('./object.js')).buildObject(mod);
    if (!o.ok) return notLowered(o.problems);
    return write(target, o.bytes, 0o644) || (header ? write(header, o.header, 0o644) : EXIT.OK);
  }
  let r: ReturnType<typeof buildProgram>;
  try {
    r = buildProgram(mod, undefined, { debug: inv.opts.debug === true, pie: inv.opts.pie === true, profile: counts });
  } catch (e) {
    // A broken runtime object or a symbol the runtime lacks: a bpjit bug, reported plainly.
    if (!(e instanceof ElfError)) throw e;
    userError(`cannot link '${file}': ${e.message}`, file);
    return EXIT.INTERNAL;
  }
  if (!r.ok) return notLowered(r.problems);
  explain(r.plan);
  return write(target, r.image.bytes, 0o755);
}

/** Each construct the native back end cannot compile yet, at its source line. */
export function notLowered(problems: NotLowered[]): number {
  const diags = new DiagBag(100);
  for (const p of problems) {
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

/** The assembly listing of lowered functions (or the problems, reported), with source lines from `read`. */
export function listingOf(mod: BytecodeModule, lowered: ReturnType<typeof lowerProgram>, title: string,
  read: (file: string) => SourceFile = readSource): string | number {
  if (lowered.problems.length) return notLowered(lowered.problems);
  const sources = new Map<string, SourceFile | null>();
  const byName = new Map(mod.functions.map((f) => [f.name, f]));
  return nasmListing(lowered.functions.map((mf) => {
    const file = mod.files[byName.get(mf.name)!.file];
    if (!sources.has(file)) { try { sources.set(file, read(file)); } catch { sources.set(file, null); } }
    const src = sources.get(file);
    return { mf, file, source: (line: number) => (src ? lineText(src, line) : '') };
  }), title);
}

/** Writes an output (`-` is stdout); a listing that is a number is the exit status of its failure. */
function write(target: string, bytes: Uint8Array | string | number, mode: number): number {
  if (typeof bytes === 'number') return bytes;
  try {
    if (target === '-') writeAll(1, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
    else {
      fs.writeFileSync(target, bytes, { mode });
      fs.chmodSync(target, mode);
    }
  } catch (e) {
    userError(`cannot write '${target}': ${(e as Error).message}`, target);
    return EXIT.ERROR;
  }
  return EXIT.OK;
}
