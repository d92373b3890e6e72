// What hover and completion say: every builtin has its one line of documentation, and the
// signatures read like the spec's tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILTINS } from '../../src/lang/builtins.js';
import { builtinSignature } from '../../src/lsp/describe.js';

test('every builtin has a line of documentation, a sentence on one line', () => {
  assert.equal([...BUILTINS.values()].filter((b) => !/^[^\n]+\.$/.test(b.doc)).map((b) => b.name), []);
});

test('builtin signatures', () => {
  assert.is(builtinSignature('print'), 'print(any...) -> void');
  assert.is(builtinSignature('array_push'), 'array_push([T], T) -> void');
  assert.is(builtinSignature('map_keys'), 'map_keys({K: V}) -> [K]');
  assert.is(builtinSignature('read_line'), 'read_line() -> str');
});

test.run();
