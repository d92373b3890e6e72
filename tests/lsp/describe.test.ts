// What hover and completion say: every builtin has its one line of documentation, and the
// signatures read like the spec's tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILTIN_DOCS } from '../../src/lang/builtin-docs.js';
import { BUILTINS } from '../../src/lang/builtins.js';
import { builtinSignature } from '../../src/lsp/describe.js';

test('every builtin has a line of documentation, and no line names a missing builtin', () => {
  assert.equal([...BUILTINS.keys()].filter((b) => !BUILTIN_DOCS[b]), []);
  assert.equal(Object.keys(BUILTIN_DOCS).filter((b) => !BUILTINS.has(b)), []);
});

test('builtin signatures', () => {
  assert.is(builtinSignature('print'), 'print(any...) -> void');
  assert.is(builtinSignature('array_push'), 'array_push([T], T) -> void');
  assert.is(builtinSignature('map_keys'), 'map_keys({K: V}) -> [K]');
  assert.is(builtinSignature('read_line'), 'read_line() -> str');
});

test.run();
