import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Kind } from '../../src/bytecode/opcodes.js';
import { BigMap } from '../../src/vm/maps.js';
import { BPMap, FloatArray, IntArray, RefArray, Struct, Tuple, arrayOf, display, equals, repr } from '../../src/vm/values.js';

test('display: scalars as to_str, strings raw, containers Python-style', () => {
  assert.is(display(2, Kind.Float), '2');
  assert.is(display(1e6, Kind.Float), '1e+06');
  assert.is(display(1000000, Kind.Int), '1000000');
  assert.is(display(true, Kind.Bool), 'true');
  assert.is(display('a"b', Kind.Ref), 'a"b');
  assert.is(display(arrayOf(Kind.Int, [1, 2, 3]), Kind.Ref), '[1, 2, 3]');
  assert.is(display(arrayOf(Kind.Float, [1.5, 2]), Kind.Ref), '[1.5, 2]');
  assert.is(display(new RefArray(['a', 'b\n"']), Kind.Ref), '["a", "b\\n\\""]');
  assert.is(display(new RefArray([]), Kind.Ref), '[]');
  assert.is(display(new BPMap(new BigMap<unknown, unknown>([['a', 1], ['b', 2]]), Kind.Ref, Kind.Int), Kind.Ref), '{"a": 1, "b": 2}');
  assert.is(display(new Tuple([1, 'a'], [Kind.Int, Kind.Ref]), Kind.Ref), '(1, "a")');
  assert.is(display(new Tuple([1], [Kind.Int]), Kind.Ref), '(1,)');
  const l = { name: 'Point', fieldNames: ['x', 'y'], fieldKinds: [Kind.Int, Kind.Float], fieldTypes: ['i', 'f'] };
  assert.is(display(new Struct(l, [3, 4]), Kind.Ref), 'Point{x: 3, y: 4}');
  assert.is(repr('\x01\x7f', Kind.Ref), '"\\x01\\x7f"');
});

test('equality: structural for containers, IEEE for floats', () => {
  const a = arrayOf(Kind.Int, [1, 2]), b = arrayOf(Kind.Int, [1, 2]);
  assert.ok(equals(a, b, Kind.Ref));
  assert.ok(equals(a, a, Kind.Ref));
  assert.not.ok(equals(a, arrayOf(Kind.Int, [1, 3]), Kind.Ref));
  assert.not.ok(equals(NaN, NaN, Kind.Float));
  assert.ok(equals(-0, 0, Kind.Float));
  const m1 = new BPMap(new BigMap<unknown, unknown>([['a', 1], ['b', 2]]), Kind.Ref, Kind.Int);
  const m2 = new BPMap(new BigMap<unknown, unknown>([['b', 2], ['a', 1]]), Kind.Ref, Kind.Int);
  assert.ok(equals(m1, m2, Kind.Ref), 'map equality ignores order');
  assert.not.ok(equals(arrayOf(Kind.Float, [NaN]), arrayOf(Kind.Float, [NaN]), Kind.Ref));
});

test('typed arrays grow, insert, remove, slice and keep 8-byte native layout', () => {
  const a = new IntArray(1);
  for (let i = 0; i < 20; i++) a.push(i * 2 ** 40);
  assert.is(a.len, 20);
  assert.is(a.get(19), 19 * 2 ** 40);
  assert.is(new DataView(a.buf.buffer).getBigInt64(8 * 19, true), BigInt(19 * 2 ** 40));
  a.insert(0, -1);
  assert.is(a.get(0), -1);
  assert.is(a.remove(1), 0);
  assert.equal(a.slice(0, 3).toArray(), [-1, 2 ** 40, 2 * 2 ** 40]);
  const f = new FloatArray();
  f.push(1.5);
  f.reverse();
  assert.is(f.pop(), 1.5);
  assert.is(f.len, 0);
});

test('a map larger than one JS Map keeps the order of one (shards of 4 here; 2^23 in use)', () => {
  const big = new BigMap<number, string>([], 4);
  const one = new Map<number, string>();
  const both = (f: (m: BigMap<number, string> | Map<number, string>) => unknown) => assert.equal(f(big), f(one));
  for (let i = 0; i < 11; i++) both((m) => m.set(i, `v${i}`).size);
  both((m) => m.delete(2));
  both((m) => m.delete(42));
  both((m) => m.set(5, 'five').size);
  both((m) => m.set(2, 'again').size);
  for (let i = 4; i < 8; i++) both((m) => m.delete(i));
  both((m) => m.set(20, 'x').size);
  both((m) => [...m]);
  both((m) => [[...m.keys()], [...m.values()], m.get(9), m.get(4), m.has(3), m.has(6), m.size]);
});

test.run();
