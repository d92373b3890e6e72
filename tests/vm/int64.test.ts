import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as I from '../../src/vm/int64.js';

const MAX = (1n << 63n) - 1n, MIN = -(1n << 63n);
const B = (v: I.Int) => BigInt(v);

test('canonical form: numbers below 2^53, BigInt beyond', () => {
  assert.is(I.canon(5n), 5);
  assert.is(I.canon(2n ** 53n - 1n), 9007199254740991);
  assert.is(I.canon(2n ** 53n), 2n ** 53n);
  assert.is(I.canon(2n ** 64n + 3n), 3);
});

test('wrapping add, sub, mul, neg at the 64-bit edges', () => {
  assert.is(B(I.add(I.canon(MAX), 1)), MIN);
  assert.is(B(I.sub(I.canon(MIN), 1)), MAX);
  assert.is(B(I.neg(I.canon(MIN))), MIN);
  assert.is(B(I.mul(I.canon(MAX), 2)), -2n);
  assert.is(I.mul(3037000499, 3037000499), I.canon(9223372030926249001n));
  assert.is(Object.is(I.mul(-3, 0), 0), true, 'no negative zero');
  assert.is(I.add(9007199254740991, 1), 9007199254740992n);
});

test('a 64-bit hash with multiplications is bit-exact', () => {
  let h: I.Int = I.canon(14695981039346656037n);
  let ref = 14695981039346656037n;
  for (const c of Buffer.from('hello world')) {
    h = I.mul(I.xor(h, c), I.canon(1099511628211n));
    ref = BigInt.asIntN(64, (BigInt.asUintN(64, ref) ^ BigInt(c)) * 1099511628211n);
  }
  assert.is(B(h), ref);
});

test('C division and remainder', () => {
  assert.equal([I.div(7, 2), I.div(-7, 2), I.div(7, -2)], [3, -3, -3]);
  assert.equal([I.mod(-7, 3), I.mod(7, -3), I.mod(-7, -3)], [-1, 1, -1]);
  assert.is(B(I.div(I.canon(MIN), -1)), MIN);
  assert.is(I.mod(I.canon(MIN), -1), 0);
  assert.is(B(I.div(I.canon(MAX), 3)), MAX / 3n);
});

test('shifts use the count mod 64; >> is arithmetic', () => {
  assert.is(B(I.shl(1, 63)), MIN);
  assert.equal([I.shl(1, 64), I.shl(1, 65), I.shr(8, 64), I.shr(8, -1), I.shr(-8, 1), I.shr(-1, 63)], [1, 2, 8, 0, -4, -1]);
  assert.is(B(I.shl(1, -1)), MIN);
});

test('bitwise ops beyond 32 bits', () => {
  assert.is(I.and(2 ** 40 + 5, 2 ** 40 + 3), 2 ** 40 + 1);
  assert.is(I.or(2 ** 33, 1), 2 ** 33 + 1);
  assert.is(I.not(5), -6);
  assert.is(I.xor(-1, 2 ** 35), -(2 ** 35) - 1);
});

test('float conversions: truncation, NaN and out of range give MIN', () => {
  assert.equal([I.fromFloat(3.99), I.fromFloat(-3.99)], [3, -3]);
  assert.is(B(I.fromFloat(NaN)), MIN);
  assert.is(B(I.fromFloat(Infinity)), MIN);
  assert.is(B(I.fromFloat(1e19)), MIN);
  assert.is(B(I.fromFloat(-9223372036854775808)), MIN);
  assert.is(I.toFloat(I.canon(MAX)), 9223372036854775807);
});

test('int64 pairs in typed arrays round-trip', () => {
  const buf = new Int32Array(2);
  for (const v of [0, -1, 5, -(2 ** 31), 2 ** 31, 2 ** 52 + 7, -(2 ** 53) + 1, I.canon(MAX), I.canon(MIN), I.canon(-(2n ** 53n))]) {
    I.split(v, buf, 0);
    assert.is(I.join(buf, 0), v);
  }
});

test.run();
