// Running programs in child processes (with execa): the CLI, node scripts (for code that might
// fault or exit), built executables and tools. The child's environment is the test run's without
// the colour settings (scripts/run-tests.mjs sets them for uvu), so output is plain unless a test
// asks otherwise.
import fs from 'node:fs';
import os from 'node:os';
import { execaSync, type SyncOptions } from 'execa';
import { BPJIT } from './paths.js';
import type { RunResult } from './tiers.js';

export interface ChildOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: Buffer | string;
  /** Standard output goes to this file (/dev/full, say) instead of being captured. */
  stdoutFile?: string;
}

/** The test run's environment, less FORCE_COLOR, NO_COLOR and NODE_DISABLE_COLORS, plus `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS']) delete env[k];
  return { ...env, ...extra };
}

/** `file ARGS…` to completion; output as byte strings (latin1), the exit status as a shell gives it. */
export function runProcess(file: string, args: string[], opts: ChildOptions = {}): RunResult {
  // The child writes to the file itself (execa's { file } would write it in the child's stead).
  const fd = opts.stdoutFile === undefined ? undefined : fs.openSync(opts.stdoutFile, 'w');
  let r;
  try {
    r = execaSync(file, args, {
      cwd: opts.cwd, env: childEnv(opts.env), extendEnv: false, input: opts.input ?? '', maxBuffer: 1 << 28,
      stdout: (fd ?? 'pipe') as SyncOptions['stdout'], encoding: 'latin1', stripFinalNewline: false, reject: false,
    });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  // A death by signal is reported as a shell would: 128 + the signal's number.
  return { stdout: typeof r.stdout === 'string' ? r.stdout : '', stderr: r.stderr, code: r.exitCode ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0) };
}

export const runNode = (args: string[], opts: ChildOptions = {}): RunResult => runProcess(process.execPath, args, opts);

/** `bpjit ARGS…` in a child process. */
export const runCli = (args: string[], opts: ChildOptions = {}): RunResult => runNode([BPJIT, ...args], opts);
