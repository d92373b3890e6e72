// Lowering: one pass over a function's register bytecode producing x86-64 through the encoder,
// in V8 Sparkplug's shape: a pre-pass finds jump targets (and checks that every instruction can
// be lowered, unsupported.ts); then each pc binds its label, records its pc-map entry and runs
// the lowering of its opcode, from one table assembled from the per-family files (lower-*.ts),
// written in the macro-assembler's vocabulary (masm.ts). Runtime errors jump to out-of-line
// stubs; constants follow the code. The JIT, the native interpreter's stubs and `bpjit build`
// share all of this — they differ only in the options and in how symbols are resolved.
import { O, OPS, OP_DEFS, instrLength } from '../bytecode/opcodes.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { fnSymbol } from './abi.js';
import { epilogue, handlerEntry, interpEntry, moveParams, osrEntry, prologue, tailInit } from './entries.js';
import { layoutFrame } from './frame.js';
import { LOWER_BUILTIN } from './lower-builtin.js';
import { LOWER_CONTROL, checkStack, rotatable, rotatesTop } from './lower-control.js';
import { LOWER_EXTERN } from './lower-extern.js';
import { LOWER_HEAP } from './lower-heap.js';
import { LOWER_SCALAR } from './lower-scalar.js';
import { LOWER_STRING } from './lower-string.js';
import type { InlineFrame, LowerResult, MachineFunction } from './machine.js';
import { Masm, lineRow, type InlineContext, type LowerOptions, type Lowering } from './masm.js';
import { inlineFrames, siteFrames } from '../bytecode/inline.js';
import { callFrameBytes, unrolledBytes } from '../bytecode/limits.js';
import { planRewrites } from './rewrite.js';
import { unsupportedIn } from './unsupported.js';

export type { LowerOptions } from './masm.js';
export { unsupportedIn } from './unsupported.js';

/** The lowering of each opcode (undefined: the `native` column says 'never'). */
export const LOWER: readonly (Lowering | undefined)[] = (() => {
  const table = { ...LOWER_SCALAR, ...LOWER_CONTROL, ...LOWER_HEAP, ...LOWER_STRING, ...LOWER_BUILTIN, ...LOWER_EXTERN };
  return OPS.map((_, op) => table[op]);
})();

export function lowerFunction(mod: BytecodeModule, index: number, opts: LowerOptions): LowerResult {
  const fn = mod.functions[index];
  const why = unsupportedIn(mod, fn);
  if (why) return { ok: false, why };
  const rw = planRewrites(mod, index, opts.wholeProgram ?? false, !!opts.counters);
  return { ok: true, mf: lowerBody(new Masm(mod, fn, layoutFrame(fn, rw, opts.debug), rw, opts), index) };
}

/** Where the instruction at pc of function `self` was inlined from (null: its own code). */
function inlineContext(mod: BytecodeModule, self: number, pc: number): InlineContext | null {
  const fn = mod.functions[self];
  return fn.inlined?.length ? contextOf(mod, inlineFrames(fn, self, pc, 0)) : null;
}

function contextOf(mod: BytecodeModule, frames: { fn: number; line: number }[]): InlineContext | null {
  if (frames.length === 1) return null;
  const callee = frames[0].fn;
  return { file: mod.files[mod.functions[callee].file], callee, outer: frames.slice(1), key: frames.map((f) => `${f.fn}:${f.line}`).join(',') };
}

/**
 * Where an inlined copy starts, the stack check of the call it replaced (lower-control.ts,
 * checkStack), outermost first: a recursion through a small function overflows at the same call
 * on every tier.
 */
function inlineEntryChecks(m: Masm, self: number): Map<number, (() => void)[]> {
  const { fn, mod } = m;
  const checks = new Map<number, (() => void)[]>();
  const sites = fn.inlined ?? [];
  sites.forEach((site, k) => {
    let bytes = -unrolledBytes(fn);
    for (let j = k; j >= 0; j = sites[j].parent) bytes += callFrameBytes(mod.functions[sites[j].callee]);
    const frames = siteFrames(fn, self, k);
    const at = checks.get(site.start) ?? [];
    at.push(() => checkStack(m, bytes, frames[0].line, contextOf(mod, frames)));
    checks.set(site.start, at);
  });
  return checks;
}

function lowerBody(m: Masm, self: number): MachineFunction {
  const { a, fn, opts } = m;
  const code = fn.code;
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const j = OPS[code[pc]].ops.indexOf('j');
    if (j >= 0) m.label(code[pc + 1 + j]);
    // (a rotated loop's back-edge jumps to the instruction after its exit test)
    if (code[pc] === O.loop && rotatable(m, pc)) m.label(code[pc + 1] + instrLength(code, code[pc + 1]));
  }
  if (m.tail && rotatesTop(m)) m.label(instrLength(code, 0));
  for (const h of fn.handlers) m.label(h.target);
  for (const b of fn.bails ?? []) m.label(b.target);
  const start = a.newLabel();
  a.bind(start);
  prologue(m);
  moveParams(m);
  tailInit(m);
  a.bind(m.top);
  m.countCall();
  const pcLabels: { label: ReturnType<typeof a.newLabel>; pc: number }[] = [];
  const lineLabels: { label: ReturnType<typeof a.newLabel>; line: number; frames?: InlineFrame[] }[] = [];
  let where = '';
  const entryChecks = inlineEntryChecks(m, self);
  let returned = false; // (the last instruction emitted returned: nothing falls into the epilogue)
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const l = m.labelAt(pc);
    if (l) a.bind(l);
    const here = a.newLabel();
    a.bind(here);
    pcLabels.push({ label: here, pc });
    const inline = inlineContext(m.mod, self, pc);
    if (fn.lines[pc] && `${fn.lines[pc]}@${inline?.key}` !== where) {
      m.line = fn.lines[pc];
      m.inline = inline;
      where = `${m.line}@${inline?.key}`;
      lineLabels.push({ label: here, ...lineRow(m.line, inline) });
    }
    m.bail = fn.bails?.find((b) => pc >= b.start && pc < b.end)?.target ?? -1;
    for (const check of entryChecks.get(pc) ?? []) check();
    // (a result no one reads is still computed for a debugger, which may show it)
    if (m.rw.skip.has(pc) || (m.layout.dead.has(pc) && !opts.debug)) continue;
    const op = code[pc];
    m.pc = pc;
    if (opts.listing) a.comment(`${pc}: ${OP_DEFS[op].name}`);
    const lower = LOWER[op];
    if (!lower) throw new Error(`lowering: no case for ${OP_DEFS[op].name}`);
    lower(m, pc, op);
    returned = op === O.ret || op === O.retv;
  }
  m.inline = null;
  m.bail = -1;
  a.bind(m.epilogue);
  if (m.epilogueUsed || !returned || m.labelAt(code.length)) epilogue(m);
  lineLabels.push(...m.emitDeferred());
  const osrLabels = (opts.osr ?? []).map((pc) => [pc, osrEntry(m, pc)] as const);
  const interp = opts.interpEntry ? interpEntry(m, start) : null;
  const handlerEntries = fn.handlers.map((h) => handlerEntry(m, h.reg, h.target));
  lineLabels.push(...m.emitErrorStubs());
  const data = m.emitConstants();
  const mc = a.finish();
  const pcMap = pcLabels.map(({ label, pc }) => ({ offset: mc.labelOffset(label), pc }));
  const pcOffset = (pc: number) => {
    const e = pcMap.find((p) => p.pc >= pc);
    return e ? e.offset : mc.labelOffset(m.epilogue);
  };
  const rspOffset = -(8 * m.layout.saved.length + m.layout.frameBytes);
  const handlers = fn.handlers.map((h, i) => ({ start: pcOffset(h.start), end: pcOffset(h.end), entry: mc.labelOffset(handlerEntries[i]), rspOffset }));
  return {
    handlers,
    name: fn.name, symbol: fnSymbol(fn.name), code: mc.bytes, relocs: mc.relocs, pcMap,
    lines: [{ offset: 0, line: fn.defLine }, ...lineLabels.map(({ label, ...row }) => ({ offset: mc.labelOffset(label), ...row }))],
    locs: fn.inlined?.length ? m.inlineLocations().map(({ label, frames }) => ({ offset: mc.labelOffset(label), frames })) : undefined,
    osr: new Map(osrLabels.map(([pc, l]) => [pc, mc.labelOffset(l)])),
    listing: opts.listing ? mc.listing : undefined, comments: mc.comments, labels: opts.listing ? mc.labels : undefined,
    interpEntry: interp ? mc.labelOffset(interp) : undefined,
    rodata: data ? { start: mc.labelOffset(data), refs: mc.labelRefs.filter((r) => r.target >= mc.labelOffset(data)) } : undefined,
    frame: opts.debug ? m.marks.resolve(mc, m.layout, pcMap, mc.labelOffset(m.epilogue)) : undefined,
  };
}
