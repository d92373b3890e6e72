// Hand-written encoder cases, one per line: expected hex ← call (asmjit's style), plus labels,
// relaxation, relocations, alignment and the errors for operand combinations that do not exist.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Assembler, EncodeError, ah, al, eax, imm32, qword, dword, byte, r12, r13, r8b, r9, rax, rbp, rbx, rcx, rdx, rip, rsp, sym, symAbs,
  xmm0, xmm15, mem, cl,
} from '../../src/x64/index.js';

const hex = (f: (a: Assembler) => void) => {
  const a = new Assembler();
  f(a);
  return Buffer.from(a.finish().bytes).toString('hex');
};

test('one instruction each: the shortest encoding, nasm\'s choice on ties', () => {
  const cases: [string, (a: Assembler) => void][] = [
    ['4883c001', (a) => a.add(rax, 1)],
    ['480580000000', (a) => a.add(rax, 128)],
    ['4881c180000000', (a) => a.add(rcx, 128)],
    ['4801d8', (a) => a.add(rax, rbx)],
    ['488b442408', (a) => a.mov(rax, qword(rsp, 8))],
    ['498b0424', (a) => a.mov(rax, qword(r12, 0))],
    ['498b4500', (a) => a.mov(rax, qword(r13, 0))],
    ['488945f8', (a) => a.mov(qword(rbp, -8), rax)],
    ['b805000000', (a) => a.mov(rax, 5)],
    ['48c7c0ffffffff', (a) => a.mov(rax, -1)],
    ['48b8efcdab8967452301', (a) => a.mov(rax, 0x0123456789abcdefn)],
    ['48d1e0', (a) => a.shl(rax, 1)],
    ['48d3e0', (a) => a.shl(rax, cl)],
    ['48c1f805', (a) => a.sar(rax, 5)],
    ['4899', (a) => a.cqo()],
    ['48f7f9', (a) => a.idiv(rcx)],
    ['480fafc1', (a) => a.imul(rax, rcx)],
    ['486bc005', (a) => a.imul(rax, 5)],
    ['0f9cc0', (a) => a.setl(al)],
    ['480f4cc1', (a) => a.cmovl(rax, rcx)],
    ['f2410f10c7', (a) => a.movsd(xmm0, xmm15)],
    ['f2480f2ac0', (a) => a.cvtsi2sd(xmm0, rax)],
    ['f2480f2cc0', (a) => a.cvttsd2si(rax, xmm0)],
    ['660f3a0bc009', (a) => a.roundsd(xmm0, xmm0, 9)],
    ['488d0424', (a) => a.lea(rax, mem(rsp, 0))],
    ['48810080000000', (a) => a.add(qword(rax, 0), imm32(128))],
    ['480501000000', (a) => a.add(rax, imm32(1))],
    ['4881c101000000', (a) => a.add(rcx, imm32(1))],
    ['6a05', (a) => a.push(5)],
    ['41ff7424f8', (a) => a.push(qword(r12, -8))],
    ['c3', (a) => a.ret()],
    ['0f0b', (a) => a.ud2()],
    ['0f05', (a) => a.syscall()],
    ['c601ff', (a) => a.mov(byte(rcx, 0), 0xff)],
    ['c6044d00000000ff', (a) => a.mov(byte(null, rcx, 2, 0), 0xff)],
  ];
  for (const [want, f] of cases) assert.is(hex(f), want, f.toString());
});

test('labels: forward and backward, relaxed exactly at the rel8 boundary', () => {
  for (const [pad, want] of [[127, 'eb7f'], [128, 'e980000000']] as const) {
    const a = new Assembler();
    const l = a.newLabel();
    a.jmp(l);
    a.db(new Array(pad).fill(0x90));
    a.bind(l);
    assert.is(Buffer.from(a.finish().bytes.slice(0, want.length / 2)).toString('hex'), want, `jump over ${pad} bytes`);
  }
  const a = new Assembler();
  const top = a.newLabel();
  a.bind(top);
  a.db(new Array(126).fill(0x90));
  a.jl(top);
  a.jl(top);
  const b = a.finish().bytes;
  assert.is(Buffer.from(b.slice(126, 128)).toString('hex'), '7c80', 'backward rel8 at -128');
  assert.is(Buffer.from(b.slice(128, 134)).toString('hex'), '0f8c7affffff', 'backward rel32 just beyond');
});

test('relocations against symbols: call, RIP-relative with a trailing immediate, dq and mov of an address', () => {
  const a = new Assembler();
  a.call(sym('bp_rt_print_i64'));
  a.cmp(dword(rip(sym('counter', 8))), 5);
  a.dq(symAbs('table', 16));
  a.mov(rax, symAbs('entry'));
  const mc = a.finish();
  assert.equal(mc.relocs, [
    { offset: 1, type: 'R_X86_64_PLT32', symbol: 'bp_rt_print_i64', addend: -4 },
    { offset: 7, type: 'R_X86_64_PC32', symbol: 'counter', addend: 8 - 4 - 1 },
    { offset: 12, type: 'R_X86_64_64', symbol: 'table', addend: 16 },
    { offset: 22, type: 'R_X86_64_64', symbol: 'entry', addend: 0 },
  ]);
});

test('RIP-relative references to labels resolve in place', () => {
  const a = new Assembler();
  const data = a.newLabel();
  a.movsd(xmm0, qword(rip(data)));
  a.ret();
  a.align(8);
  a.bind(data);
  a.dq(1n);
  const mc = a.finish();
  assert.is(Buffer.from(mc.bytes.slice(0, 9)).toString('hex'), 'f20f100508000000c3');
  assert.is(mc.labelOffset(data), 16);
  assert.is(Buffer.from(mc.bytes.slice(9, 16)).toString('hex'), '0f1f8000000000', 'padding is one multi-byte nop');
});

test('illegal operand combinations throw EncodeError with the instruction text', () => {
  assert.throws(() => hex((a) => (a as never as { emit: (...x: unknown[]) => void }).emit('add', eax, rbx)), (e: Error) => e instanceof EncodeError && /add eax, rbx/.test(e.message));
  assert.throws(() => hex((a) => a.mov(qword(rax, 0) as never, qword(rbx, 0) as never)), (e: Error) => e instanceof EncodeError);
  assert.throws(() => hex((a) => a.mov(ah, r8b)), /ah\/ch\/dh\/bh/);
  assert.throws(() => hex((a) => a.add(rax, 1n << 40n)), /no encoding/);
  assert.throws(() => hex((a) => a.mov(rax, qword(rax, rsp, 2, 0))), /rsp cannot be an index/);
  assert.throws(() => { const a = new Assembler(); a.jmp(a.newLabel()); a.finish(); }, /never bound/);
});

test('the listing reassembles to the same bytes (printer and encoder agree)', () => {
  const a = new Assembler({ listing: true });
  a.mov(rax, qword(rbx, rcx, 8, -129));
  a.add(r9, 127);
  a.xchg(rdx, rax);
  const mc = a.finish();
  assert.equal(mc.listing.map((l) => l.text), ['mov rax, qword [rbx+rcx*8-129]', 'add r9, 127', 'xchg rdx, rax']);
});

test.run();
