// Sampling on the TypeScript VM, which cannot take a timer signal: every `every` calls and loop
// back-edges the VM's stack is recorded, and each record is worth an equal share of the run's
// wall time (src/profile/data.ts turns stacks into time). A stack keeps its innermost
// MAX_FRAMES frames, as the native sampler does: a million-deep recursion is sampled in constant
// memory, with its outermost frames left out.
import { SAMPLE_MAX_FRAMES } from '../bytecode/limits.js';
import { lineOfPc } from '../bytecode/module.js';
import type { Frame } from '../profile/data.js';
import type { FnRt, VM } from './interp.js';

const MAX_FRAMES = SAMPLE_MAX_FRAMES;

export class VmSampler {
  private left: number;
  private readonly counts = new Map<string, { frames: Frame[]; count: number }>();
  constructor(private readonly every = 1000) {
    this.left = every;
  }

  /** The VM's tick hook: `fn` is running at `pc` (a call or a loop's back-edge). */
  tick(vm: VM, fn: FnRt, pc: number): void {
    if (--this.left > 0) return;
    this.left = this.every;
    const frames: Frame[] = vm.frameStack(MAX_FRAMES - 1).map(({ fn: f, pc: at }) => ({ name: f.name, kind: 'bp', tier: 'vm', line: lineOfPc(f, at) }));
    frames.push({ name: fn.name, kind: 'bp', tier: 'vm', line: lineOfPc(fn, pc) });
    const key = frames.map((f) => `${f.name}:${f.line}`).join(';');
    const s = this.counts.get(key);
    if (s) s.count++;
    else this.counts.set(key, { frames, count: 1 });
  }

  stacks(): { frames: Frame[]; count: number }[] {
    return [...this.counts.values()];
  }
}
