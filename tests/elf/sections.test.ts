// Executables laid out as other toolchains lay them out: instructions only in .text (string and
// float constants in .rodata, so objdump decodes no data as code), and file, readelf and objdump
// read them without a warning (those tools' tests are skipped where they are missing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { buildProgram } from '../../src/driver/build.js';
import { DiagBag } from '../../src/lang/diag.js';
import { checkProgram } from '../../src/lang/program.js';
import { runProcess } from '../helpers/child.js';
import { sectionData } from '../helpers/elf.js';
import { PROGRAMS } from '../helpers/tiers.js';
import { needs } from '../helpers/tools.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-sections-'));
// Strings, floats, f-strings, maps, classes, exceptions, closures: every kind of constant.
const SAMPLE = ['lang_float_print', 'lang_fstring_basic', 'lang_class_inherit', 'lang_try_nested', 'lang_closures', 'lib_map_int_keys', 'lang_string_chains'];

function build(name: string, pie = false): string {
  const old = process.cwd();
  process.chdir(PROGRAMS);
  try {
    const r = buildProgram(compileProgram(checkProgram(`${name}.bp`, new DiagBag())!), undefined, { pie });
    assert.ok(r.ok, `${name} does not build`);
    const exe = path.join(tmp, pie ? `${name}-pie` : name);
    fs.writeFileSync(exe, r.ok ? r.image.bytes : '', { mode: 0o755 });
    return exe;
  } finally {
    process.chdir(old);
  }
}

const tool = (cmd: string, args: string[]) => runProcess(cmd, args);

for (const name of SAMPLE) {
  test(`${name}: the constants are in .rodata, none in .text`, () => {
    const exe = build(name);
    // Every function's error locations ("file.bp:line") are string constants: none in .text.
    const loc = Buffer.from(`${name}.bp:`, 'latin1');
    assert.is(sectionData(exe, '.text').indexOf(loc), -1, 'a location string in .text');
    assert.ok(sectionData(exe, '.rodata').indexOf(loc) >= 0, 'no location string in .rodata');
    const r = runProcess(exe, [], { cwd: PROGRAMS });
    assert.is(r.stdout, fs.readFileSync(path.join(PROGRAMS, `${name}.expected`), 'latin1'));
  });
  needs(test, 'objdump')(`${name}: objdump decodes .text as instructions only`, () => {
    const dis = tool('objdump', ['-d', '-w', build(name)]);
    assert.is(dis.stderr, '');
    assert.not.match(dis.stdout, /\(bad\)/);
  });
}

for (const pie of [false, true]) {
  needs(test, 'file', 'readelf', 'objdump')(`file, readelf -a and objdump -d print no warning${pie ? ' (--pie)' : ''}`, () => {
    const exe = build(SAMPLE[2], pie);
    const file = tool('file', [exe]);
    assert.match(file.stdout, pie ? /ELF 64-bit LSB pie executable, x86-64.*static-pie linked/ : /ELF 64-bit LSB executable, x86-64.*statically linked/);
    assert.not.match(file.stdout, /corrupt|warning|error|missing/i);
    for (const [cmd, args] of [['readelf', ['-a', '-W']], ['objdump', ['-d', '-x']]] as const) {
      const r = tool(cmd, [...args, exe]);
      assert.is(r.code, 0, `${cmd}: ${r.stderr}`);
      assert.is(r.stderr, '', cmd);
      assert.not.match(r.stdout, /warning|\(bad\)/i, cmd);
    }
    const header = tool('readelf', ['-h', '-d', '-r', exe]).stdout;
    if (pie) {
      assert.match(header, /Type:\s+DYN \(Position-Independent Executable file\)/);
      assert.match(header, /Flags: PIE/);
      assert.match(header, /R_X86_64_RELATIVE/);
    } else assert.match(header, /Type:\s+EXEC/);
  });
}

test('--pie: the corpus sample gives the same output; the kernel loads it at a random address; tracebacks work', () => {
  for (const name of SAMPLE) {
    const r = runProcess(build(name, true), [], { cwd: PROGRAMS });
    assert.is(r.stdout, fs.readFileSync(path.join(PROGRAMS, `${name}.expected`), 'latin1'), name);
  }
  fs.writeFileSync(path.join(tmp, 'where.bp'), 'def main() -> int:\n    let maps: str = file_read("/proc/self/maps")\n    print(substr(maps, 0, str_index_of(maps, "-")))\n    return 0\n');
  const old = process.cwd();
  process.chdir(tmp);
  let exe: string;
  try {
    const r = buildProgram(compileProgram(checkProgram('where.bp', new DiagBag())!), undefined, { pie: true });
    exe = path.join(tmp, 'where');
    fs.writeFileSync(exe, r.ok ? r.image.bytes : '', { mode: 0o755 });
  } finally {
    process.chdir(old);
  }
  const starts = [1, 2, 3].map(() => runProcess(exe, []).stdout.trim());
  for (const s of starts) assert.match(s, /^[0-9a-f]+$/);
  assert.ok(new Set(starts).size > 1, `three runs, one address: ${starts[0]}`);
  assert.ok(!starts.includes('400000'));
  const t = runProcess(build('lang_trace_calls', true), [], { cwd: PROGRAMS });
  assert.is(t.stderr, fs.readFileSync(path.join(PROGRAMS, 'lang_trace_calls.stderr'), 'latin1'));
});

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
