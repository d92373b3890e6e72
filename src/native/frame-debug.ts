// What a debugger needs to know about a lowered function's frame, collected while it is lowered:
// where each VM register lives (frame.ts), the native ranges where a register sharing its home
// holds its value, the ranges where float registers homed in xmm registers are in their slots
// (around calls: xmm registers are caller-saved), and the states of the call frame by offset
// (for CFI: before `push rbp`, after it, with rbp set, with the callee-saved registers pushed).
import type { Assembler, Label, MachineCode } from '../x64/index.js';
import { FrameLayout, Home, slotOffset } from './frame.js';

export type CfiState = 'entry' | 'pushed' | 'framed' | 'saved';

export interface FrameDebug {
  homes: Home[];
  /** Per register: whether it shares its home (it is there only over shortLived's ranges). */
  shared: boolean[];
  /** Callee-saved registers pushed after rbp, in order. */
  saved: number[];
  /** rbp-relative offset of each slot. */
  slots: number[];
  /** Native ranges [start, end) where a register sharing its home holds its value (FrameLayout.shared). */
  shortLived: { reg: number; start: number; end: number }[];
  /** Native ranges where xmm-homed registers live in their slots. */
  spilled: { start: number; end: number }[];
  /** Frame states from each offset on. */
  cfi: { offset: number; state: CfiState }[];
  /** Where the body's code ends (the epilogue, then out-of-line entries and error paths). */
  bodyEnd: number;
}

export class FrameMarks {
  private readonly cfi: { label: Label; state: CfiState }[] = [];
  private readonly spills: { label: Label; open: boolean }[] = [];

  constructor(private readonly a: Assembler) {}

  /** The frame is in `state` from here on. */
  state(state: CfiState): void {
    const l = this.a.newLabel();
    this.a.bind(l);
    this.cfi.push({ label: l, state });
  }

  /** xmm homes go to their slots from here (open) or come back from them (close). */
  spill(open: boolean): void {
    const l = this.a.newLabel();
    this.a.bind(l);
    this.spills.push({ label: l, open });
  }

  /** The frame states by offset. */
  states(mc: MachineCode): FrameDebug['cfi'] {
    return this.cfi.map((c) => ({ offset: mc.labelOffset(c.label), state: c.state }));
  }

  resolve(mc: MachineCode, layout: FrameLayout, pcMap: { offset: number; pc: number }[], bodyEnd: number): FrameDebug {
    const spilled: FrameDebug['spilled'] = [];
    let open = -1;
    for (const s of this.spills) {
      if (s.open) open = mc.labelOffset(s.label);
      else if (open >= 0) { spilled.push({ start: open, end: mc.labelOffset(s.label) }); open = -1; }
    }
    const shortLived: FrameDebug['shortLived'] = [];
    layout.homes.forEach((h, reg) => {
      if (!layout.shared(reg)) return;
      pcMap.forEach((m, i) => {
        if (!layout.liveAt(reg, m.pc)) return;
        const end = i + 1 < pcMap.length ? pcMap[i + 1].offset : bodyEnd;
        const last = shortLived[shortLived.length - 1];
        if (last && last.reg === reg && last.end === m.offset) last.end = end;
        else if (end > m.offset) shortLived.push({ reg, start: m.offset, end });
      });
    });
    return {
      homes: layout.homes, saved: layout.saved, slots: Array.from({ length: layout.slots }, (_, k) => slotOffset(layout, k)),
      shared: layout.homes.map((_, r) => layout.shared(r)), shortLived, spilled, cfi: this.states(mc), bodyEnd,
    };
  }
}
