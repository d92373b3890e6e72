// The fuzzer's oracle: a program (a .bp or .bpc file) run on every tier (tier-commands.ts), each
// run in a fresh directory (also its TMPDIR) with the same arguments, stdin and heap limit, and
// the results judged: a signal death, an internal error (exit 70), a hang (a tier still running
// after TIMEOUT_MS — six times that for the TypeScript VM — while another finished at once), a
// failed build, or tiers that disagree on stdout, exit status or stderr are problems. A program
// every tier runs forever, or that prints past MAX_OUTPUT, is fine (a mutant may well loop) as
// long as what each printed before it was stopped agrees, and so is one slow enough to run out
// of time on the slower tiers.
import { execaSync } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childEnv } from './child.js';
import { BPJIT } from './paths.js';
import { TIERS, type TierCommand } from './tier-commands.js';

// A stack overflow comes at the same call on every tier, at the same depth but for a few
// documented cases (README, Limits: a self-call loop, a function first called from compiled code
// before it was compiled, code a profile-guided build inlined, a lambda entered from the
// interpreter, which can move it by a frame or two): the fuzzer holds mutants to the error's
// line, not to the count.
function maskDepth(stderr: string): string {
  if (!/^error: stack overflow/m.test(stderr)) return stderr;
  return stderr.replace(/(repeated|\.\.\.) \d+ more/g, '$1 N more');
}

export const TIMEOUT_MS = 10_000;
/** A tier that finished faster than this, while another ran out of time, makes that one a hang. */
const FAST_MS = TIMEOUT_MS / 100;
/** What a run may print before it is cut (a mutant printing in a loop). */
const MAX_OUTPUT = 1 << 20;
/** Every run gets this heap limit (the same on every tier), so a mutant cannot take the machine. */
export const FUZZ_HEAP = '256M';
/** What the harness prints in place of a run's own directory. */
export const RUN_DIR = '<run directory>';

export interface TierRun {
  tier: string;
  /** The program did not build (a clean error, exit 1): its stderr is the diagnostic, not comparable. */
  unbuilt?: boolean;
  code: number;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface Trial {
  runs: TierRun[];
  problems: string[];
  /**
   * Tracebacks that differ while the error lines agree (the AOT and JIT rewrites of a self-call
   * into a loop leave no frames to show: reported, not yet counted as a problem).
   */
  notes: string[];
  /** All tiers ran out of time (a program that loops). */
  loops: boolean;
}

export interface TrialOptions {
  args?: string[];
  stdin?: Buffer;
  /** Where the executable is built. */
  dir: string;
  /** The program reads the clock or /dev/urandom: its output may differ from run to run (see judge). */
  nondeterministic?: boolean;
  /** The program calls C (extern functions): C code that crashes takes the process with it (see judge). */
  callsC?: boolean;
}

/**
 * The builtins whose results differ from run to run. A mutant that calls one (`print(random_bytes(8))`)
 * is held to no signal deaths, internal errors or hangs, but not to the same output on every tier.
 */
export const NONDETERMINISTIC_BUILTINS: readonly string[] = ['clock_ms', 'random_bytes'];

/** Diagnostics bpjit prints as it compiles (warnings) come before the program's own stderr. */
function programStderr(stderr: string): string {
  const m = /^[^\n]*: warning\[W\d+\][^]*?^\d+ warnings?\n/m.exec(stderr);
  return m && m.index === 0 ? stderr.slice(m[0].length) : stderr;
}

function runTier(tier: TierCommand, program: string, exe: string, opts: TrialOptions): TierRun {
  const [file, args] = tier.command(program, exe);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-fuzz-run-'));
  const t0 = Date.now();
  try {
    const r = execaSync(file, [...args, ...(opts.args ?? [])], {
      cwd, env: childEnv({ BPJIT_HEAP_LIMIT: FUZZ_HEAP, TMPDIR: cwd }), extendEnv: false, input: opts.stdin ?? '',
      timeout: TIMEOUT_MS * (tier.slow ?? 1), maxBuffer: MAX_OUTPUT, encoding: 'latin1', stripFinalNewline: false, reject: false,
    });
    // (execa does not always say isMaxBuffer when spawnSync stopped a child at maxBuffer: ENOBUFS)
    const cut = r.isMaxBuffer === true || /ENOBUFS/.test(r.originalMessage ?? '');
    // (each tier runs in a directory of its own: a program that prints where it is, or TMPDIR,
    // prints that directory's name, which is not the tier's answer)
    const text = (x: unknown) => (typeof x === 'string' ? x.split(cwd).join(RUN_DIR) : '');
    return {
      tier: tier.name, code: r.exitCode ?? -1, signal: cut || r.timedOut ? null : r.signal ?? null,
      stdout: text(r.stdout), stderr: programStderr(text(r.stderr)),
      timedOut: r.timedOut === true || cut, ms: Date.now() - t0,
    };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * Runs `program` on every tier: the executable first (the fastest, so a program that loops costs
 * one tier's timeout, and the native interpreter's to confirm it), the slow TypeScript VM last.
 */
export function trial(program: string, opts: TrialOptions, tiers: readonly TierCommand[] = TIERS): Trial {
  const exe = path.join(opts.dir, `${path.basename(program).replace(/\.bpc?$/, '')}.exe`);
  const problems: string[] = [];
  const order = [...tiers].sort((a, b) => Number(!!b.build) - Number(!!a.build) || (a.slow ?? 1) - (b.slow ?? 1));
  const runs: TierRun[] = [];
  for (const tier of order) {
    if (tier.build) {
      const built = buildFor(program, exe);
      if (built) {
        // A clean refusal (an extern's library missing, say) is what the other tiers must say at run time.
        if (built.code === 1 && !/internal error/.test(built.stderr)) runs.push({ tier: tier.name, unbuilt: true, code: 1, signal: null, stdout: '', stderr: built.stderr, timedOut: false, ms: 0 });
        else problems.push(`${tier.name}: bpjit build failed (exit ${built.code}): ${built.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`);
        continue;
      }
    }
    const r = runTier(tier, program, exe, opts);
    runs.push(r);
    // Two tiers out of time: a program that loops; the rest would only wait as long again.
    // What they printed before they were stopped must still agree: the one output begins the other.
    if (runs.length === 2 && runs.every((x) => x.timedOut)) {
      if (!opts.nondeterministic && !onePrefixesOther(runs[0].stdout, runs[1].stdout)) problems.push(`${runs[0].tier} and ${runs[1].tier} disagree (stdout before they were stopped): ${difference(runs[0], runs[1])}`);
      return { runs, problems, notes: [], loops: true };
    }
  }
  // A tier out of time where another finished at once runs once more before that counts as a
  // hang: a loaded machine can hold a child back for seconds (false hangs seen under load 7).
  const fastest = Math.min(...runs.filter((r) => !r.timedOut && !r.unbuilt).map((r) => r.ms));
  if (fastest < FAST_MS) runs.forEach((r, i) => { if (r.timedOut) runs[i] = runTier(order.find((t) => t.name === r.tier)!, program, exe, opts); });
  const verdict = judge(runs, opts.nondeterministic, opts.callsC);
  return { runs, problems: [...problems, ...verdict.problems], notes: verdict.notes, loops: false };
}

/** `bpjit build program -o exe`; null when it built, else how it failed. */
function buildFor(program: string, exe: string): { code: number; stderr: string } | null {
  const r = execaSync(process.execPath, [BPJIT, 'build', program, '-o', exe], {
    env: childEnv(), extendEnv: false, reject: false, encoding: 'latin1', timeout: 4 * TIMEOUT_MS,
  });
  return r.exitCode === 0 ? null : { code: r.exitCode ?? -1, stderr: typeof r.stderr === 'string' ? r.stderr : '' };
}

/** stderr without its tracebacks: the error lines every tier must print alike. */
const errorLines = (stderr: string) => stderr.replace(/^traceback \(most recent call last\):\n(  .*\n)*/gm, '');

/** The problems of a set of runs (see the file's comment), and differences of tracebacks only. */
export function judge(given: TierRun[], nondeterministic = false, callsC = false): { problems: string[]; notes: string[] } {
  const runs = given.map(loaderRefusal);
  const problems: string[] = [];
  const notes: string[] = [];
  // A program that calls C and died of a signal: C code it called wrongly (a mutant freeing a
  // pointer twice) takes the process with it (README, Calling C) — undefined behaviour, whose
  // effects can differ by tier; a note, and no agreement asked.
  if (callsC && runs.some((r) => r.signal)) {
    notes.push(`C code died: ${runs.filter((r) => r.signal).map((r) => `${r.tier} of ${r.signal}`).join(', ')}`);
    nondeterministic = true;
  }
  for (const r of runs) {
    if (r.signal && !callsC) problems.push(`${r.tier}: killed by ${r.signal}`);
    // (70 is also a status a program may give itself, exit(70): alike everywhere and unexplained)
    const internal = /internal error/.test(r.stderr) || runs.some((x) => x.code !== 70 && !x.timedOut);
    if (r.code === 70 && internal) problems.push(`${r.tier}: internal error: ${r.stderr.trim().split('\n').slice(0, 2).join(' | ').slice(0, 300)}`);
  }
  const done = runs.filter((r) => !r.timedOut);
  const fastest = Math.min(...done.filter((r) => !r.unbuilt).map((r) => r.ms));
  for (const r of runs) if (r.timedOut && fastest < FAST_MS) problems.push(`${r.tier}: still running after ${r.ms} ms where another tier took ${fastest} ms`);
  const [first, ...rest] = done;
  for (const r of nondeterministic ? [] : rest) {
    const comparable = !r.unbuilt && !first.unbuilt;
    // Where the heap runs out can differ by a step (README, Limits: each tier represents values
    // its own way; the executables' heap needs a large string's bytes in one run of blocks, the
    // VM measures V8's heap): both out of memory, what one printed must begin what the other
    // printed, and a step at another line is a note, as a traceback's depth is.
    const bothOutOfMemory = outOfMemory(r.stderr) && outOfMemory(first.stderr);
    const stderrDiffers = comparable && !bothOutOfMemory && errorLines(r.stderr) !== errorLines(first.stderr);
    const stdoutDiffers = bothOutOfMemory ? !onePrefixesOther(r.stdout, first.stdout) : r.stdout !== first.stdout;
    const what = [stdoutDiffers && 'stdout', r.code !== first.code && `exit ${first.code} vs ${r.code}`, stderrDiffers && 'stderr'].filter(Boolean);
    if (what.length) problems.push(`${first.tier} and ${r.tier} disagree (${what.join(', ')}): ${difference(first, r)}`);
    // (how deep recursion gets before a stack overflow is the tier's: its counts are masked)
    else if (comparable && maskDepth(r.stderr) !== maskDepth(first.stderr)) notes.push(`${first.tier} and ${r.tier}: ${bothOutOfMemory ? 'out of memory at another step' : 'tracebacks differ'}: ${difference(first, r)}`);
  }
  return { problems, notes };
}

/**
 * An executable whose library the dynamic loader cannot find fails before it starts, with the
 * loader's message and status 127 (the README's "Calling C"; bpjit build cannot know what the
 * machine that runs it provides): a refusal like a failed build, where the other tiers fail at
 * start-up with their FFI error (status 1, nothing printed).
 */
function loaderRefusal(r: TierRun): TierRun {
  return r.code === 127 && /error while loading shared libraries: .*: cannot open shared object file/.test(r.stderr) ? { ...r, unbuilt: true, code: 1 } : r;
}

const outOfMemory = (stderr: string) => /(^|\n)error: out of memory \(at [^\n]*\)\n$/.test(stderr);
const onePrefixesOther = (a: string, b: string) => (a.length <= b.length ? b.startsWith(a) : a.startsWith(b));

/** The first differing line, for a report. */
function difference(a: TierRun, b: TierRun): string {
  const [x, y] = a.stdout !== b.stdout ? [a.stdout, b.stdout] : [a.stderr, b.stderr];
  const xs = x.split('\n'), ys = y.split('\n');
  let i = 0;
  while (i < xs.length && xs[i] === ys[i]) i++;
  return `line ${i + 1}: ${JSON.stringify((xs[i] ?? '<end>').slice(0, 120))} vs ${JSON.stringify((ys[i] ?? '<end>').slice(0, 120))}`;
}
