// The tiers as commands: how to run a program (a .bp or .bpc file) on each, in a child process.
// The output tests go through this list, so a new tier (or a new flag for an old one) is one row
// here.
import path from 'node:path';
import { runCli } from './child.js';
import { BPJIT } from './paths.js';

export interface TierCommand {
  readonly name: string;
  /** The program to start and its arguments, for `program` (built into `exe` first when `build`). */
  command(program: string, exe: string): [string, string[]];
  /** The program is built (`bpjit build program -o exe`) before it runs. */
  readonly build?: boolean;
  /**
   * How many times longer than native code the tier may take on a program (the TypeScript VM:
   * a loop of array pushes to a 256M heap limit takes it 10 s of CPU, an executable 88 ms).
   */
  readonly slow?: number;
}

const bpjit = (...args: string[]) => (program: string): [string, string[]] => [process.execPath, [BPJIT, ...args, program]];

export const TIERS: readonly TierCommand[] = [
  { name: 'vm', command: bpjit('run', '--vm'), slow: 6 },
  { name: 'interp', command: bpjit('run', '--no-jit') },
  { name: 'jit', command: bpjit('run', '--jit-threshold', '1') },
  { name: 'exe', build: true, command: (_, exe) => [exe, []] },
];

/** Prepares `program` for `tier` in `dir`: the executable's path, or a build failure (its result). */
export function prepare(tier: TierCommand, program: string, dir: string, env: Record<string, string> = {}): { exe: string } | { failed: { code: number; stderr: string } } {
  const exe = path.join(dir, `${path.basename(program).replace(/\.bpc?$/, '')}.exe`);
  if (!tier.build) return { exe };
  const r = runCli(['build', program, '-o', exe], { env });
  return r.code === 0 ? { exe } : { failed: { code: r.code, stderr: r.stderr } };
}
