// Native code named for perf: `bpjit run --perf-map` (or BPJIT_PERF=1) writes /tmp/perf-PID.map
// naming every compiled function, stub, trampoline, the interpreter's handlers and entries and
// the runtime's functions, and /tmp/jit-PID.dump (perf's jitdump: each function's bytes, and for
// compiled functions their source lines); perf inject --jit turns a recording into one whose
// report names the compiled functions.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BPJIT } from '../helpers/paths.js';
import { runProcess } from '../helpers/child.js';
import { have } from '../helpers/tools.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-perf-'));
const jitted = () => fs.readdirSync('/tmp').filter((n) => /^jitted-\d+-\d+\.so$/.test(n));
const jittedBefore = new Set(jitted());
const PROGRAM = `class Counter:
    n: int

    def bump(self, by: int) -> int:
        self.n = self.n + by
        return self.n

def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

def main() -> int:
    let c: Counter = new Counter()
    let twice: fn(int) -> int = fn(x: int) -> int: x * 2
    let total: int = 0
    for i in range(0, 20):
        total = total + c.bump(fib(i)) + twice(i)
    print("total " + to_str(total))
    return 0
`;
fs.writeFileSync(path.join(tmp, 'prog.bp'), PROGRAM);

interface Row { addr: bigint; size: number; name: string }

function runWithPerf(args: string[], env: Record<string, string>): { pid: number; stdout: string; stderr: string; map: Row[]; dump: Buffer } {
  const r = spawnSync(process.execPath, [BPJIT, 'run', ...args, 'prog.bp'], { cwd: tmp, env: { ...process.env, BPJIT_JIT_LOG: '1', ...env }, encoding: 'latin1' });
  assert.is(r.status, 0, r.stderr);
  const mapFile = `/tmp/perf-${r.pid}.map`, dumpFile = `/tmp/jit-${r.pid}.dump`;
  const map = fs.readFileSync(mapFile, 'utf8').trim().split('\n').map((l) => {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (\S.*)$/.exec(l);
    assert.ok(m, `a malformed line: ${l}`);
    return { addr: BigInt(`0x${m![1]}`), size: parseInt(m![2], 16), name: m![3] };
  });
  const dump = fs.readFileSync(dumpFile);
  fs.rmSync(mapFile);
  fs.rmSync(dumpFile);
  return { pid: r.pid!, stdout: r.stdout, stderr: r.stderr, map, dump };
}

/** The records of a jitdump file (after checking its header). */
function records(dump: Buffer, pid: number): { id: number; body: Buffer }[] {
  assert.is(dump.readUInt32LE(0), 0x4a695444, 'magic');
  assert.is(dump.readUInt32LE(4), 1, 'version');
  assert.is(dump.readUInt32LE(12), 62, 'EM_X86_64');
  assert.is(dump.readUInt32LE(20), pid);
  const out: { id: number; body: Buffer }[] = [];
  for (let at = dump.readUInt32LE(8); at < dump.length;) {
    const id = dump.readUInt32LE(at), size = dump.readUInt32LE(at + 4);
    out.push({ id, body: dump.subarray(at + 16, at + size) });
    at += size;
  }
  return out;
}

test('--perf-map: the map names every compiled function, stub and trampoline, the interpreter and the runtime', () => {
  // (threshold 2: the first call of each function runs in the interpreter, whose stubs the map names too)
  const r = runWithPerf(['--perf-map'], { BPJIT_JIT_THRESHOLD: '2' });
  assert.match(r.stdout, /^total \d+\n$/);
  const compiled = [...r.stderr.matchAll(/^\[jit\] (\S+): compiled/gm)].map((m) => m[1]);
  assert.ok(compiled.includes('fib') && compiled.includes('Counter.bump') && compiled.includes('main$lambda1'), r.stderr);
  const names = new Set(r.map.map((x) => x.name));
  for (const name of [...compiled, 'trampoline.fib', 'bp_main', 'bp_interp_enter', 'bp_interp.add_i', 'bp_interp.call', 'bp_rt_print_str', 'bp_rt_gc', '_start']) assert.ok(names.has(name), `${name} is not in the map`);
  assert.ok(r.map.some((x) => x.name.startsWith('stub.')), 'no stub in the map');
  // one row per piece of code, none overlapping another
  const sorted = [...r.map].sort((a, b) => (a.addr < b.addr ? -1 : 1));
  sorted.forEach((x, i) => {
    assert.ok(x.size > 0, x.name);
    if (i) assert.ok(sorted[i - 1].addr + BigInt(sorted[i - 1].size) <= x.addr, `${sorted[i - 1].name} overlaps ${x.name}`);
  });

  // The jitdump: a code load record per row (name, address, size, bytes), and line records
  // before the compiled functions.
  const recs = records(r.dump, r.pid);
  const loads = recs.filter((x) => x.id === 0).map(({ body }) => {
    const nameEnd = body.indexOf(0, 40);
    return { addr: body.readBigUInt64LE(8), size: Number(body.readBigUInt64LE(24)), name: body.subarray(40, nameEnd).toString('utf8'), code: body.subarray(nameEnd + 1) };
  });
  assert.is(loads.length, r.map.length);
  for (const row of r.map) {
    const load = loads.find((l) => l.addr === row.addr);
    assert.ok(load && load.name === row.name && load.size === row.size && load.code.length === row.size, row.name);
  }
  assert.is(loads.find((l) => l.name === 'fib')!.code[0], 0x55, 'fib starts with push rbp');
  const lines = recs.filter((x) => x.id === 2).map(({ body }) => {
    const file = body.subarray(32, body.indexOf(0, 32)).toString('utf8');
    return { addr: body.readBigUInt64LE(0), entries: Number(body.readBigUInt64LE(8)), firstLine: body.readUInt32LE(24), file };
  });
  const fibAt = loads.find((l) => l.name === 'fib')!.addr;
  const fibLines = lines.find((l) => l.addr === fibAt);
  assert.ok(fibLines, 'no line record for fib');
  assert.is(fibLines!.file, path.join(tmp, 'prog.bp'));
  assert.is(fibLines!.firstLine, 8, 'fib is defined at line 8');
  assert.ok(fibLines!.entries >= 3);
  assert.ok(recs.findIndex((x) => x.id === 2 && x.body.readBigUInt64LE(0) === fibAt) < recs.findIndex((x) => x.id === 0 && x.body.readBigUInt64LE(8) === fibAt));
});

test('BPJIT_PERF=1 does the same; without either nothing is written', () => {
  const r = runWithPerf([], { BPJIT_PERF: '1', BPJIT_JIT_THRESHOLD: '1' });
  assert.ok(r.map.some((x) => x.name === 'fib'));
  const plain = spawnSync(process.execPath, [BPJIT, 'run', 'prog.bp'], { cwd: tmp, env: { ...process.env, BPJIT_PERF: '' }, encoding: 'latin1' });
  assert.is(plain.status, 0);
  assert.not.ok(fs.existsSync(`/tmp/perf-${plain.pid}.map`));
  assert.not.ok(fs.existsSync(`/tmp/jit-${plain.pid}.dump`));
});

// perf itself: only where it is installed and may record this process (perf_event_paranoid).
const perfWorks = have('perf') && runProcess('perf', ['record', '-q', '-o', path.join(tmp, 'probe.data'), 'true']).code === 0;
(perfWorks ? test : (name: string) => { console.log(`skipped (perf missing or not allowed to record): ${name}`); test.skip(name); })(
  'perf record -k mono, perf inject --jit: the report names the compiled function', () => {
    fs.writeFileSync(path.join(tmp, 'fib.bp'), 'def fib(n: int) -> int:\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\ndef main() -> int:\n    print(fib(32))\n    return 0\n');
    const data = path.join(tmp, 'perf.data'), injected = path.join(tmp, 'perf.jit.data');
    const rec = runProcess('perf', ['record', '-q', '-N', '-k', 'mono', '-o', data, process.execPath, BPJIT, 'run', '--perf-map', 'fib.bp'], { cwd: tmp });
    assert.is(rec.stdout, '2178309\n', rec.stderr);
    assert.is(runProcess('perf', ['inject', '--jit', '-i', data, '-o', injected], { cwd: tmp }).code, 0);
    const report = runProcess('perf', ['report', '-i', injected, '--stdio', '--sort', 'sym'], { cwd: tmp }).stdout;
    assert.match(report, /\[\.\] fib$/m);
  });

test.after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  // (perf inject writes an ELF file per function beside the dump)
  for (const f of jitted().filter((n) => !jittedBefore.has(n))) fs.rmSync(path.join('/tmp', f), { force: true });
});
test.run();
