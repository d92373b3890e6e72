// Lowerings of control flow: jumps, conditional branches, counting loops, calls (direct, of
// function values, of methods), returns, runtime errors and throw. A self-call in tail position
// is a jump back to the function's top (rewrite.ts plans which), and a direct call of a function
// whose code starts with its base case tests that case first (`fib(1)` costs no call).
import { O, OP_DEFS, instrLength } from '../bytecode/opcodes.js';
import { baseCase } from '../bytecode/plan.js';
import { callFrameBytes, unrolledBytes } from '../bytecode/limits.js';
import { GP64, Mem, XMM, eax, ecx, edx, qword, rax, rcx, rdi, rdx, rip, rsi, rsp, sym, xmm0 } from '../x64/index.js';
import { ERR, RT, SYSV_INT_ARGS, TAIL_TRIPS, fnSymbol } from './abi.js';
import { epilogue } from './entries.js';
import { INT_CC, INVERSE, regList, rows, type InlineContext, type LowerTable, type Lowering, type Masm } from './masm.js';
import type { TailSite } from './rewrite.js';

/**
 * The test of a conditional branch: sets the flags, returns the condition that jumps and the
 * jump's target pc. if a REL b (a register, b a register or an immediate); jt/jf a.
 */
function test(m: Masm, pc: number): { cc: string; target: number } {
  const { a, code } = m;
  const op = code[pc], def = OP_DEFS[op];
  if (op === O.jt || op === O.jf) {
    const v = m.rm(code[pc + 1]);
    if (v instanceof Mem) a.cmp(v, 0);
    else a.test(v, v);
    return { cc: op === O.jt ? 'nz' : 'z', target: code[pc + 2] };
  }
  const imm = m.rw.immediates.get(pc);
  if (imm) a.cmp(m.rm(code[pc + 1]), imm.k);
  else if (def.ops === 'rij') a.cmp(m.rm(code[pc + 1]), code[pc + 2]);
  else a.cmp(m.gp(code[pc + 1]), m.rm(code[pc + 2]));
  return { cc: INT_CC[def.rel!], target: code[pc + 3] };
}

const conditional: Lowering = (m, pc) => {
  const { cc, target } = test(m, pc);
  m.branch(cc, m.label(target), pc);
};

/** Conditional branches a loop's back-edge may repeat (see rotatable). */
const TESTS = new Set<number>([O.jt, O.jf, O.jlt_i, O.jle_i, O.jgt_i, O.jge_i, O.jeq_i, O.jne_i, O.jlt_ik, O.jle_ik, O.jgt_ik, O.jge_ik, O.jeq_ik, O.jne_ik]);

/**
 * A `loop` back to a loop's exit test: the back-edge repeats the test and goes on into the
 * body (gcc's loop rotation), one branch a trip instead of a jump and the test. Not while
 * counting (the test's own counts would miss the trips).
 */
export function rotatable(m: Masm, pc: number): boolean {
  const t = m.code[pc + 1];
  return !m.opts.counters && t <= pc && TESTS.has(m.code[t]) && !m.rw.skip.has(t) && !m.layout.dead.has(t);
}

/**
 * A self-call loop's jump back repeats the function's first test, when the function starts with
 * one, and goes on past it (as a rotated loop does): one branch a trip instead of a jump and the
 * test. Not while counting or for a debugger, nor when code comes before the test (an inlined
 * copy's stack check).
 */
export function rotatesTop(m: Masm): boolean {
  return !m.opts.counters && !m.opts.debug && TESTS.has(m.code[0]) && !m.rw.skip.has(0) && !m.layout.dead.has(0) && !(m.fn.inlined ?? []).some((s) => s.start === 0);
}

const backEdge: Lowering = (m, pc) => {
  m.count(pc);
  const t = m.code[pc + 1];
  if (!rotatable(m, pc)) { m.a.jmp(m.label(t)); return; }
  const { cc, target } = test(m, t);
  m.a.jcc(INVERSE[cc], m.label(t + instrLength(m.code, t)));
  if (target !== pc + instrLength(m.code, pc)) m.a.jmp(m.label(target));
};

/** forlt/forgt i, limit, step, target: i += step; while i REL limit, back to the target. */
const forLoop: Lowering = (m, pc, op) => {
  const { a, code } = m;
  const d = code[pc + 1];
  const h = m.home(d);
  const i = h.at === 'gpr' ? GP64[h.reg] : rax;
  if (h.at !== 'gpr') a.mov(rax, m.rm(d));
  a.add(i, code[pc + 3]);
  if (h.at !== 'gpr') m.setGp(d, rax);
  a.cmp(i, m.rm(code[pc + 2]));
  m.branch(INT_CC[OP_DEFS[op].rel!], m.label(code[pc + 4]), pc);
};

const call: Lowering = (m, pc) => {
  const { a, code } = m;
  const d = code[pc + 1], callee = m.mod.functions[code[pc + 2]];
  const args = regList(code, pc, 3);
  const site = m.tail?.sites.get(pc);
  if (site) { tailJump(m, site, args); return; }
  m.count(pc);
  const base = m.opts.counters ? null : baseCase(callee);
  const done = a.newLabel(), doCall = a.newLabel();
  if (base && resultFirst(m, pc, base.result, args, d)) {
    // The base case's result goes to d first, and one branch skips the call: a call that is made
    // writes d again, and d's old value is dead here (the call defines it; no handler reads it).
    if (typeof base.result === 'bigint') { a.mov(rax, base.result); m.setGp(d, rax); }
    else m.setGp(d, m.gp(args[base.result]));
    a.cmp(m.rm(args[base.param]), base.k);
    a.jcc(INVERSE[INT_CC[base.rel]], done);
  } else if (base) {
    // The callee's base case, tested here: `fib(1)` costs no call.
    a.cmp(m.rm(args[base.param]), base.k);
    a.jcc(INT_CC[base.rel], doCall);
    checkStack(m, m.inlineDepth(pc) + callFrameBytes(callee), m.line, m.inline);
    if (typeof base.result === 'bigint') { a.mov(rax, base.result); m.setGp(d, rax); }
    else m.setGp(d, m.gp(args[base.result]));
    a.jmp(done);
    a.bind(doCall);
  }
  m.callSym(fnSymbol(callee.name), args, d);
  a.bind(done);
};

/**
 * Whether a base case tested at the call at pc may write its result to d before the test: when
 * its stack check is not needed (checkStack), no handler could see d's old value if the call
 * fails, and d shares a home with no argument the test or the call still reads.
 */
function resultFirst(m: Masm, pc: number, result: number | bigint, args: number[], d: number): boolean {
  if (m.fn.handlers.length || checksStack(m, m.inlineDepth(pc) + callFrameBytes(m.mod.functions[m.code[pc + 2]]))) return false;
  const home = homeKey(m, d);
  return args.every((r, i) => i === result || homeKey(m, r) !== home);
}

/** Where register r lives: registers with the same key share a home. */
function homeKey(m: Masm, r: number): string {
  const h = m.home(r);
  return h.at === 'slot' ? `s${h.slot}` : `${h.at}${h.reg}`;
}

/**
 * Before a self-call loop's overflow is raised: how many trips it made, for the traceback to show
 * a frame for each as the other tiers do (the stack left at the start, rsp above the limit, less
 * what is left now, is a charge for each trip and one for the trip that failed).
 */
function tailTrips(m: Masm): void {
  const { a } = m;
  a.mov(rax, rsp);
  a.sub(rax, qword(rip(sym(RT.stackLimit))));
  a.sub(rax, m.rm(m.tail!.vsp));
  const unrolled = unrolledBytes(m.fn);
  if (unrolled) a.add(rax, unrolled);
  a.xor(edx, edx);
  a.mov(ecx, tripCharge(m));
  a.div(rcx);
  a.dec(rax);
  a.mov(qword(rip(sym(TAIL_TRIPS))), rax);
}

/**
 * What a trip of a self-call loop takes: the frame a call would, without the levels of the
 * recursion unrolled into it (each trip is one level; the prologue counted those as left).
 */
function tripCharge(m: Masm): number {
  return m.layout.charge - unrolledBytes(m.fn);
}

/**
 * A call the code leaves out (an inlined copy's, a callee's base case tested at the call site)
 * takes `bytes` more of the stack on the tiers that make it, whose stack can overflow there: so
 * does this code, at `line` in `inline`'s frames. (Not in a self-call loop, whose trips take
 * their frames from a count: README, Limits.)
 */
export function checkStack(m: Masm, bytes: number, line: number, inline: InlineContext | null): void {
  if (!checksStack(m, bytes)) return;
  const { a } = m;
  const outer = m.inline;
  m.inline = inline;
  a.lea(rax, qword(rsp, -bytes));
  a.cmp(rax, qword(rip(sym(RT.stackLimit))));
  a.jb(m.fail(ERR.STACK_OVERFLOW, line));
  m.inline = outer;
}

/** Whether checkStack checks anything: not what the prologue checked (the frame, less the levels unrolled into it: see unrolledBytes). */
function checksStack(m: Masm, bytes: number): boolean {
  return bytes > -unrolledBytes(m.fn) && !m.tail;
}

/** A self-call in tail position (see TailPlan): accumulate, check depth, reassign, loop. */
function tailJump(m: Masm, site: TailSite, args: number[]): void {
  const { a } = m;
  const { acc, vsp } = m.tail!;
  if (site.k !== undefined) a.add(m.rm(acc), site.k);
  else if (site.other !== undefined) {
    const h = m.home(acc);
    if (h.at === 'gpr') a.add(GP64[h.reg], m.rm(site.other));
    else a.add(m.rm(acc) as Mem, m.gp(site.other));
  }
  a.sub(m.rm(vsp), tripCharge(m));
  a.jb(m.fail(ERR.STACK_OVERFLOW, m.line, { key: 'tail', emit: () => tailTrips(m) }));
  // An argument that is another parameter's home goes through a scratch register first.
  const moves = args.map((r, param) => [param, r]).filter(([param, r]) => param !== r);
  const written = new Set(moves.map(([param]) => homeKey(m, param)));
  // (rax and xmm0 stay free for the direct moves; see TAIL_INT_ARGS in rewrite.ts)
  const scratchGp = [rcx, rdx, rsi, rdi, SYSV_INT_ARGS[4], SYSV_INT_ARGS[5]];
  const late: (() => void)[] = [];
  let ints = 0, floats = 0;
  for (const [param, r] of moves) {
    if (!written.has(homeKey(m, r))) continue;
    if (m.isFloat(param)) { const x = XMM[1 + floats++]; m.loadF(x, r); late.push(() => m.setFx(param, x)); }
    else { const g = scratchGp[ints++]; a.mov(g, m.rm(r)); late.push(() => m.setGp(param, g)); }
  }
  for (const [param, r] of moves) {
    if (written.has(homeKey(m, r))) continue;
    if (m.isFloat(param)) m.setFx(param, m.fx(r));
    else m.setGp(param, m.gp(r));
  }
  for (const w of late) w();
  if (!rotatesTop(m)) { a.jmp(m.top); return; }
  const { cc, target } = test(m, 0);
  a.jcc(INVERSE[cc], m.label(instrLength(m.code, 0)));
  a.jmp(m.label(target));
}

/** Returns: the epilogue in place where it is a few pops (a jump costs as much), else a jump to it. */
function leave(m: Masm): void {
  if (m.layout.saved.length > 2) { m.a.jmp(m.epilogue); m.epilogueUsed = true; return; }
  epilogue(m);
  m.marks.state('saved');
}

export const LOWER_CONTROL: LowerTable = {
  [O.jmp]: (m, pc) => m.a.jmp(m.label(m.code[pc + 1])),
  [O.loop]: backEdge,
  [O.jt]: conditional,
  [O.jf]: conditional,
  [O.forlt]: forLoop,
  [O.forgt]: forLoop,
  [O.call]: call,
  [O.callv]: (m, pc) => {
    m.count(pc);
    m.callSym({ closure: m.code[pc + 2] }, regList(m.code, pc, 3), m.code[pc + 1]);
  },
  [O.callm]: (m, pc) => {
    m.count(pc);
    m.callSym({ slot: m.code[pc + 2] }, regList(m.code, pc, 3), m.code[pc + 1]);
  },
  [O.ret]: (m, pc) => {
    const d = m.code[pc + 1];
    if (m.isFloat(d)) m.loadF(xmm0, d);
    else m.a.mov(rax, m.rm(d));
    if (m.tail && m.tail.acc >= 0) m.a.add(rax, m.rm(m.tail.acc));
    leave(m);
  },
  [O.retv]: (m) => {
    m.a.xor(eax, eax);
    leave(m);
  },
  [O.rterr]: (m, pc) => m.a.jmp(m.fail(m.code[pc + 1])),
  [O.throw]: (m, pc) => {
    // The runtime unwinds to the innermost handler through the program's handler table.
    m.a.mov(rdi, m.rm(m.code[pc + 1]));
    m.location(rsi);
    m.a.call(sym(RT.throw));
  },
  ...rows({ [O.jlt_i]: 1, [O.jle_i]: 1, [O.jgt_i]: 1, [O.jge_i]: 1, [O.jeq_i]: 1, [O.jne_i]: 1 }, conditional),
  ...rows({ [O.jlt_ik]: 1, [O.jle_ik]: 1, [O.jgt_ik]: 1, [O.jge_ik]: 1, [O.jeq_ik]: 1, [O.jne_ik]: 1 }, conditional),
};
