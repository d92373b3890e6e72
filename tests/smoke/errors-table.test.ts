import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RUNTIME_ERRORS, ERROR_ID, errorText } from '../../src/bytecode/runtime-errors.js';

test('runtime error ids are positions and names are unique', () => {
  const names = new Set(RUNTIME_ERRORS.map((e) => e.name));
  assert.is(names.size, RUNTIME_ERRORS.length);
  assert.is(ERROR_ID.DIV_ZERO, RUNTIME_ERRORS.findIndex((e) => e.name === 'DIV_ZERO'));
  assert.is(errorText('UNHANDLED', 'boom'), 'unhandled exception: boom');
});

test.run();
