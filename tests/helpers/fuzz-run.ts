// The differential fuzzer (scripts/fuzz.ts, and a short seeded run in tests/fuzz): mutants of the
// corpus programs (tests/programs) through the front end, then — when they compile — through
// every tier (fuzz-tiers.ts judges); and corrupted .bpc files (fuzz-bpc.ts) through the reader
// and the verifier, then every tier when the verifier accepts them. Whatever goes wrong is a
// problem, and each problem's program can be kept in tests/fuzz/regress, where the tests run it
// on every tier from then on.
import { execaSync } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BpcError, readBpc } from '../../src/bytecode/bpc.js';
import { compileProgram } from '../../src/bytecode/compile.js';
import type { BytecodeModule } from '../../src/bytecode/module.js';
import { verifyModule } from '../../src/bytecode/verify.js';
import { DiagBag, TooManyErrors } from '../../src/lang/diag.js';
import { FILE_HOST } from '../../src/lang/loader.js';
import { checkProgram } from '../../src/lang/program.js';
import { sourceFromText } from '../../src/lang/source.js';
import { childEnv } from './child.js';
import { mutateBpc } from './fuzz-bpc.js';
import { mutate, rng } from './fuzz-front.js';
import { NONDETERMINISTIC_BUILTINS, trial, type Trial } from './fuzz-tiers.js';
import { BUILTINS } from '../../src/lang/builtins.js';
import { O, instrLength } from '../../src/bytecode/opcodes.js';
import { BPJIT, ROOT } from './paths.js';

export const PROGRAMS = path.join(ROOT, 'tests/programs');
export const REGRESS = path.join(ROOT, 'tests/fuzz/regress');

export interface Seed {
  name: string;
  text: string;
  args: string[];
  stdin?: Buffer;
}

export interface Problem {
  /** What the program is: a mutant of which seed, how. */
  origin: string;
  problems: string[];
  /** The program, to keep: source text, or .bpc bytes. */
  program: { file: string; bytes: Buffer };
  seed: Seed;
}

export interface FuzzCounts {
  sources: number;
  rejected: number;
  ran: number;
  loops: number;
  /** Programs whose tracebacks differ between tiers (their error lines agree). */
  tracebacks: number;
  bpc: number;
  unreadable: number;
  unverified: number;
  bpcRan: number;
}

/** The corpus programs that run (a .expected beside them), with their arguments and input. */
export function seeds(dir = PROGRAMS): Seed[] {
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f) : undefined);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.bp') && fs.existsSync(path.join(dir, f.replace(/\.bp$/, '.expected')))).sort().map((f) => {
    const base = path.join(dir, f.replace(/\.bp$/, ''));
    const args = read(`${base}.args`)?.toString('utf8').split('\n') ?? [];
    if (args[args.length - 1] === '') args.pop();
    return { name: f, text: fs.readFileSync(path.join(dir, f)).toString('latin1'), args, stdin: read(`${base}.stdin`) };
  });
}

/**
 * A directory for mutants: every corpus program is there too, as a module a mutant may import
 * (lang_import_* import their neighbours).
 */
export function workDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-fuzz-'));
  for (const f of fs.readdirSync(PROGRAMS)) if (f.endsWith('.bp')) fs.copyFileSync(path.join(PROGRAMS, f), path.join(dir, f));
  return dir;
}

/** Front end in this process: the module, or null when rejected; an exception is a crash (a problem). */
export function front(file: string, text: string): { mod: BytecodeModule | null; crash?: string } {
  const diags = new DiagBag();
  try {
    const prog = checkProgram(file, diags, { host: { read: (p) => (p === file ? sourceFromText(p, text) : FILE_HOST.read(p)) } });
    if (diags.hasErrors) return { mod: null };
    const mod = compileProgram(prog);
    const wrong = verifyModule(mod);
    return wrong.length ? { mod: null, crash: `the verifier rejects what the compiler wrote: ${wrong[0]}` } : { mod };
  } catch (e) {
    if (e instanceof TooManyErrors) return { mod: null };
    return { mod: null, crash: `front end threw: ${String((e as Error).stack ?? e).split('\n').slice(0, 3).join(' | ')}` };
  }
}

/** A command on a rejected program: exit 1 with its message, never an internal error or a signal. */
function rejects(args: string[]): string | null {
  const r = execaSync(process.execPath, [BPJIT, ...args], { env: childEnv(), extendEnv: false, reject: false, encoding: 'latin1', timeout: 60_000 });
  if (r.exitCode === 1 && !/internal error/.test(String(r.stderr))) return null;
  return `bpjit ${args[0]} of a rejected program: exit ${r.exitCode ?? r.signal}: ${String(r.stderr).trim().split('\n').slice(0, 2).join(' | ').slice(0, 300)}`;
}

export interface FuzzOptions {
  sources: number;
  bpc: number;
  seed: number;
  /** Each rejected program also goes through bpjit (one command) this often (1: always). */
  rejectedEvery?: number;
  /**
   * Each half (sources, .bpc) ends early once this many of its mutants ran on every tier (a short
   * run that must exercise the tiers whatever the corpus holds, without running more than that).
   */
  enough?: number;
  /** Called after each program (progress), with the problems found so far. */
  progress?: (counts: FuzzCounts, problems: Problem[]) => void;
}

export function fuzzTiers(opts: FuzzOptions): { counts: FuzzCounts; problems: Problem[]; notes: string[] } {
  const rand = rng(opts.seed);
  const all = seeds();
  const dir = workDir();
  const counts: FuzzCounts = { sources: 0, rejected: 0, ran: 0, loops: 0, tracebacks: 0, bpc: 0, unreadable: 0, unverified: 0, bpcRan: 0 };
  const problems: Problem[] = [];
  const notes: string[] = [];
  const every = opts.rejectedEvery ?? 10;
  const judged = (t: Trial, origin: string, program: Problem['program'], seed: Seed) => {
    if (t.loops) counts.loops++;
    if (t.notes.length) { counts.tracebacks++; notes.push(`${origin}: ${t.notes[0]}`); }
    if (t.problems.length) problems.push({ origin, problems: t.problems, program, seed });
  };
  try {
    const enough = opts.enough ?? Infinity;
    for (let n = 0; n < opts.sources && counts.ran < enough; n++) {
      const seed = all[Math.floor(rand() * all.length)];
      let text = seed.text;
      const rounds = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < rounds; k++) text = mutate(text, rand);
      const file = path.join(dir, `m${n}.bp`);
      fs.writeFileSync(file, Buffer.from(text, 'latin1'));
      const origin = `source mutant ${n} of ${seed.name} (seed ${opts.seed})`;
      const program = { file: `m${n}.bp`, bytes: Buffer.from(text, 'latin1') };
      counts.sources++;
      const f = front(file, text);
      if (f.crash) problems.push({ origin, problems: [f.crash], program, seed });
      else if (!f.mod) {
        counts.rejected++;
        const p = n % every === 0 ? rejects(['run', file]) : null;
        if (p) problems.push({ origin, problems: [p], program, seed });
      } else {
        counts.ran++;
        judged(trial(file, { dir, args: seed.args, stdin: seed.stdin, nondeterministic: callsNondeterministic(text), callsC: f.mod.externs.length > 0 }), origin, program, seed);
      }
      fs.rmSync(file, { force: true });
      opts.progress?.(counts, problems);
    }
    const compiled = all.map((s) => ({ s, mod: front(path.join(dir, s.name), s.text).mod })).filter((x) => x.mod);
    for (let n = 0; n < opts.bpc && counts.bpcRan < enough; n++) {
      const { s, mod } = compiled[Math.floor(rand() * compiled.length)];
      const { bytes, how } = mutateBpc(mod!, rand);
      const file = path.join(dir, `b${n}.bpc`);
      fs.writeFileSync(file, bytes);
      const origin = `.bpc mutant ${n} of ${s.name} (${how}; seed ${opts.seed})`;
      const program = { file: `b${n}.bpc`, bytes };
      counts.bpc++;
      let verdict: 'unreadable' | 'unverified' | 'ok' = 'ok';
      let nondeterministic = false, callsC = false;
      try {
        const read = readBpc(bytes);
        // (code the verifier refuses may hold words that are no instruction: not walked)
        if (verifyModule(read).length) verdict = 'unverified';
        else { nondeterministic = callsNondeterministic(read); callsC = read.externs.length > 0; }
      } catch (e) {
        if (e instanceof BpcError) verdict = 'unreadable';
        else problems.push({ origin, problems: [`reading threw: ${String((e as Error).stack ?? e).split('\n').slice(0, 3).join(' | ')}`], program, seed: s });
      }
      if (verdict === 'ok') {
        counts.bpcRan++;
        judged(trial(file, { dir, args: s.args, stdin: s.stdin, nondeterministic, callsC }), origin, program, s);
      } else {
        counts[verdict]++;
        const p = n % every === 0 ? rejects(['run', file]) : null;
        if (p) problems.push({ origin, problems: [p], program, seed: s });
      }
      fs.rmSync(file, { force: true });
      opts.progress?.(counts, problems);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { counts, problems, notes };
}

const nondeterministicIds = new Set(NONDETERMINISTIC_BUILTINS.map((name) => BUILTINS.get(name)!.id));

/** Whether a program (its source, or its bytecode) calls a builtin whose result differs from run to run. */
export function callsNondeterministic(program: string | BytecodeModule): boolean {
  if (typeof program === 'string') return NONDETERMINISTIC_BUILTINS.some((name) => new RegExp(`\\b${name}\\b`).test(program));
  return program.functions.some(({ code }) => {
    for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) if (code[pc] === O.callb && nondeterministicIds.has(code[pc + 2])) return true;
    return false;
  });
}

/** Keeps a problem's program in tests/fuzz/regress (with its arguments and input); returns its name. */
export function keep(p: Problem, name: string): string {
  fs.mkdirSync(REGRESS, { recursive: true });
  const ext = p.program.file.endsWith('.bpc') ? '.bpc' : '.bp';
  const base = path.join(REGRESS, name);
  const note = `# fuzz: ${p.origin}\n# found: ${p.problems.join('\n#        ')}\n`;
  fs.writeFileSync(base + ext, ext === '.bp' ? Buffer.concat([Buffer.from(note), p.program.bytes]) : p.program.bytes);
  if (ext === '.bpc') fs.writeFileSync(`${base}.why`, note);
  if (p.seed.args.length) fs.writeFileSync(`${base}.args`, p.seed.args.join('\n') + '\n');
  if (p.seed.stdin) fs.writeFileSync(`${base}.stdin`, p.seed.stdin);
  return base + ext;
}
