// .debug_frame: call frame information for every function of an executable — compiled
// BetterPython functions from the frame states the lowering recorded (rbp frames), the runtime's
// from its generated table (runtime-asm/runtime.cfi.json: mostly frameless functions) — so
// debuggers and profilers unwind through all of them. One CIE (CFA = rsp + 8 at a call, the
// return address below it, callee-saved registers unchanged unless a row says where they went,
// the others lost),
// then an FDE per function built from rows: from an offset on, CFA = register + offset, and where
// each saved register is relative to the CFA.
import type { CfiState, FrameDebug } from '../../native/frame-debug.js';
import { ByteWriter, DW, DWARF_REG, DWARF_RIP, DWARF_XMM0 } from './writer.js';

/** From `offset` on, CFA = reg + off (reg '': no caller), saved registers at CFA + k. */
export type CfiRow = [offset: number, reg: string, off: number, saved: [string, number][]];

export interface FrameEntry {
  addr: number;
  size: number;
  rows: CfiRow[];
}

const CALLEE_SAVED = ['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15'];
const CALLER_SAVED = [...['rax', 'rdx', 'rcx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11'].map((r) => DWARF_REG[r]), ...Array.from({ length: 16 }, (_, i) => DWARF_XMM0 + i)];
const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

/** The rows of compiled code from its frame states (frame-debug.ts) and the registers it saves. */
export function rowsOfFrame(cfi: FrameDebug['cfi'], savedRegs: number[] = []): CfiRow[] {
  const saved: [string, number][] = [['rbp', -16], ...savedRegs.map((g, i): [string, number] => [GPR_NAMES[g], -16 - 8 * (i + 1)])];
  const of: Record<CfiState, [string, number, [string, number][]]> = {
    entry: ['rsp', 8, []], pushed: ['rsp', 16, [['rbp', -16]]], framed: ['rbp', 16, [['rbp', -16]]], saved: ['rbp', 16, saved],
  };
  return cfi.map((c): CfiRow => [c.offset, ...of[c.state]]);
}

export function debugFrame(entries: FrameEntry[]): Uint8Array {
  const w = new ByteWriter();
  w.unit(() => {
    w.u32(0xffffffff).u8(4).cstr('').u8(8).u8(0).uleb(1).sleb(-8).uleb(DWARF_RIP);
    w.u8(DW.CFA.def_cfa).uleb(DWARF_REG.rsp).uleb(8);
    w.u8(DW.CFA.offset | DWARF_RIP).uleb(1);
    for (const r of CALLEE_SAVED) w.u8(DW.CFA.same_value).uleb(DWARF_REG[r]);
    // the others do not survive a call (System V): a caller's value of them is gone
    for (const r of CALLER_SAVED) w.u8(DW.CFA.undefined).uleb(r);
    pad(w);
  });
  for (const e of entries) {
    w.unit(() => {
      w.u32(0).u64(e.addr).u64(e.size);
      let prev: CfiRow = [0, 'rsp', 8, []];
      for (const row of e.rows) {
        if (row[0] >= e.size) break;
        advance(w, row[0] - prev[0]);
        change(w, prev, row);
        prev = row;
      }
      pad(w);
    });
  }
  return w.done();
}

function advance(w: ByteWriter, d: number): void {
  if (d === 0) return;
  if (d < 64) w.u8(DW.CFA.advance_loc | d);
  else if (d < 256) w.u8(DW.CFA.advance_loc1).u8(d);
  else if (d < 65536) w.u8(DW.CFA.advance_loc2).u16(d);
  else w.u8(DW.CFA.advance_loc4).u32(d);
}

/** The instructions that turn the rules of row `a` into those of `b`. */
function change(w: ByteWriter, a: CfiRow, b: CfiRow): void {
  if (!b[1]) {
    // the outermost frame: no return address
    if (a[1]) w.u8(DW.CFA.undefined).uleb(DWARF_RIP);
    return;
  }
  if (!a[1]) w.u8(DW.CFA.restore | DWARF_RIP);
  if (a[1] !== b[1] || a[2] !== b[2]) w.u8(DW.CFA.def_cfa).uleb(DWARF_REG[b[1]]).uleb(b[2]);
  const before = new Map(a[1] ? a[3] : []);
  const after = new Map(b[3]);
  for (const [r, k] of after) if (before.get(r) !== k) w.u8(DW.CFA.offset | DWARF_REG[r]).uleb(-k / 8);
  for (const r of before.keys()) if (!after.has(r)) w.u8(DW.CFA.restore | DWARF_REG[r]);
}

/** DW_CFA_nop up to a multiple of 8 (every entry starts at one, so this ends the entry at one). */
function pad(w: ByteWriter): void {
  while (w.length % 8 !== 0) w.u8(0);
}
