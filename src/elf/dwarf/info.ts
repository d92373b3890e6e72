// .debug_info, .debug_abbrev, .debug_str and .debug_loclists (DWARF 5): one compilation unit
// for the program, a subprogram per compiled function (its code range, its frame base the CFA,
// its return type), its parameters and variables with their types and where they live — a
// callee-saved register, r10/r11 while it holds the value (a location list), an xmm register
// except around calls where it sits in its frame slot (a location list), or a frame slot — and
// variables of inner scopes in lexical blocks covering their code.
import { lineOfPc, type BcFunction, type BytecodeModule, type LocalVar } from '../../bytecode/module.js';
import type { FrameDebug } from '../../native/frame-debug.js';
import type { Home } from '../../native/frame.js';
import type { MachineFunction } from '../../native/machine.js';
import { DieWriter, type Abbrev } from './die.js';
import { TYPE_ABBREVS, TypeTable } from './types.js';
import { ByteWriter, DW, DWARF_GPR, DWARF_XMM0, StringSection } from './writer.js';

const { TAG, AT, FORM, OP } = DW;

export interface DebugFunction {
  fn: BcFunction;
  mf: MachineFunction & { frame: FrameDebug };
  addr: number;
  /** Bytes of code (its constants are elsewhere). */
  size: number;
  /** Index into the line table's files. */
  file: number;
  main: boolean;
}

export interface DebugUnit {
  mod: BytecodeModule;
  producer: string;
  compDir: string;
  /** The primary source file (the line table's file 0). */
  name: string;
  functions: DebugFunction[];
}

type Attr = readonly [number, number];
const sub = (typed: boolean, main: boolean): Abbrev => ({
  tag: TAG.subprogram, children: true,
  attrs: [[AT.name, FORM.strp], [AT.decl_file, FORM.udata], [AT.decl_line, FORM.udata], [AT.low_pc, FORM.addr], [AT.high_pc, FORM.data8],
    [AT.frame_base, FORM.exprloc], [AT.external, FORM.flag_present], ...(typed ? [[AT.type, FORM.ref4] as Attr] : []),
    ...(main ? [[AT.main_subprogram, FORM.flag_present] as Attr] : [])],
});
const named = (tag: number, location: number | null): Abbrev => ({
  tag, attrs: [[AT.name, FORM.strp], [AT.decl_file, FORM.udata], [AT.decl_line, FORM.udata], [AT.type, FORM.ref4], ...(location === null ? [] : [[AT.location, location] as Attr])],
});

const ABBREVS = {
  ...TYPE_ABBREVS,
  unit: { tag: TAG.compile_unit, children: true, attrs: [[AT.producer, FORM.strp], [AT.language, FORM.data2], [AT.name, FORM.strp], [AT.comp_dir, FORM.strp], [AT.low_pc, FORM.addr], [AT.high_pc, FORM.data8], [AT.stmt_list, FORM.sec_offset]] },
  sub: sub(false, false), subTyped: sub(true, false), subMain: sub(false, true), subMainTyped: sub(true, true),
  paramExpr: named(TAG.formal_parameter, FORM.exprloc), paramList: named(TAG.formal_parameter, FORM.sec_offset), paramNone: named(TAG.formal_parameter, null),
  varExpr: named(TAG.variable, FORM.exprloc), varList: named(TAG.variable, FORM.sec_offset), varNone: named(TAG.variable, null),
  block: { tag: TAG.lexical_block, children: true, attrs: [[AT.low_pc, FORM.addr], [AT.high_pc, FORM.data8]] },
} as const;

/** A location over native offsets [start, end): a register, or the frame slot at this rbp offset. */
type Piece = { start: number; end: number; reg: number } | { start: number; end: number; slot: number };

export function debugInfo(u: DebugUnit): { info: Uint8Array; abbrev: Uint8Array; str: Uint8Array; loclists: Uint8Array | null } {
  const str = new StringSection();
  const d = new DieWriter(ABBREVS, str);
  const types = new TypeTable(u.mod, d);
  // .debug_loclists after its length field: version, address size, no segments, no offset table
  const lists = new ByteWriter();
  lists.u16(5).u8(8).u8(0).u32(0);
  const lo = Math.min(...u.functions.map((f) => f.addr)), hi = Math.max(...u.functions.map((f) => f.addr + f.size));
  const w = d.w;
  w.unit(() => {
    w.u16(5).u8(DW.UT_compile).u8(8).u32(0);
    d.die('unit', () => { d.strp(u.producer); w.u16(DW.LANG_Python); d.strp(u.name); d.strp(u.compDir); w.u64(lo).u64(hi - lo).u32(0); });
    for (const f of u.functions) subprogram(d, types, lists, f);
    types.flush();
    d.end();
  });
  // (no section at all when no variable needs a list: readers take a header alone for an error)
  const loclists = lists.length > 8 ? new ByteWriter().u32(lists.length).bytes(lists.done()).done() : null;
  return { info: w.done(), abbrev: d.abbrevTable(), str: str.w.done(), loclists };
}

function subprogram(d: DieWriter<keyof typeof ABBREVS>, types: TypeTable, lists: ByteWriter, f: DebugFunction): void {
  const { fn, mf } = f;
  const w = d.w;
  const typed = fn.ret !== 'v';
  d.die(f.main ? (typed ? 'subMainTyped' : 'subMain') : typed ? 'subTyped' : 'sub', () => {
    d.strp(fn.name); w.uleb(f.file).uleb(fn.defLine).u64(f.addr).u64(f.size);
    w.block((e) => e.u8(OP.call_frame_cfa));
    if (typed) types.ref(fn.ret);
  });
  const vars = fn.vars ?? [];
  const native = (pc: number) => mf.pcMap.find((m) => m.pc >= pc)?.offset ?? mf.frame.bodyEnd;
  const variable = (v: LocalVar, param: boolean) => {
    const pieces = locate(mf.frame, v.reg, native(v.start), native(v.end));
    const one = pieces.length === 1 && pieces[0].start === native(v.start) && pieces[0].end === native(v.end);
    const kind = param ? 'param' : 'var';
    const header = () => { d.strp(v.name); w.uleb(f.file).uleb(param ? fn.defLine : lineOfPc(fn, v.start)); types.ref(fn.regTypes[v.reg]); };
    if (!pieces.length) return d.die(`${kind}None`, header);
    if (one) return d.die(`${kind}Expr`, () => { header(); w.block((e) => expr(e, pieces[0])); });
    d.die(`${kind}List`, () => { header(); w.u32(4 + lists.length); });
    for (const p of pieces) { lists.u8(DW.LLE.start_length).u64(f.addr + p.start).uleb(p.end - p.start).block((e) => expr(e, p)); }
    lists.u8(DW.LLE.end_of_list);
  };
  vars.filter((v) => v.reg < fn.arity).forEach((v) => variable(v, true));
  // Inner scopes as lexical blocks, nested as their pc ranges nest.
  const scopes = [...new Map(vars.filter((v) => v.reg >= fn.arity).map((v) => [`${v.start}:${v.end}`, [v.start, v.end] as const])).values()]
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const open: (readonly [number, number])[] = [];
  for (const [s, e] of scopes) {
    while (open.length && !(s >= open[open.length - 1][0] && e <= open[open.length - 1][1])) { open.pop(); d.end(); }
    d.die('block', () => { w.u64(f.addr + native(s)).u64(Math.max(0, native(e) - native(s))); });
    open.push([s, e]);
    for (const v of vars) if (v.reg >= fn.arity && v.start === s && v.end === e) variable(v, false);
  }
  for (; open.length; open.pop()) d.end();
  d.end();
}

/** Where a register's value is over native [lo, hi). */
function locate(frame: FrameDebug, vmReg: number, lo: number, hi: number): Piece[] {
  const h: Home = frame.homes[vmReg];
  if (hi <= lo || !h) return [];
  const clip = (ranges: { start: number; end: number }[]) => ranges.map((r) => ({ start: Math.max(lo, r.start), end: Math.min(hi, r.end) })).filter((r) => r.end > r.start);
  if (h.at === 'slot') return [{ start: lo, end: hi, slot: frame.slots[h.slot] }];
  if (h.at === 'gpr') {
    const reg = DWARF_GPR[h.reg];
    if (!frame.shared[vmReg]) return [{ start: lo, end: hi, reg }];
    return clip(frame.shortLived.filter((r) => r.reg === vmReg)).map((r) => ({ ...r, reg }));
  }
  // xmm: in its slot while a call is in flight, in the register otherwise
  const out: Piece[] = [];
  let at = lo;
  for (const s of clip(frame.spilled)) {
    if (s.start > at) out.push({ start: at, end: s.start, reg: DWARF_XMM0 + h.reg });
    out.push({ start: s.start, end: s.end, slot: frame.slots[h.slot] });
    at = s.end;
  }
  if (at < hi) out.push({ start: at, end: hi, reg: DWARF_XMM0 + h.reg });
  return out;
}

function expr(e: ByteWriter, p: Piece): void {
  if ('slot' in p) e.u8(OP.fbreg).sleb(p.slot - 16); // the frame base is the CFA, rbp + 16
  else if (p.reg < 32) e.u8(OP.reg0 + p.reg);
  else e.u8(OP.regx).uleb(p.reg);
}
