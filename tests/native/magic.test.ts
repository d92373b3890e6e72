// Division by constants through magic multipliers gives exactly C's truncated quotient.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasMagic, magicQuotient } from '../../src/native/magic.js';

const MIN = -(1n << 63n), MAX = (1n << 63n) - 1n;

function* divisors(): Generator<bigint> {
  for (let d = 2n; d <= 300n; d++) { yield d; yield -d; }
  for (let k = 2n; k < 62n; k++) { yield 1n << k; yield -(1n << k); yield (1n << k) - 1n; yield (1n << k) + 1n; yield -((1n << k) + 1n); }
  for (const d of [7n, 10n, 12n, 1000n, 1000000007n, 2147483647n, 4294967296n, 4611686018427387903n, -4611686018427387903n, 6700417n, 641n]) yield d;
}

test('magic quotients equal truncated division for edge and random numerators', () => {
  let seed = 12345n;
  const rand = () => { seed = BigInt.asIntN(64, seed * 6364136223846793005n + 1442695040888963407n); return seed; };
  let checked = 0;
  for (const d of divisors()) {
    assert.ok(hasMagic(d), `${d}`);
    const ns = [0n, 1n, -1n, MIN, MAX, MIN + 1n, d, -d, d - 1n, d + 1n, -d + 1n, MAX - (MAX % d), MIN - (MIN % d)];
    for (let i = 0; i < 60; i++) { const r = rand(); ns.push(r, r >> BigInt(i % 63)); }
    for (const n of ns) {
      const want = n / d; // BigInt division truncates, as C's
      assert.is(magicQuotient(n, d), want, `${n} / ${d}`);
      checked++;
    }
  }
  assert.ok(checked > 50_000);
});

test('no magic for 0, ±1 and divisors of 2^62 or more', () => {
  for (const d of [0n, 1n, -1n, 1n << 62n, -(1n << 62n), MIN, MAX]) assert.not.ok(hasMagic(d), `${d}`);
});

test.run();
