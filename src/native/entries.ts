// A lowered function's ways in and out: the System V prologue (frame, stack check) and
// parameter moves, the epilogue, the entry in the native interpreter's calling convention,
// on-stack-replacement entries at loop headers, and the state a tail-call loop starts from.
import { GP32, GP64, Label, Mem, XMM, qword, rax, rbp, rcx, rdi, rip, rsp, sym, xmm0 } from '../x64/index.js';
import { CLOSURE_CAPS, ERR, RT, SYSV_INT_ARGS } from './abi.js';
import { STRUCT } from './heap.js';
import type { Masm } from './masm.js';
import { callFrameBytes, interpFrameBytes, unrolledBytes } from '../bytecode/limits.js';

/** Saves rbp and the callee-saved homes, makes the frame, checks the stack limit. */
export function prologue(m: Masm): void {
  const { a, layout, marks } = m;
  marks.state('entry');
  a.push(rbp);
  marks.state('pushed');
  a.mov(rbp, rsp);
  marks.state('framed');
  for (const g of layout.saved) a.push(GP64[g]);
  marks.state('saved');
  if (layout.frameBytes) a.sub(rsp, layout.frameBytes);
  // (a stub runs an instruction of the interpreter's frame, which on the other tiers takes no
  // frame: not checked, it takes its few bytes from the margin below the limit)
  if (m.opts.interpEntry === 'args') return;
  if (layout.leaf) {
    // A function that calls nothing stays within the stack's margin below the limit (frame.ts):
    // its frame is not padded, but a call of it overflows where a padded frame would.
    a.lea(GP64[11], qword(rsp, layout.charge - callFrameBytes(m.fn)));
    a.cmp(GP64[11], qword(rip(sym(RT.stackLimit))));
    a.jb(m.fail(ERR.STACK_OVERFLOW, 0));
    return;
  }
  // (line 0: no location — the overflow is reported at the caller's call; see emitErrorStubs.
  // Levels of the recursion unrolled into the frame are checked where they start.)
  const unrolled = unrolledBytes(m.fn);
  if (!m.tail && !unrolled) {
    a.cmp(rsp, qword(rip(sym(RT.stackLimit))));
    a.jb(m.fail(ERR.STACK_OVERFLOW, 0));
    return;
  }
  // A tail-call loop's stack left below this frame (see TailPlan) is the check's difference
  // (in r11: rax holds a lambda's closure, the argument registers its arguments).
  const left = GP64[11];
  if (unrolled) a.lea(left, qword(rsp, unrolled));
  else a.mov(left, rsp);
  a.sub(left, qword(rip(sym(RT.stackLimit))));
  a.jb(m.fail(ERR.STACK_OVERFLOW, 0));
  if (m.tail) m.setGp(m.tail.vsp, left);
}

export function epilogue(m: Masm): void {
  const { a, layout } = m;
  // A float result also comes back as its bits in rax: the interpreter takes every result there.
  if (m.fn.ret === 'f') a.movq(rax, xmm0);
  // rsp is static between instructions, so `add` restores it; `lea rsp, [rbp-…]` would cost
  // a stack-engine sync on every return (fib: 0.07 s against 0.10 s).
  if (layout.frameBytes) a.add(rsp, layout.frameBytes);
  for (const g of [...layout.saved].reverse()) a.pop(GP64[g]);
  a.pop(rbp);
  m.marks.state('entry');
  a.ret();
}

/**
 * The tail-call loop's state (see TailPlan): a zero accumulator (the prologue left the stack
 * left below this frame: each trip takes a frame's worth, and a borrow overflows).
 */
export function tailInit(m: Masm): void {
  const { a, tail } = m;
  if (!tail || tail.acc < 0) return;
  const h = m.home(tail.acc);
  if (h.at === 'gpr') a.xor(GP32[h.reg], GP32[h.reg]);
  else a.mov(m.rm(tail.acc) as Mem, 0);
}

/** Parameters arrive per System V; each goes to its register's home. */
export function moveParams(m: Masm): void {
  const { a, fn } = m;
  let ints = 0, floats = 0, stack = 0;
  // A lambda is called through its closure (in rax, see callv): the captured values come
  // from the closure, the rest are ordinary parameters.
  // (a parameter no reachable code reads may share its home with one that is read: it is not
  // moved there — moving it clobbered the other)
  const unread = (r: number) => !m.layout.liveAt(r, 0);
  for (let r = 0; r < fn.ncaps; r++) {
    if (unread(r)) continue;
    // (xmm0–7 hold float arguments: a float capture goes straight to its home)
    const at = qword(rax, STRUCT.fields + 8 * (CLOSURE_CAPS + r));
    const h = m.home(r);
    if (h.at === 'xmm') a.movsd(XMM[h.reg], at);
    else { a.mov(rcx, at); if (h.at === 'gpr') m.setGp(r, rcx); else a.mov(m.slot(h.slot), rcx); }
  }
  // (every parameter takes its register or stack slot in turn, moved or not)
  const onStack = () => qword(rbp, 16 + 8 * stack++);
  for (let r = fn.ncaps; r < fn.arity; r++) {
    if (m.isFloat(r)) {
      const from = floats < 8 ? XMM[floats++] : onStack();
      if (unread(r)) continue;
      if (from instanceof Mem) { a.movsd(xmm0, from); m.setFx(r, xmm0); } else m.setFx(r, from);
    } else {
      const from = ints < 6 ? SYSV_INT_ARGS[ints++] : onStack();
      if (unread(r)) continue;
      if (from instanceof Mem) { a.mov(rax, from); m.setGp(r, rax); } else m.setGp(r, from);
    }
  }
}

/**
 * The interpreter's calling convention: every argument (captured values first) in an 8-byte
 * slot above the return address, as an interpreted callee's register block holds them.
 */
export function interpEntry(m: Masm, start: Label): Label {
  const { a, fn } = m;
  const l = a.newLabel();
  a.bind(l);
  if (m.opts.interpEntry === 'block' && fn.ncaps === 0) {
    // The block given back: the arguments go where System V puts them (registers, then the
    // stack), the return address below them at the block's top, and the function runs as if
    // called from System V. So a call from the interpreter takes what the interpreter's frame
    // would (bytecode/limits.ts), not the block and a frame both, and recursion gives up at the
    // same depth on every tier. (Whoever calls in this convention takes rsp back from rbp.)
    const onStack: number[] = [];
    let ints = 0, xmms = 0;
    for (let r = 0; r < fn.arity; r++) {
      const at = qword(rsp, 8 + 8 * r);
      if (m.isFloat(r) && xmms < 8) a.movsd(XMM[xmms++], at);
      else if (!m.isFloat(r) && ints < SYSV_INT_ARGS.length) a.mov(SYSV_INT_ARGS[ints++], at);
      else onStack.push(r);
    }
    // (the stack arguments go below the return address first: their places overlap the block)
    const c = onStack.length, block = interpFrameBytes(fn.regKinds.length) - 32, area = 16 * Math.ceil(c / 2);
    for (let j = 0; j < c; j++) a.push(qword(rsp, 8 * j + 8 + 8 * onStack[c - 1 - j]));
    const top = 8 * c + 8 + block; // the caller's rsp before the block, from here
    for (let k = 0; k < c; k++) { a.mov(rax, qword(rsp, 8 * k)); a.mov(qword(rsp, top - area + 8 * k), rax); }
    a.mov(rax, qword(rsp, 8 * c));
    a.lea(rsp, qword(rsp, top - area - 8));
    a.mov(qword(rsp, 0), rax);
    a.jmp(start);
    return l;
  }
  prologue(m);
  for (let r = 0; r < m.fn.arity; r++) if (m.layout.liveAt(r, 0)) m.load(r, qword(rbp, 16 + 8 * r));
  tailInit(m);
  a.jmp(m.top);
  return l;
}

/** OSR entry for loop header `pc`: a second prologue that loads every register from rdi[]. */
export function osrEntry(m: Masm, pc: number): Label {
  const { a } = m;
  const l = a.newLabel();
  a.bind(l);
  prologue(m);
  tailInit(m);
  // (a register homed in rdi, which holds the interpreter's registers, is loaded last)
  const inRdi = (r: number) => { const h = m.home(r); return h.at === 'gpr' && h.reg === rdi.num; };
  const regs = Array.from({ length: m.fn.regKinds.length }, (_, r) => r).sort((x, y) => Number(inRdi(x)) - Number(inRdi(y)));
  for (const r of regs) {
    if (!m.layout.liveAt(r, pc)) continue; // its home belongs to another register here
    m.load(r, qword(rdi, 8 * r));
  }
  a.jmp(m.label(pc));
  return l;
}

/** A handler's entry: the unwinder comes here with the message in rax and this frame's rbp/rsp. */
export function handlerEntry(m: Masm, reg: number, target: number): Label {
  const entry = m.a.newLabel();
  m.a.bind(entry);
  m.marks.state('saved');
  if (reg >= 0) m.setGp(reg, rax);
  m.a.jmp(m.label(target));
  return entry;
}
