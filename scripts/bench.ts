// `npm run bench [-- --runs N --only fib,sieve --tiers vm,interp,run,aot,aot+prof,gcc-O2,gcc-O0,python,ref
//                   --ref-bin DIR --cpu N|none]`
// Runs tests/bench/*.bp on every available tier — the TypeScript VM (`run --vm`), the native
// interpreter (`run --no-jit`), `bpjit run` (the interpreter with the JIT), the built executable
// (without a profile, and built with --profile from a `bpjit profile` run of the same benchmark) —
// and the C and Python peers and the reference VM; checks each output against NAME.expected, and
// prints a table of median wall-clock milliseconds with ratios against the reference VM (measured
// in the same run when its binaries are given: --ref-bin DIR holding bpcc and bpvm, or
// BPJIT_REF_BIN; else the published timings of tests/bench/REFERENCE.md) and gcc -O2, and the
// start-up of `bpjit run hello.bp` against `node -e 0`. Every timed command is pinned to one CPU
// (taskset; by default the last): on a shared 2-core machine that halves the run-to-run spread.
import { execaSync } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bench = path.join(root, 'tests/bench');
const bpjit = path.join(root, 'bin/bpjit');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg('runs') ?? 3);
const refBin = arg('ref-bin') ?? process.env.BPJIT_REF_BIN;
const only = arg('only')?.split(',');
const names = fs.readdirSync(bench).filter((f) => f.endsWith('.bp')).map((f) => f.slice(0, -3)).filter((n) => !only || only.includes(n)).sort();

function reference(): Map<string, number> {
  const m = new Map<string, number>();
  const text = fs.readFileSync(path.join(bench, 'REFERENCE.md'), 'utf8');
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length > 3 && names.includes(cells[1])) m.set(cells[1], Number(cells[2].split(' ')[0]));
  }
  return m;
}

/** Runs a command to completion; never throws for a failure (see exitCode). */
const exec = (cmd: string, args: string[]) => execaSync(cmd, args, { reject: false, encoding: 'latin1', stripFinalNewline: false, maxBuffer: 1 << 26 });
const have = (cmd: string) => exec('sh', ['-c', `command -v ${cmd}`]).exitCode === 0;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

interface Tier {
  name: string;
  /** Prepares the benchmark (compile, build); returns the command to time, or null if unavailable. */
  prepare(n: string): string[] | null;
}

const TIERS: Tier[] = [
  { name: 'vm', prepare: (n) => [bpjit, 'run', '--vm', path.join(bench, `${n}.bp`)] },
  { name: 'interp', prepare: (n) => [bpjit, 'run', '--no-jit', path.join(bench, `${n}.bp`)] },
  { name: 'run', prepare: (n) => [bpjit, 'run', path.join(bench, `${n}.bp`)] },
  {
    name: 'aot',
    prepare: (n) => {
      const exe = path.join(tmp, `${n}.bpjit`);
      return exec(bpjit, ['build', path.join(bench, `${n}.bp`), '-o', exe]).exitCode === 0 ? [exe] : null;
    },
  },
  {
    // The executable built with a profile of its own run (bpjit profile, then build --profile).
    name: 'aot+prof',
    prepare: (n) => {
      const exe = path.join(tmp, `${n}.pgo`), prof = path.join(tmp, `${n}.bpprof`), src = path.join(bench, `${n}.bp`);
      if (exec(bpjit, ['profile', '-o', prof, src]).exitCode !== 0) return null;
      return exec(bpjit, ['build', src, '-o', exe, '--profile', prof]).exitCode === 0 ? [exe] : null;
    },
  },
  ...['O2', 'O0'].map((o) => ({
    name: `gcc-${o}`,
    prepare: (n: string) => {
      if (!have('gcc')) return null;
      const exe = path.join(tmp, `${n}.${o}`);
      return exec('gcc', [`-${o}`, '-o', exe, path.join(bench, `${n}.c`), '-lm']).exitCode === 0 ? [exe] : null;
    },
  })),
  { name: 'python', prepare: (n) => (have('python3') ? ['python3', path.join(bench, `${n}.py`)] : null) },
  {
    name: 'ref',
    prepare: (n) => {
      if (!refBin || !fs.existsSync(path.join(refBin, 'bpvm'))) return null;
      const bpc = path.join(tmp, `${n}.bpc`);
      return exec(path.join(refBin, 'bpcc'), [path.join(bench, `${n}.bp`), '-o', bpc]).exitCode === 0 ? [path.join(refBin, 'bpvm'), bpc] : null;
    },
  },
];
const wanted = arg('tiers')?.split(',');
const tiers = TIERS.filter((t) => !wanted || wanted.includes(t.name));

const cpuArg = arg('cpu') ?? String(os.cpus().length - 1);
const pin = cpuArg !== 'none' && os.cpus().length > 1 && have('taskset') ? ['taskset', '-c', cpuArg] : [];

function time(command: string[], expected: string): number | string {
  const cmd = [...pin, ...command];
  const t0 = process.hrtime.bigint();
  const r = exec(cmd[0], cmd.slice(1));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.exitCode !== 0) return `exit ${r.exitCode ?? r.signal}`;
  if (r.stdout !== expected) return 'WRONG';
  return ms;
}

function median(cmd: string[], expected: string): number | string {
  const samples: number[] = [];
  time(cmd, expected); // warm-up (file cache, JIT of node itself)
  for (let i = 0; i < runs; i++) {
    const r = time(cmd, expected);
    if (typeof r === 'string') return r;
    samples.push(r);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

// Start-up: what every `bpjit run` pays before the program's first instruction.
const hello = path.join(tmp, 'hello.bp');
fs.writeFileSync(hello, 'def main() -> int:\n    print("hello")\n    return 0\n');
const node = median([process.execPath, '-e', '0'], '');
const startup = median([bpjit, 'run', hello], 'hello\n');

const published = reference();
const results = new Map<string, Map<string, number | string>>();
for (const n of names) {
  const expected = fs.readFileSync(path.join(bench, `${n}.expected`), 'latin1');
  const row = new Map<string, number | string>();
  for (const t of tiers) {
    const cmd = t.prepare(n);
    row.set(t.name, cmd ? median(cmd, expected) : 'n/a');
    process.stderr.write(`${n} ${t.name}: ${String(row.get(t.name))}\n`);
  }
  results.set(n, row);
}

const fmt = (v: number | string | undefined) => (typeof v === 'number' ? v.toFixed(0) : v ?? '-');
const ratio = (a: number | string | undefined, b: number | string | undefined) =>
  typeof a === 'number' && typeof b === 'number' ? (a / b).toFixed(2) + 'x' : '-';
const live = tiers.some((t) => t.name === 'ref') && names.some((n) => typeof results.get(n)!.get('ref') === 'number');
// issue 13's target for bpjit run: at most the start-up plus twice the executable's time
const target = (r: Map<string, number | string>) => {
  const aot = r.get('aot');
  return typeof aot === 'number' && typeof startup === 'number' ? startup + 2 * aot : undefined;
};
const header = ['benchmark', 'ref VM (REFERENCE.md)', ...tiers.map((t) => t.name), 'interp/ref', 'run/ref', 'aot/ref', 'aot/gcc-O2', 'aot+prof/gcc-O2',
  'run / (start-up + 2 aot)'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const n of names) {
  const r = results.get(n)!;
  const refMs = live ? r.get('ref') : published.get(n);
  lines.push(`| ${[n, String(published.get(n) ?? '-'), ...tiers.map((t) => fmt(r.get(t.name))),
    ratio(r.get('interp'), refMs), ratio(r.get('run'), refMs), ratio(r.get('aot'), refMs), ratio(r.get('aot'), r.get('gcc-O2')),
    ratio(r.get('aot+prof'), r.get('gcc-O2')), ratio(r.get('run'), target(r))].join(' | ')} |`);
}
// The geometric means of the ratios to gcc -O2 (issue 14's targets are about them).
const geomean = (tier: string) => {
  const rs = names.map((n) => [results.get(n)!.get(tier), results.get(n)!.get('gcc-O2')]).filter(([a, b]) => typeof a === 'number' && typeof b === 'number');
  return rs.length ? `${Math.exp(rs.reduce((s, [a, b]) => s + Math.log((a as number) / (b as number)), 0) / rs.length).toFixed(2)}x` : '-';
};
lines.push(`| geomean | | ${tiers.map(() => '').join(' | ')} | | | | ${geomean('aot')} | ${geomean('aot+prof')} | |`);
console.log(`Median wall-clock ms of ${runs} runs after a warm-up (${os.cpus()[0]?.model ?? 'cpu'}${pin.length ? `, pinned to CPU ${cpuArg}` : ''}); `
  + `ratios: time / reference VM time (lower is better; the reference ${live ? 'measured in this run' : 'of REFERENCE.md'}); `
  + 'vm: the TypeScript VM, interp: the native interpreter (--no-jit), run: bpjit run (the interpreter and the JIT), aot: the built executable, aot+prof: built with --profile of its own bpjit profile run.');
console.log(lines.join('\n'));
console.log(`\nstart-up: node -e 0 ${fmt(node)} ms, bpjit run hello.bp ${fmt(startup)} ms (${typeof node === 'number' && typeof startup === 'number' ? (startup - node).toFixed(0) : '-'} ms more)`);
