// The planning pass: what it finds (tail calls, constant divisors, base cases), that `disasm`
// shows it, and that every fact it states about the corpus is proved again by checkPlan.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { checkPlan, planFunction } from '../../src/bytecode/plan.js';
import { printModule } from '../../src/bytecode/print.js';
import { frontEnd } from '../../src/driver/front.js';
import { check } from '../helpers/front.js';
import { PROGRAMS } from '../helpers/tiers.js';

const SRC = `
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
def gcd(a: int, b: int) -> int:
    if b == 0:
        return a
    return gcd(b, a % b)
def rem(x: int, k: int) -> int:
    return x % k + x / 1000000007
def main() -> int:
    print(fib(10), gcd(12, 18), rem(5, 7), rem(9, 7))
    return 0
`;

test('the plan: tail calls (with an accumulator), constant divisors (a parameter too), base cases', () => {
  const { program, errors } = check(SRC);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  const plan = (name: string) => planFunction(mod, mod.functions.findIndex((f) => f.name === name), true);
  assert.is(plan('fib').tails.size, 1);
  assert.ok([...plan('fib').tails.values()][0].other !== undefined);
  // (gcd's % can fail: its frames must stay in an error's traceback)
  assert.is(plan('gcd').tails.size, 0);
  assert.equal(plan('fib').base && { rel: plan('fib').base!.rel, k: plan('fib').base!.k }, { rel: 'ge', k: 2 });
  assert.equal([...plan('rem').divisors.values()].sort((a, b) => Number(a - b)), [7n, 1000000007n]);
  assert.equal([...planFunction(mod, mod.functions.findIndex((f) => f.name === 'rem'), false).divisors.values()], [1000000007n]);
  const text = printModule(mod, undefined, undefined, true);
  assert.match(text, /call r\d+, fib, \(r\d+\) +; plan: self-call in tail position plus r\d+/);
  assert.match(text, /; plan: the divisor is 7 here/);
  assert.match(text, /; plan: base case: if r0 >= 2 it goes on, else it returns r0/);
});

test('checkPlan proves every fact of every plan of the corpus, and refuses a false one', () => {
  let facts = 0;
  for (const f of fs.readdirSync(PROGRAMS).filter((n) => n.endsWith('.bp'))) {
    const { program } = frontEnd(path.join(PROGRAMS, f));
    if (!program) continue;
    const mod = compileProgram(program);
    mod.functions.forEach((_, i) => {
      const plan = planFunction(mod, i, true);
      facts += plan.tails.size + plan.divisors.size + (plan.base ? 1 : 0);
      assert.equal(checkPlan(mod, i, plan), [], `${f}: ${mod.functions[i].name}`);
    });
  }
  assert.ok(facts > 20, `only ${facts} facts`);
  const { program } = check(SRC);
  const mod = compileProgram(program!);
  const rem = mod.functions.findIndex((f) => f.name === 'rem');
  const plan = planFunction(mod, rem, true);
  const wrong = { ...plan, divisors: new Map([...plan.divisors].map(([pc, k]) => [pc, k + 1n])) };
  assert.is(checkPlan(mod, rem, wrong).length, 2);
});

test.run();
