// The differential backbone: every corpus program with the JIT forced on (threshold 1, in child
// processes) and, for the programs `bpjit build` compiles, as a built executable — each must give
// its expected stdout, exit code and (where given) stderr, exactly as on the VM.
// tests/programs/NATIVE lists the programs that build; the test checks that list both ways, so
// a program that stops building fails, and one that starts building must be added.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { buildProgram } from '../../src/driver/build.js';
import { checkProgram } from '../../src/lang/program.js';
import { DiagBag } from '../../src/lang/diag.js';
import { runNode, runProcess } from '../helpers/child.js';
import { ROOT } from '../helpers/paths.js';
import { Expectation, PROGRAMS, RunResult, compare, corpus, runVM } from '../helpers/tiers.js';

const programs = corpus();

/**
 * Runs the corpus in the in-process tier (child processes, see native-batch.ts); the problems.
 * Besides the expectations, the messages on stderr (runtime errors, tracebacks) must be the
 * VM's exactly, for every program (`sameStderr`).
 */
function nativeCorpus(tier: string, threshold: string, sameStderr: boolean): string[] {
  const problems: string[] = [];
  const batches = [programs.slice(0, programs.length >> 1), programs.slice(programs.length >> 1)];
  for (const batch of batches) {
    const r = runNode([path.join(ROOT, 'dist/tests/helpers/native-batch.js'), PROGRAMS, threshold, ...batch.map((p) => p.file)]);
    const got = new Map<string, RunResult>(r.stdout.split('\n').filter(Boolean).map((l) => { const j = JSON.parse(l); return [j.file, j]; }));
    for (const p of batch) {
      const g = got.get(p.file);
      if (!g) { problems.push(`${p.name} [${tier}]: the process died (exit ${r.code}): ${r.stderr.slice(0, 300)}`); break; }
      const d = compare(tier, p, g);
      if (d) problems.push(d);
      else if (sameStderr && p.stderr === null) {
        const vm = runVM(p.file, { cwd: PROGRAMS, args: p.args, stdin: p.stdin });
        if (g.stderr !== vm.stderr) problems.push(`${p.name} [${tier}]: stderr ${JSON.stringify(g.stderr.slice(0, 200))}, the VM's ${JSON.stringify(vm.stderr.slice(0, 200))}`);
      }
    }
  }
  return problems;
}

test('native interpreter: the corpus gives the expected results and the VM\'s messages', () => {
  assert.equal(nativeCorpus('interp', 'none', true), []);
});

test('jit: the corpus with every function compiled at its first call gives the expected results', () => {
  assert.equal(nativeCorpus('jit', '1', false), []);
});

// Functions compiled after 3 calls and loops after 30 trips: interpreted and compiled frames call
// each other, and loops go on in compiled code from the middle of an interpreted frame.
test('jit: the corpus with the interpreter and compiled code mixed gives the expected results', () => {
  assert.equal(nativeCorpus('mixed', '3', false), []);
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-aot-'));
const manifest = fs.readFileSync(path.join(PROGRAMS, 'NATIVE'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

function build(p: Expectation): string | null {
  const old = process.cwd();
  process.chdir(PROGRAMS);
  try {
    const prog = checkProgram(p.file, new DiagBag());
    const r = buildProgram(compileProgram(prog!));
    if (!r.ok) return null;
    const exe = path.join(tmp, p.name);
    fs.writeFileSync(exe, r.image.bytes, { mode: 0o755 });
    return exe;
  } finally {
    process.chdir(old);
  }
}

test('aot: the programs of tests/programs/NATIVE build, and no others', () => {
  const built = programs.filter((p) => build(p) !== null).map((p) => p.name);
  assert.equal(built, [...manifest].sort());
});

for (const p of programs.filter((q) => manifest.includes(q.name))) {
  test(`aot: ${p.name}`, () => {
    const exe = build(p);
    assert.ok(exe, `${p.name} no longer builds`);
    const d = compare('aot', p, runProcess(exe!, p.args, { cwd: PROGRAMS, input: p.stdin }));
    assert.ok(d === '', d);
  });
}

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
