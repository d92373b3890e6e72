// Concatenation as bytecode: a chain of string + (with to_str of ints) is one concatn, and the
// compiler makes it an appendn where the string is the function's alone; the verifier refuses an
// appendn anywhere else.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import type { BcFunction } from '../../src/bytecode/module.js';
import { Op, instrLength } from '../../src/bytecode/opcodes.js';
import { verifyModule } from '../../src/bytecode/verify.js';
import { check } from '../helpers/front.js';

/** A string that escapes into an array: never appended to in place. */
const SHARED = `def shared(n: int, out: [str]) -> str:
    let s: str = ""
    for i in range(0, n):
        s = s + "x"
        array_push(out, s)
    return s
`;

const instructions = (fn: BcFunction): number[] => {
  const out: number[] = [];
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) out.push(fn.code[pc]);
  return out;
};

/** The pc of the first instruction `op` of fn (-1: none). */
const pcOf = (fn: BcFunction, op: number): number => {
  for (let pc = 0; pc < fn.code.length; pc += instrLength(fn.code, pc)) if (fn.code[pc] === op) return pc;
  return -1;
};

const compile = (src: string) => {
  const { program, errors } = check(src);
  assert.equal(errors, []);
  return compileProgram(program!);
};

test('a chain of + is one concatn over its parts; to_str of an int is a part of its own', () => {
  const mod = compile(`
def line(w: int) -> str:
    return "a" + "b" + to_str(w) + " " + to_str(true)
def two(a: str, b: str) -> str:
    return a + b
def fs(n: int, s: str) -> str:
    return f"{s}={n}!"
def main() -> int:
    print(line(1), two("a", "b"), fs(2, "c"))
    return 0
`);
  const fn = (name: string) => mod.functions.find((f) => f.name === name)!;
  const at = pcOf(fn('line'), Op.concatn);
  assert.ok(at >= 0);
  assert.is(fn('line').code[at + 2], 5);
  assert.is(instructions(fn('line')).filter((op) => op === Op.tostr).length, 1); // the bool's
  assert.equal(instructions(fn('two')).filter((op) => op === Op.concat || op === Op.concatn), [Op.concat]);
  assert.is(instructions(fn('fs')).filter((op) => op === Op.tostr).length, 0);
  assert.equal(verifyModule(mod), []);
});

test('s = s + … grows s in place only where no one else can hold its string', () => {
  const src = `
def built(n: int) -> str:
    let s: str = ""
    for i in range(0, n):
        s = s + "x"
    return s
${SHARED}def reads(s: str) -> int:
    let t: str = s
    return len(t) + str_find(t, "x")
def keeps(s: str) -> str:
    return s
def lent(n: int) -> int:
    let s: str = ""
    let k: int = 0
    for i in range(0, n):
        s = s + "x"
        k = k + reads(s)
    return k
def given(n: int) -> str:
    let s: str = ""
    let k: str = ""
    for i in range(0, n):
        s = s + "x"
        k = keeps(s)
    return k
def copied(n: int) -> str:
    let s: str = ""
    let t: str = ""
    for i in range(0, n):
        s = s + "x"
        t = s
    return t
`;
  const { program } = check(src);
  const mod = compileProgram(program!);
  const appends = (name: string) => instructions(mod.functions.find((f) => f.name === name)!).filter((op) => op === Op.appendn).length;
  assert.is(appends('built'), 1);
  assert.is(appends('shared'), 0);
  assert.is(appends('copied'), 0);
  assert.is(appends('lent'), 1); // reads() only reads its parameter
  assert.is(appends('given'), 0); // keeps() returns it
});

test('the verifier refuses an appendn whose string may be held elsewhere', () => {
  const mod = compile(`
${SHARED}def main() -> int:
    print(shared(2, []))
    return 0
`);
  const fn = mod.functions.find((f) => f.name === 'shared')!;
  const at = pcOf(fn, Op.concatn);
  assert.ok(at >= 0);
  fn.code[at] = Op.appendn;
  assert.match(verifyModule(mod).join('\n'), /appendn at \d+: its string may be held elsewhere/);
});

test.run();
