// Running a node script or the CLI in a child process (for code that might fault or exit).
import { spawnSync } from 'node:child_process';
import { BPJIT } from './paths.js';
import type { RunResult } from './tiers.js';

export function runNode(args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: Buffer | string } = {}): RunResult {
  const r = spawnSync(process.execPath, args, {
    cwd: opts.cwd, env: { ...process.env, ...opts.env }, input: opts.input ?? '', maxBuffer: 1 << 28, encoding: 'latin1',
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 128 + 9 };
}

/** `bpjit ARGS…` in a child process. */
export const runCli = (args: string[], opts: Parameters<typeof runNode>[1] = {}): RunResult => runNode([BPJIT, ...args], opts);
