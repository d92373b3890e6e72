import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tokens } from '../helpers/front.js';

test('literals: ints in every base, saturation, floats, strings with escapes', () => {
  const t = tokens('0x1F 0b101 007 99999999999999999999 0xFFFFFFFFFFFFFFFF 1.5 2e3 6.02e+23 "a\\n\\t\\"\\\\\\q"\n');
  assert.is(t.dump, 'int:31 int:5 int:7 int:9223372036854775807 int:9223372036854775807 float:1.5 float:2000 float:6.02e+23 str:"a\\n\\t\\"\\\\q" newline eof');
  assert.equal(t.errors, []);
});

test('0b102 is 0b10 then 2; 1. is 1 then a dot', () => {
  assert.is(tokens('0b102 1.x\n').dump, 'int:2 int:2 int:1 . ident:x newline eof');
});

test('every operator, longest match first', () => {
  assert.is(tokens('-> == != << >> <= >= ( ) [ ] { } : , . = + - * / % & | ^ ~ < > @\n').dump,
    '-> == != << >> <= >= ( ) [ ] { } : , . = + - * / % & | ^ ~ < > @ newline eof');
});

test('keywords and identifiers', () => {
  assert.is(tokens('let def matchx range self\n').dump, 'let def ident:matchx ident:range self newline eof');
});

test('indentation produces INDENT/DEDENT; blank and comment lines do not', () => {
  const src = 'def f() -> void:\n    a\n\n# comment at column 1\n        # deeper comment\n    b\nc\n';
  assert.is(tokens(src).dump, 'def ident:f ( ) -> ident:void : newline indent ident:a newline ident:b newline dedent ident:c newline eof');
});

test('newlines inside brackets and after a backslash continue the line', () => {
  assert.is(tokens('f(1,\n   2)\nx = 1 + \\\n  2\n').dump, 'ident:f ( int:1 , int:2 ) newline ident:x = int:1 + int:2 newline eof');
});

test('a header followed only by deeper comments marks an empty block', () => {
  assert.is(tokens('def f() -> void:\n    # later\ndef g() -> void:\n').dump,
    'def ident:f ( ) -> ident:void : newline(empty-block) def ident:g ( ) -> ident:void : newline eof');
});

test('f-strings keep their raw body', () => {
  assert.is(tokens('f"x={x} \\"q\\""\n').dump, 'fstr:"x={x} \\\\\\"q\\\\\\"" newline eof');
});

test('lexical errors carry positions and lexing continues', () => {
  const t = tokens('x = 1 ! 2\ny = \'a\'\nz = 0x\nw = 1e+\ns = "open\n');
  assert.equal(t.errors, [
    "1:7: unexpected character '!' (use 'not' or '!=')",
    "2:5: unexpected character ''' (strings use double quotes)",
    "2:7: unexpected character ''' (strings use double quotes)",
    '3:5: invalid hex literal',
    '4:5: invalid number: expected digit after exponent',
    '5:5: unterminated string (a string literal cannot span lines; use \\n)',
  ]);
});

test('tabs in indentation and inconsistent dedents are errors', () => {
  assert.equal(tokens('if x:\n\tpass\n').errors, ['2:1: tab character in indentation (indent with spaces)']);
  assert.equal(tokens('if x:\n        a\n    b\n').errors, ['3:1: unindent does not match any outer indentation level']);
});

test.run();
