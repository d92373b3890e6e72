// Frame layout of a lowered function: where each VM register lives. The most used registers
// (uses weighted by loop depth) of kind int/bool/ref go to the callee-saved rbx, r12–r15; the
// most used floats to xmm8–xmm15 (caller-saved in System V, so the lowering saves them around
// calls); everything else to 8-byte slots below the saved registers. Every float register also
// gets a slot, its home while a call is in flight.
//
//   [rbp+16...]   stack arguments (7th int / 9th float parameter on)
//   [rbp+8]       return address
//   [rbp]         caller's rbp
//   [rbp-8*i]     saved callee-saved registers (i = 1..nsaved)
//   below         slots, 8 bytes each; rsp 16-byte aligned
import { Kind, OPS, instrLength } from '../bytecode/opcodes.js';
import type { BcFunction } from '../bytecode/module.js';
import { O } from '../bytecode/opcodes.js';

/** Where a VM register lives: a callee-saved GPR (number), an xmm register, or a frame slot. */
export type Home =
  | { readonly at: 'gpr'; readonly reg: number }
  | { readonly at: 'xmm'; readonly reg: number; readonly slot: number }
  | { readonly at: 'slot'; readonly slot: number };

export const CALLEE_SAVED = [3, 12, 13, 14, 15]; // rbx, r12, r13, r14, r15
export const XMM_HOMES = [8, 9, 10, 11, 12, 13, 14, 15];

export interface FrameLayout {
  homes: Home[];
  /** Callee-saved GPRs used (pushed in this order after rbp). */
  saved: number[];
  /** Number of 8-byte slots. */
  slots: number;
  /** Bytes subtracted from rsp after the pushes (keeps rsp 16-byte aligned). */
  frameBytes: number;
  /** xmm registers holding VM registers (to save around calls). */
  xmmUsed: number[];
}

/** rbp-relative offset of slot k. */
export function slotOffset(layout: FrameLayout, k: number): number {
  return -8 * (layout.saved.length + k + 1);
}

/** Use counts per register, weighted 8^depth by the loops each use is in. */
function weights(fn: BcFunction): number[] {
  const w = new Array(fn.regKinds.length).fill(0);
  const code = fn.code;
  const depth = new Int32Array(code.length + 1);
  // A back-edge at pc jumping to t makes [t, pc] one loop deeper.
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const op = code[pc];
    const target = op === O.loop ? code[pc + 1] : op === O.forlt || op === O.forgt ? code[pc + 4] : -1;
    if (target >= 0 && target <= pc) for (let k = target; k <= pc; k++) depth[k]++;
  }
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) {
    const def = OPS[code[pc]];
    const weight = 8 ** Math.min(depth[pc], 6);
    let p = pc + 1;
    for (const letter of def.ops) {
      if (letter === '*' || letter === '%') {
        const n = code[p++];
        for (let i = 0; i < n; i++) { w[code[p]] += weight; p += letter === '%' ? 2 : 1; }
      } else {
        if (letter === 'd' || letter === 'r') w[code[p]] += weight;
        p++;
      }
    }
  }
  return w;
}

export function layoutFrame(fn: BcFunction): FrameLayout {
  const n = fn.regKinds.length;
  const w = weights(fn);
  const byUse = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[b] - w[a] || a - b);
  const homes: Home[] = new Array(n);
  const saved: number[] = [];
  const xmmUsed: number[] = [];
  let slots = 0;
  for (const r of byUse) {
    if (fn.regKinds[r] === Kind.Float) {
      if (xmmUsed.length < XMM_HOMES.length && w[r] > 0) {
        const x = XMM_HOMES[xmmUsed.length];
        xmmUsed.push(x);
        homes[r] = { at: 'xmm', reg: x, slot: slots++ };
      } else homes[r] = { at: 'slot', slot: slots++ };
    } else if (saved.length < CALLEE_SAVED.length && w[r] > 0) {
      const g = CALLEE_SAVED[saved.length];
      saved.push(g);
      homes[r] = { at: 'gpr', reg: g };
    } else homes[r] = { at: 'slot', slot: slots++ };
  }
  // On entry rsp = 16k+8; push rbp makes it 16k; the saved pushes and the slots must keep it so.
  let frameBytes = slots * 8;
  if ((saved.length * 8 + frameBytes) % 16 !== 0) frameBytes += 8;
  return { homes, saved, slots, frameBytes, xmmUsed };
}
