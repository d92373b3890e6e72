// The entry of a position-independent executable (bpjit build --pie; see src/elf/pie.ts): it
// applies the image's R_X86_64_RELATIVE entries to itself — each place gets the load address
// plus its addend — then goes on to the runtime's _start. Registers only: rsp points at argc,
// which _start reads.
import { IMAGE_BASE, RELA_END, RELA_START } from '../elf/pie.js';
import type { Blob } from '../native/program.js';
import { Assembler, qword, rax, rbx, rcx, rdi, rdx, rip, sym } from '../x64/index.js';

export const PIE_START = 'bp_start_pie';

export function pieStart(): Blob {
  const a = new Assembler();
  const loop = a.newLabel(), done = a.newLabel();
  a.lea(rbx, qword(rip(sym(IMAGE_BASE))));
  a.lea(rcx, qword(rip(sym(RELA_START))));
  a.lea(rdx, qword(rip(sym(RELA_END))));
  a.bind(loop);
  a.cmp(rcx, rdx);
  a.jae(done);
  a.mov(rax, qword(rcx, 16));
  a.add(rax, rbx);
  a.mov(rdi, qword(rcx, 0));
  a.mov(qword(rbx, rdi, 1, 0), rax);
  a.add(rcx, 24);
  a.jmp(loop);
  a.bind(done);
  a.jmp(sym('_start'));
  const mc = a.finish();
  return { symbol: PIE_START, kind: 'text', bytes: mc.bytes, size: mc.bytes.length, relocs: mc.relocs };
}
