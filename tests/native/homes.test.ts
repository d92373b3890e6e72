// The frame layout's homes, read from the lowering's listing: registers share machine registers
// by live range, a parameter stays in the register it arrives in, a function that calls nothing
// leaves its frame unpadded, constant divisors that are powers of two are shifts, and a while
// loop's back-edge repeats its exit test.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listing } from '../helpers/lowered.js';
import { ROOT } from '../helpers/paths.js';


const DOT = `
def dot(a: [float], b: [float], n: int) -> float:
    let s: float = 0.0
    for k in range(0, n):
        s = s + a[k] * b[k]
    return s

def twice(a: [float], n: int) -> float:
    return dot(a, a, n) * 2.0
`;

test('a function that calls nothing: its frame not padded (checked for the size a call takes), nothing pushed, nothing in the frame, the arrays where they arrived', () => {
  const l = listing(DOT, 'dot');
  // (the frame it has, 16 bytes of return address and rbp and the `sub`, and what the check adds:
  // the interpreter's frame of dot, 80 bytes and 8 a register, 16-aligned)
  const frame = Number(/^sub rsp, (\d+)$/.exec(l.find((x) => x.startsWith('sub rsp')) ?? '')?.[1] ?? 0);
  const more = Number(/^lea r11, qword \[rsp-(\d+)\]$/.exec(l.find((x) => x.startsWith('lea r11')) ?? '')?.[1] ?? NaN);
  assert.ok(more > 0 && (16 + frame + more) % 16 === 0 && 16 + frame + more >= 80, l.join('\n'));
  assert.ok(l.some((x) => x.includes('stack_limit')), l.join('\n'));
  assert.ok(!l.some((x) => /^push (rbx|r1[2-5])/.test(x)), l.join('\n'));
  assert.ok(!l.some((x) => x.includes('[rbp-')), l.join('\n'));
  assert.ok(!l.some((x) => /^mov \w+, (rdi|rsi)$/.test(x)), l.join('\n'));
  // (an element in range: one compare with the length, a branch not taken)
  assert.ok(l.some((x) => /^cmp r\w+, qword \[rdi\+8\]$/.test(x)), l.join('\n'));
  // a function that calls keeps it
  assert.ok(listing(DOT, 'twice').some((x) => x.includes('stack_limit')));
});

test("matmul's loops keep every value in a register: nothing in the frame after its one call", () => {
  const l = listing(fs.readFileSync(path.join(ROOT, 'tests/bench/matmul.bp'), 'utf8'), 'matmul');
  const call = l.findIndex((x) => x.startsWith('call '));
  const ret = l.indexOf('ret');
  assert.ok(call > 0 && ret > call);
  // (the call's own spills and reloads of xmm homes aside)
  const body = l.slice(call + 1, ret).filter((x) => !/^movsd xmm\d+, qword \[rbp-/.test(x));
  assert.ok(!body.some((x) => x.includes('[rbp-')), body.join('\n'));
});

test('n % 2 and n / 2 are shifts, and a while loop tests its exit once a trip', () => {
  const src = `
def collatz_len(start: int) -> int:
    let n: int = start
    let steps: int = 0
    while n != 1:
        if n % 2 == 0:
            n = n / 2
        else:
            n = 3 * n + 1
        steps = steps + 1
    return steps
`;
  const l = listing(src, 'collatz_len');
  assert.ok(!l.some((x) => x.startsWith('idiv') || /^imul \w+$/.test(x)), l.join('\n'));
  assert.ok(l.some((x) => x.startsWith('sar ')), l.join('\n'));
  // the exit test before the loop and again at its back-edge; one jump, over the else branch
  assert.is(l.filter((x) => / 1$/.test(x) && x.startsWith('cmp ')).length, 2, l.join('\n'));
  assert.is(l.filter((x) => x.startsWith('jmp ')).length, 1, l.join('\n'));
});

test.run();
