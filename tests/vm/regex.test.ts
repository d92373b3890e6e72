import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Regex } from '../../src/vm/regex.js';

const find = (p: string, s: string) => {
  const r = Regex.compile(p);
  if (!r) return 'invalid';
  const m = r.exec(s);
  return m ? s.slice(m[0], m[1]) : null;
};

test('POSIX leftmost-longest, not leftmost-first', () => {
  assert.is(find('a|ab', 'abc'), 'ab');
  assert.is(find('(a|ab)(c|bcd)', 'abcd'), 'abcd');
  assert.is(find('x*', 'aaa'), '');
  assert.is(find('[0-9]+', 'abc123def'), '123');
});

test('only the POSIX class names are classes (not properties of JavaScript objects)', () => {
  for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) assert.is(find(`[[:${name}:]]`, 'x'), 'invalid', name);
});

test('classes, ranges, anchors, repetition counts, glibc escapes', () => {
  assert.is(find('[[:digit:]]{2,3}', 'a12345'), '123');
  assert.is(find('^ab', 'cab'), null);
  assert.is(find('b$', 'ab'), 'b');
  assert.is(find('\\w+', '  hi_2 '), 'hi_2');
  assert.is(find('\\bcat\\b', 'concat cat'), 'cat');
  assert.is(find('a{2}', 'aaa'), 'aa');
  assert.is(find('[^a-c]+', 'abcxyz'), 'xyz');
  assert.is(find('\\d', 'd1'), 'd', '\\d is a plain d in POSIX');
  assert.is(find('a.c', 'a\nc'), 'a\nc');
});

test('invalid patterns are reported as such', () => {
  for (const p of ['(a', 'a)', '[a', '*a', 'a{3,1}', '[[:nope:]]']) assert.is(find(p, 'a'), 'invalid', p);
});

test('all matches advance past empty matches (Python style)', () => {
  const r = Regex.compile('x*')!;
  assert.equal(r.all('axb'), [[0, 0], [1, 2], [2, 2], [3, 3]]);
  assert.equal(Regex.compile('q*')!.all('abc').length, 4);
});

test.run();
