// The bytecode verifier: everything the compiler writes passes; each way a hand-patched module
// could make native code misread memory (wrong argument kinds, a string constant in an int
// register, a function value of another signature, a register read before it is written, a
// duplicated name, ...) is rejected — also end to end, as a .bpc with a recomputed checksum
// given to every tier.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeBpc } from '../../src/bytecode/bpc.js';
import { compileProgram } from '../../src/bytecode/compile.js';
import type { BcFunction, BytecodeModule } from '../../src/bytecode/module.js';
import { Op, instrLength } from '../../src/bytecode/opcodes.js';
import { verifyModule } from '../../src/bytecode/verify.js';
import { checkProgram } from '../../src/lang/program.js';
import { DiagBag } from '../../src/lang/diag.js';
import { runCli } from '../helpers/child.js';
import { check } from '../helpers/front.js';
import { PROGRAMS, corpus } from '../helpers/tiers.js';

const SOURCE = `struct P:
    x: int
    name: str

class Animal:
    legs: int
    def speak(self) -> str:
        return "..."

class Dog(Animal):
    def speak(self) -> str:
        return "woof"

def twice(n: int) -> int:
    return n * 2

def greet(s: str) -> str:
    return "hi " + s

def main() -> int:
    let p: P = P{x: 1, name: "a"}
    let f: fn(int) -> int = twice
    let a: Animal = new Dog()
    let xs: [int] = [1, 2]
    array_push(xs, 3)
    print(greet(p.name), f(p.x), a.speak(), xs)
    try:
        throw "boom"
    catch e:
        print(e)
    return twice(21)
`;

function compile(text = SOURCE): BytecodeModule {
  const { program, errors } = check(text);
  assert.equal(errors, []);
  return compileProgram(program!);
}

const fnNamed = (m: BytecodeModule, name: string): BcFunction => m.functions.find((f) => f.name === name)!;

/** pc of the n-th instruction `op` in fn. */
function find(fn: BcFunction, op: number, n = 0): number {
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (fn.code[pc] === op && n-- === 0) return pc;
  throw new Error(`no such instruction in ${fn.name}`);
}

/** A fresh register of the given type in fn. */
function newReg(fn: BcFunction, desc: string, kind: number): number {
  fn.regTypes.push(desc);
  fn.regKinds = Uint8Array.from([...fn.regKinds, kind]);
  return fn.regTypes.length - 1;
}

test('every program of the corpus verifies', () => {
  const old = process.cwd();
  process.chdir(PROGRAMS);
  try {
    for (const p of corpus()) {
      const diags = new DiagBag();
      const prog = checkProgram(p.file, diags);
      if (diags.hasErrors) continue;
      assert.equal(verifyModule(compileProgram(prog)), [], p.name);
    }
  } finally {
    process.chdir(old);
  }
});

const PATCHES: Record<string, [(m: BytecodeModule) => void, RegExp]> = {
  'a call passing an int where a str is expected': [(m) => {
    const main = fnNamed(m, 'main');
    const pc = find(main, Op.call, 0); // greet(p.name)
    main.code[pc + 4] = main.regTypes.indexOf('i');
  }, /argument 1: i where s is expected/],
  'a call of a function of another signature': [(m) => {
    const main = fnNamed(m, 'main');
    const pc = find(main, Op.call, 1);
    main.code[pc + 2] = m.functions.indexOf(fnNamed(m, 'greet'));
  }, /argument/],
  'two functions of one name': [(m) => { fnNamed(m, 'greet').name = 'twice'; }, /a second function of this name/],
  'a name that is not a symbol': [(m) => { fnNamed(m, 'greet').name = 'x\n'; }, /bad name/],
  'a str constant loaded into an int register': [(m) => {
    const main = fnNamed(m, 'main');
    const str = m.consts.findIndex((c) => c.tag === 'str');
    const pc = find(main, Op.loadi);
    main.code.set([Op.loadk, main.code[pc + 1], str], pc);
  }, /a str constant cannot be loaded into r\d+ \(i\)/],
  'a function value of another signature': [(m) => {
    const main = fnNamed(m, 'main');
    main.code[find(main, Op.funcref) + 2] = m.functions.indexOf(fnNamed(m, 'greet'));
  }, /cannot hold greet/],
  'a register read before it is written': [(m) => {
    const main = fnNamed(m, 'main');
    const r = newReg(main, 's', 3);
    const pc = find(main, Op.call, 0);
    main.code[pc + 4] = r;
  }, /may be read before it is written/],
  'retv reachable in a function returning int': [(m) => {
    // `ret r` becomes a jump to the (unreachable) retv the compiler puts at every function's end.
    const f = fnNamed(m, 'twice');
    f.code.set([Op.jmp, find(f, Op.retv)], find(f, Op.ret));
  }, /retv at \d+ in a function returning i/],
  'a field index out of range': [(m) => {
    const main = fnNamed(m, 'main');
    main.code[find(main, Op.getf) + 3] = 7;
  }, /field 7 out of range/],
  'a builtin given a str where an int is due': [(m) => {
    const main = fnNamed(m, 'main');
    const pc = find(main, Op.callb);
    const desc = m.consts[main.code[pc + 3]];
    desc.value = (desc.value as string).replace('[i],i', '[i],s');
  }, /call descriptor|cannot take/],
  'print told an int is a string': [(m) => {
    const main = fnNamed(m, 'main');
    const pc = find(main, Op.print);
    main.code[pc + 5] = m.consts.findIndex((c) => c.tag === 'type' && c.value === 's');
  }, /print: the type constant/],
  'an exception message into an int register': [(m) => {
    const main = fnNamed(m, 'main');
    main.handlers[0].reg = newReg(main, 'i', 0);
  }, /bad exception handler/],
  'a jump into the middle of an instruction': [(m) => {
    const main = fnNamed(m, 'main');
    main.code[find(main, Op.jmp) + 1] += 1;
  }, /jump target .* is not an instruction/],
  'an override with another result type': [(m) => { fnNamed(m, 'Dog.speak').ret = 'i'; }, /override with another signature|ret/],
  'a class whose base is itself': [(m) => { m.classes[0].base = 0; }, /C1; where C0; is expected|bad base class/],
  'a struct type out of range': [(m) => { fnNamed(m, 'main').regTypes[0] = 'S9;'; }, /bad type S9;/],
  'no entry function': [(m) => { m.entry = -1; }, /no entry function/],
  // (the VM's traceback took it for the line of the call around it, an executable did not:
  // fuzz seeds 2039 and 2040)
  'a line on an operand word': [(m) => { const main = fnNamed(m, 'main'); main.lines[find(main, Op.call, 0) + 1] = 1024; }, /line 1024 at word \d+, inside an instruction/],
};

for (const [name, [patch, message]] of Object.entries(PATCHES)) {
  test(`rejected: ${name}`, () => {
    const m = compile();
    assert.equal(verifyModule(m), []);
    patch(m);
    const problems = verifyModule(m);
    assert.ok(problems.length > 0, 'accepted');
    assert.match(problems.join('\n'), message);
  });
}

test('a patched .bpc with a valid checksum is rejected by run (VM and JIT), build and disasm', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-verify-'));
  const m = compile();
  PATCHES['a call passing an int where a str is expected'][0](m);
  const bpc = path.join(tmp, 'bad.bpc');
  fs.writeFileSync(bpc, writeBpc(m));
  for (const args of [['run', '--no-jit', bpc], ['run', '--jit-threshold', '1', bpc], ['build', bpc, '-o', path.join(tmp, 'bad')], ['disasm', bpc]]) {
    const r = runCli(args);
    assert.is(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /invalid bytecode: function \d+ \(main\): call at \d+: greet argument 1/);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('disasm of a .bpc reads only a .bp file beside it, never the file the module names', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-disasm-'));
  const m = compile('def main() -> int:\n    print("x")\n    return 0\n');
  m.files = ['/etc/passwd'];
  fs.writeFileSync(path.join(tmp, 'a.bpc'), writeBpc(m));
  const r = runCli(['disasm', path.join(tmp, 'a.bpc')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /; \/etc\/passwd:2\n/);
  assert.not.match(r.stdout, /root/);
  m.files = ['/somewhere/else/prog.bp'];
  fs.writeFileSync(path.join(tmp, 'b.bpc'), writeBpc(m));
  fs.writeFileSync(path.join(tmp, 'prog.bp'), 'def main() -> int:\n    print("beside")\n    return 0\n');
  assert.match(runCli(['disasm', path.join(tmp, 'b.bpc')]).stdout, /prog\.bp:2 {2}print\("beside"\)/);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test.run();
