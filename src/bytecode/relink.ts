// Laying a function's code out anew: instructions placed in any order, each jump naming a label,
// then made into code with every jump resolved. Inlining (inline.ts) and the layout of cold
// blocks (layout.ts) rewrite functions with it.
import { O, OPS, instrLength } from './opcodes.js';

export class CodeBuilder {
  private readonly items: { words: number[]; jump: number; target: string; line: number }[] = [];
  private readonly labels = new Map<string, number>();

  /** Names the place of the next instruction (after the last one, if none follows). */
  label(name: string): void {
    this.labels.set(name, this.items.length);
  }

  /** Places an instruction (its words are taken); its jump operand, if it has one, goes to `target`. */
  put(words: number[], line: number, target = ''): void {
    const j = OPS[words[0]].ops.indexOf('j');
    this.items.push({ words, jump: j >= 0 ? 1 + j : -1, target, line });
  }

  /**
   * The code and its lines; `pcOf` gives the pc each label names. A `jmp` to where control would
   * go anyway (the next instruction, or another such jump) is left out.
   */
  finish(): { code: Int32Array; lines: Int32Array; pcOf: (label: string) => number } {
    const items = this.items, at = (label: string) => this.labels.get(label)!;
    // (backwards, so a jump's target past it already knows where it really goes)
    const live = new Array<boolean>(items.length).fill(true);
    const nextLive = new Int32Array(items.length + 1);
    nextLive[items.length] = items.length;
    for (let k = items.length - 1; k >= 0; k--) {
      const it = items[k];
      if (it.words[0] === O.jmp && at(it.target) > k && nextLive[at(it.target)] === nextLive[k + 1]) live[k] = false;
      nextLive[k] = live[k] ? k : nextLive[k + 1];
    }
    const pcs: number[] = [];
    let n = 0;
    items.forEach((it, k) => { pcs.push(n); if (live[k]) n += it.words.length; });
    pcs.push(n);
    const pcOf = (label: string) => {
      const at = this.labels.get(label);
      if (at === undefined) throw new Error(`relink: no label ${label}`);
      return pcs[at];
    };
    const code = new Int32Array(n), lines = new Int32Array(n);
    items.forEach((it, k) => {
      if (!live[k]) return;
      if (it.jump >= 0) it.words[it.jump] = pcOf(it.target);
      code.set(it.words, pcs[k]);
      lines[pcs[k]] = it.line;
    });
    return { code, lines, pcOf };
  }
}

/**
 * The ranges of pcs ([start, end): inlined copies, variables' scopes) of code `code` moved by a
 * builder whose labels `:pc` name where each instruction went and `>pc` where it ended: a range
 * moves as a whole, from its first instruction to after its last.
 */
export function rangeMover(code: Int32Array, pcOf: (label: string) => number): <T extends { start: number; end: number }>(r: T) => T {
  const lastBefore = (end: number) => { let last = -1; for (let pc = 0; pc < end; pc += instrLength(code, pc)) last = pc; return last; };
  return (r) => (r.end > r.start ? { ...r, start: pcOf(`:${r.start}`), end: pcOf(`>${lastBefore(r.end)}`) } : { ...r, start: pcOf(`:${r.start}`), end: pcOf(`:${r.start}`) });
}
