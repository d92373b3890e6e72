// The runtime's float formatter on its own: links a small executable (with bpjit's own linker)
// whose bp_main formats a table of doubles with bp_rt_fmt_f64 (one conversion and precision) and
// prints one per line. Used by the formatter test (a sample) and scripts/check-printf.ts (a million).
import { execaSync } from 'execa';
import fs from 'node:fs';
import path from 'node:path';
import { codeSection, dataSection, link, readObject, sectionsOfObject, type InputSection } from '../../src/elf/index.js';
import { RUNTIME_OBJECT } from '../../src/elf/runtime-object.js';
import { Assembler, eax, ebx, rax, edx, esi, mem, qword, r12, rbp, rbx, rdi, rip, rsi, rsp, sym, xmm0 } from '../../src/x64/index.js';

function harness(conv: string, precision: number, bits: bigint[]): InputSection[] {
  const a = new Assembler();
  const loop = a.newLabel(), done = a.newLabel();
  a.push(rbp); a.mov(rbp, rsp); a.push(rbx); a.push(r12); a.sub(rsp, 528);
  a.xor(ebx, ebx);
  a.lea(r12, mem(rip(sym('bp_test_doubles'))));
  a.bind(loop);
  a.cmp(rbx, bits.length);
  a.jcc('ae', done);
  a.movsd(xmm0, qword(r12, rbx, 8));
  a.mov(rdi, rsp); a.mov(esi, precision); a.mov(edx, conv.charCodeAt(0));
  a.call(sym('bp_rt_fmt_f64'));
  a.mov(rdi, rsp); a.mov(rsi, rax);
  a.call(sym('bp_rt_write'));
  a.call(sym('bp_rt_print_newline'));
  a.add(rbx, 1);
  a.jmp(loop);
  a.bind(done);
  a.xor(eax, eax); a.add(rsp, 528); a.pop(r12); a.pop(rbx); a.pop(rbp); a.ret();
  const mc = a.finish();
  const table = new Uint8Array(8 * bits.length);
  const v = new DataView(table.buffer);
  bits.forEach((b, i) => v.setBigUint64(8 * i, b, true));
  // (an empty line table: the runtime's error path, which output can reach, prints tracebacks)
  return [codeSection('bp_main', mc.bytes, mc.relocs, 'harness'), dataSection('bp_test_doubles', table, 'harness'), dataSection('bp_line_table', new Uint8Array(8), 'harness')];

}

/** Formats `bits` with the runtime (conversion 'g', 'e' or 'f'), one string per double. */
export function runtimeFormat(dir: string, conv: string, precision: number, bits: bigint[]): string[] {
  const exe = path.join(dir, `fmt-${conv}${precision}`);
  const image = link([...sectionsOfObject(readObject('runtime.o', fs.readFileSync(RUNTIME_OBJECT))), ...harness(conv, precision, bits)]);
  fs.writeFileSync(exe, image.bytes, { mode: 0o755 });
  return execaSync(exe, { maxBuffer: 1 << 28, stripFinalNewline: false }).stdout.split('\n');
}
