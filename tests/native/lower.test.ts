// The lowering's own decisions, read from its instruction listing: self-calls in tail position
// become jumps (with an accumulator for `+`), other calls stay calls.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listing } from '../helpers/lowered.js';


/** How many times function `name` of `src` calls `callee` (default: itself). */
const calls = (src: string, name: string, callee = name) => listing(src, name).filter((l) => l === `call ${callee}`).length;
const divides = (src: string, name: string) => listing(src, name).filter((l) => l.startsWith('idiv')).length;


test('tail position modulo +: fib keeps one of its two calls, sum_to and count none, gcd (whose % can fail) its call', () => {
  const src = `
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
def sum_to(n: int) -> int:
    if n == 0:
        return 0
    return n + sum_to(n - 1)
def count(n: int) -> int:
    if n == 0:
        return 0
    return count(n - 1) + 1
def gcd(a: int, b: int) -> int:
    if b == 0:
        return a
    return gcd(b, a % b)
`;
  assert.is(calls(src, 'fib'), 1);
  for (const f of ['sum_to', 'count']) assert.is(calls(src, f), 0, f);
  // (gcd's % can fail: a loop would leave its frames out of the error's traceback)
  assert.is(calls(src, 'gcd'), 1);
  // fib's remaining call tests the base case first: `cmp …, 2` right before it jumps to the call
  const l = listing(src, 'fib');
  const at = l.indexOf('call fib');
  assert.ok(l.slice(0, at).filter((x) => x.startsWith('cmp ') && x.endsWith(', 2')).length >= 2, l.join('\n'));
});

test('not in tail position: a product, a call whose result is used later, a float sum', () => {
  const src = `
def fact(n: int) -> int:
    if n == 0:
        return 1
    return n * fact(n - 1)
def twice(n: int) -> int:
    if n == 0:
        return 0
    let r: int = twice(n - 1)
    print(r)
    return r + 1
def fsum(n: int) -> float:
    if n == 0:
        return 0.0
    return fsum(n - 1) + 0.5
`;
  for (const f of ['fact', 'twice', 'fsum']) assert.is(calls(src, f), 1, f);
});

test('a chain of concatenations allocates once; a reassigned part ends the chain', () => {
  const src = `
def line(n: int) -> str:
    let s: str = ""
    for w in range(0, n):
        s = s + "w" + to_str(w) + " "
    return s
def broken(a: str) -> str:
    let t: str = a + "1"
    a = "x"
    return t + a
`;
  assert.is(calls(src, 'line', 'bp_rt_str_concat_n'), 1);
  assert.is(calls(src, 'line', 'bp_rt_str_concat'), 0);
  assert.is(calls(src, 'line', 'bp_rt_str_from_i64'), 0); // the digits are written in place
  assert.is(calls(src, 'broken', 'bp_rt_str_concat_n'), 0);
  assert.is(calls(src, 'broken', 'bp_rt_str_concat'), 2);
});

test('division by a constant multiplies; a parameter every caller passes the same constant for is one', () => {
  const src = `
def lit(x: int) -> int:
    return x % 1000000007 + x / -12
def same(x: int, k: int) -> int:
    return x % k
def differs(x: int, k: int) -> int:
    return x % k
def main() -> int:
    print(lit(5), same(1, 7), same(2, 7), differs(1, 7), differs(2, 8))
    return 0
`;
  assert.is(divides(src, 'lit'), 0);
  assert.is(divides(src, 'same'), 0);
  assert.is(divides(src, 'differs'), 1);
});

test.run();
