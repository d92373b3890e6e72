// A whole program as linker input: every function reachable from the entry and the global
// initialiser, lowered for the 'aot' target, plus `bp_main` (what the runtime's _start calls)
// and the globals area. A function the lowering cannot take yet is reported with the
// construct and its line instead of producing a broken binary.
import fs from 'node:fs';
import { O, instrLength } from '../bytecode/opcodes.js';
import { calledExterns, type BytecodeModule } from '../bytecode/module.js';
import { optimiseProgram, type OptimisationPlan, type BuildProfile } from './optimise.js';
import { lowerFunction, type LowerOptions } from '../native/lower.js';
import type { MachineFunction, Unsupported } from '../native/machine.js';
import { Blob, globalsArea, handlerTable, mainFunction, structLayouts, vtables } from '../native/program.js';
import { InputSection, LinkedImage, codeSection, dataSection, link } from '../elf/index.js';
import { RUNTIME_OBJECT, runtimeSections } from '../elf/runtime-object.js';
import { externSlot } from '../native/abi.js';
import { dynamicLinking } from '../elf/dynamic.js';
import { lineTableSection, type PlacedFunction } from './linetable.js';
import { appendSections } from '../elf/append.js';
import { debugSections, readRuntimeCfi } from '../elf/dwarf/index.js';
import { packageVersion } from './help.js';
import { PIE_START, pieStart } from './pie.js';

/** Indices of the functions a run can reach: from the initialiser and the entry (or `roots`), through calls. */
export function reachableFunctions(mod: BytecodeModule, roots = [mod.init, mod.entry]): number[] {
  const seen = new Set<number>();
  const work = roots.filter((i) => i >= 0);
  while (work.length) {
    const i = work.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    const code = mod.functions[i].code;
    // (a function inlined keeps its record in the line table: tracebacks name it)
    for (const s of mod.functions[i].inlined ?? []) work.push(s.callee);
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
      if (code[pc] === O.call || code[pc] === O.funcref || code[pc] === O.closure) work.push(code[pc + 2]);
      // A class instantiated can have any of its methods called through its vtable.
      if (code[pc] === O.newobj) work.push(...mod.classes[code[pc + 2]].vtable);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

export interface NotLowered extends Unsupported {
  file: string;
  fn: string;
  /** The whole message, when it is not about a construct the back end cannot compile. */
  message?: string;
}

export type ProgramResult = { ok: true; image: LinkedImage; functions: MachineFunction[]; plan: OptimisationPlan } | { ok: false; problems: NotLowered[] };

export interface BuildOptions {
  /** DWARF debugging information (bpjit build -g). */
  debug?: boolean;
  /** A position-independent executable (bpjit build --pie). */
  pie?: boolean;
  /** The counts of a profile of the program (bpjit build --profile). */
  profile?: BuildProfile;
}

/**
 * Every function a run of `mod` can reach (from `roots`), lowered with `opts`, or why not. Every
 * call is in the program (whole-program rewrites) except of the functions `open` lists.
 */
export function lowerProgram(mod: BytecodeModule, opts: LowerOptions = {}, roots?: number[], open = new Set<number>()): { functions: MachineFunction[]; problems: NotLowered[] } {
  const functions: MachineFunction[] = [];
  const problems: NotLowered[] = [];
  for (const i of reachableFunctions(mod, roots)) {
    const r = lowerFunction(mod, i, { wholeProgram: !open.has(i), ...opts });
    if (r.ok) functions.push(r.mf);
    else problems.push({ ...r.why, file: mod.files[mod.functions[i].file], fn: mod.functions[i].name });
  }
  return { functions, problems };
}

/** Lowers and links `mod` with the runtime object. */
export function buildProgram(source: BytecodeModule, runtime: InputSection[] = runtimeSections(), opts: BuildOptions = {}): ProgramResult {
  const plan = optimiseProgram(source, opts.profile, opts.debug);
  const mod = plan.mod;
  const { functions, problems } = lowerProgram(mod, { debug: opts.debug });
  problems.push(...missingLibraries(mod));
  if (opts.pie && calledExterns(mod).length) {
    // (the dynamic loader would relocate it too; not yet)
    const e = mod.externs[calledExterns(mod)[0]];
    problems.push({ op: 'callx', line: e.line, reason: 'extern', file: mod.files[e.file], fn: e.name, message: `--pie: a program that calls extern functions cannot be built position-independent yet (extern '${e.name}')` });
  }
  if (problems.length) return { ok: false, problems };
  const placed = functions.map(functionSections);
  const sections = placed.flatMap((p) => (p.rodata ? [p.text, p.rodata] : [p.text]));
  const blobs = [handlerTable(functions), structLayouts(mod), vtables(mod, new Set(functions.map((f) => f.symbol))), ...mainFunction(mod, true), ...globalsArea(mod),
    ...(opts.pie ? [pieStart()] : [])];
  const blobSections = blobs.map((b) => ({ blob: b, section: sectionOfBlob(b) }));
  const dynamic = externLinking(mod);
  const image = link([...runtime, ...sections, ...blobSections.map((b) => b.section), lineTableSection(mod, placed), ...dynamic.sections],
    opts.pie ? PIE_START : '_start', { ...dynamic.options, pie: opts.pie });
  if (opts.debug) {
    image.bytes = appendSections(image.bytes, debugSections({
      mod, image, functions: placed, code: blobSections.filter((b) => b.blob.cfi).map((b) => ({ section: b.section, cfi: b.blob.cfi! })),
      runtimeCfi: readRuntimeCfi(RUNTIME_OBJECT), compDir: process.cwd(), producer: `bpjit ${packageVersion()}`,
    }));
  }
  return { ok: true, image, functions, plan };
}

/**
 * A lowered function as linker input: its code, and its constants as a read-only section of
 * their own (so .text holds instructions only), referred to by section.
 */
export function functionSections(mf: MachineFunction): PlacedFunction {
  if (!mf.rodata) return { mf, text: codeSection(mf.symbol, mf.code, mf.relocs, 'program') };
  const { start, refs } = mf.rodata;
  const text = codeSection(mf.symbol, mf.code.subarray(0, start), mf.relocs.filter((r) => r.offset < start), 'program');
  const data: InputSection = {
    name: `.rodata.${mf.symbol}`, kind: 'rodata', align: 16, data: mf.code.subarray(start), size: mf.code.length - start,
    relocs: [], symbols: [], origin: 'program',
  };
  text.symbols[0].size = start;
  for (const r of refs) text.relocs.push({ offset: r.offset, type: 'R_X86_64_PC32', target: { section: data, offset: r.target - start }, addend: r.addend });
  return { mf, text, rodata: data };
}

/**
 * A program that calls extern functions is dynamically linked: its libraries are DT_NEEDED
 * (in order of first declaration) and each extern's slot is filled by the dynamic loader.
 * Without externs the executable stays static and libc-free.
 */
function externLinking(mod: BytecodeModule): ReturnType<typeof dynamicLinking> {
  const used = calledExterns(mod);
  if (!used.length) return { sections: [], options: {} };
  const libraries = [...new Set(used.map((i) => mod.externs[i].lib))];
  return dynamicLinking(libraries, used.map((i) => ({ symbol: mod.externs[i].symbol, slot: externSlot(i) })));
}

/** Libraries named by a path (as the dynamic loader reads one: relative to the working directory) that do not exist. */
function missingLibraries(mod: BytecodeModule): NotLowered[] {
  return calledExterns(mod).map((i) => mod.externs[i]).filter((e) => e.lib.includes('/') && !fs.existsSync(e.lib)).map((e) => ({
    op: 'callx', line: e.line, reason: 'extern', file: mod.files[e.file], fn: e.name,
    message: `FFI: cannot load library '${e.lib}': no such file (extern '${e.name}')`,
  }));
}

/** A blob of program data or code as linker input. */
export function sectionOfBlob(b: Blob): InputSection {
  const s = b.kind === 'text' ? codeSection(b.symbol, b.bytes, b.relocs, 'program') : dataSection(b.symbol, b.kind === 'bss' ? { size: b.size } : b.bytes, 'program',
    b.relocs.map((r) => ({ offset: r.offset, type: r.type, target: { symbol: r.symbol }, addend: r.addend })));
  for (const extra of b.symbols ?? []) {
    if (extra.offset === 0) s.symbols[0].size = extra.size;
    else s.symbols.push({ ...extra, type: 'object', global: true });
  }
  return s;
}

