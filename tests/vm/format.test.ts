import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFormatSpec } from '../../src/lang/format-spec.js';
import { formatValue } from '../../src/vm/format.js';

test('Python format specs on ints, floats and strings', () => {
  const cases: [unknown, string, string, string][] = [
    [42, 'i', '5d', '   42'], [42, 'i', '<5', '42   '], [42, 'i', '^6', '  42  '], [42, 'i', '*^6', '**42**'],
    [7, 'i', '03', '007'], [-7, 'i', '05d', '-0007'], [255, 'i', 'x', 'ff'], [255, 'i', '#X', '0XFF'], [5, 'i', 'b', '101'],
    [1234567, 'i', ',', '1,234,567'], [42, 'i', '+d', '+42'], [3.14159, 'f', '.2f', '3.14'], [3.14159, 'f', '10.3f', '     3.142'],
    [0.25, 'f', '%', '25.000000%'], [1234.5, 'f', 'e', '1.234500e+03'], [1234.5, 'f', '.3g', '1.23e+03'], [2, 'i', '.1f', '2.0'],
    ['ab', 's', '>5', '   ab'], ['abcdef', 's', '.3', 'abc'], [-0.5, 'f', '.0f', '-0'], [1e6, 'f', ',.1f', '1,000,000.0'],
  ];
  for (const [v, t, spec, want] of cases) assert.is(formatValue(v, t, spec), want, `{${String(v)}:${spec}}`);
});

test('format specs are validated against the value type', () => {
  assert.type(parseFormatSpec('.2f', 'float'), 'object');
  assert.is(parseFormatSpec('d', 'float'), "format type 'd' is not valid for float");
  assert.is(parseFormatSpec('.2d', 'int'), 'precision is not allowed in an integer format spec');
  assert.is(parseFormatSpec('+5', 'str'), "sign, '#', '0', '=' and grouping are only valid for numbers (value is str)");
  assert.is(parseFormatSpec('5z', 'int'), "format type 'z' is not valid for int");
});

test.run();
