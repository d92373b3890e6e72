import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ast } from '../helpers/front.js';

const body = (stmts: string) => ast(`def main() -> int:\n${stmts.split('\n').map((l) => '    ' + l).join('\n')}\n`);
const expr = (e: string) => {
  const r = body(`print(${e})`);
  assert.equal(r.errors, [], `errors parsing ${e}`);
  return r.dump.split('\n')[1].trim().replace(/^\(call print /, '').replace(/\)$/, '');
};

test('precedence follows the spec table (§1.11)', () => {
  assert.is(expr('1 - 2 * 3 + 4'), '(+ (- 1 (* 2 3)) 4)');
  assert.is(expr('1 + 2 << 3 - 1 | 1'), '(| (<< (+ 1 2) (- 3 1)) 1)');
  assert.is(expr('1 | 2 ^ 3 & 4'), '(| 1 (^ 2 (& 3 4)))');
  assert.is(expr('not x > 1'), '(> (not x) 1)');
  assert.is(expr('5 & 3 == 1'), '(& 5 (== 3 1))');
  assert.is(expr('true or false and false'), '(or true (and false false))');
  assert.is(expr('- - 3'), '(- (- 3))');
  assert.is(expr('~5'), '(~ 5)');
});

test('postfix chains: calls, indexing, fields, methods, calls of values', () => {
  assert.is(expr('a.b.c[1].d(2)(3)'), '(call (method (index (. (. a b) c) 1) d 2) 3)');
  assert.is(expr('m.f(x)'), '(method m f x)');
  assert.is(expr('fs[0](1)'), '(call (index fs 0) 1)');
});

test('literals: arrays, maps, tuples, structs, lambdas, new, super', () => {
  assert.is(expr('[1, 2]'), '[1 2]');
  assert.is(expr('{"a": 1}'), '{"a": 1}');
  assert.is(expr('(1, "a")'), '(tuple 1 "a")');
  assert.is(expr('(1,)'), '(tuple 1)');
  assert.is(expr('()'), '(tuple)');
  assert.is(expr('(1)'), '1');
  assert.is(expr('P{x: 1, y: 2}'), '(P{x: 1, y: 2})');
  assert.is(expr('fn(a: int) -> int: a * 2'), '(fn (a: int) -> int (* a 2))');
  assert.is(expr('new Dog("rex", 3)'), '(new Dog "rex" 3)');
  assert.is(expr('super.speak(1)'), '(super speak 1)');
  assert.is(expr('super().__init__(1)'), '(super __init__ 1)');
});

test('f-strings split into text, expressions and format specs', () => {
  assert.is(expr('f"a{x}b{y:>5}{{c}}"'), '(fstr "a" {x} "b" {y:>5} "{c}")');
  assert.is(expr('f"{m[\\"k\\"]}"'), '(fstr {(index m "k")})');
});

test('statements: let, assignment forms, control flow, try, match', () => {
  const r = body([
    'let x: int = 1', 'x = 2', 'a[0] = 3', 'p.x = 4', 'items[0].x = 5',
    'if x < 1:', '    return 1', 'elif x < 2:', '    return 2', 'else:', '    return 3',
    'while true:', '    break', 'for i in range(10):', '    continue', 'for i in range(0, 10, 2):', '    print(i)',
    'for v in xs:', '    print(v)',
    'try:', '    throw "e"', 'catch e:', '    print(e)', 'finally:', '    print(1)',
    'match x:', '    case 1:', '        print(1)', '    default:', '        print(0)',
  ].join('\n'));
  assert.equal(r.errors, []);
  assert.is(r.dump, [
    '(def main () -> int', '  (let x: int 1)', '  (= x 2)', '  (= (index a 0) 3)', '  (= (. p x) 4)', '  (= (. (index items 0) x) 5)',
    '  (if (< x 1)', '    (return 1)', '  (elif (< x 2)', '    (return 2)', '  (else', '    (return 3)',
    '  (while true', '    (break)', '  (for i (range 0 10)', '    (continue)', '  (for i (range 0 10 2)', '    (call print i)',
    '  (for v in xs', '    (call print v)',
    '  (try', '    (throw "e")', '  (catch e', '    (call print e)', '  (finally', '    (call print 1)',
    '  (match x', '    (case 1', '      (call print 1)', '    (default', '      (call print 0)', '',
  ].join('\n'));
});

test('declarations: struct with method, class with base, enum, import, extern, global, decorator', () => {
  const r = ast([
    'struct P:', '    x: int', '    def norm(self) -> int:', '        return self.x',
    'class Dog(Animal):', '    name: str',
    'enum Color:', '    RED', '    GREEN = 5', '    BIG = 9000000000',
    'import geom as g', 'extern fn c_abs(v: int) -> int from "libc.so.6" as "labs"',
    'let total: int = 0', '@packed', 'export def f() -> void:', '    print(1)', '',
  ].join('\n'));
  assert.equal(r.errors, []);
  assert.is(r.dump, [
    '(struct P x: int', '  (def norm (self) -> int', '  (return (. self x))',
    '(class Dog(Animal) name: str', '(enum Color RED GREEN=5 BIG=9000000000)', '(import geom as g)', '(extern c_abs from "libc.so.6")',
    '(global (let total: int 0))', '(def f () -> void', '  (call print 1)', '',
  ].join('\n'));
});

test('enum values are non-negative literals', () => {
  assert.equal(ast('enum E:\n    A = -1\n').errors, ['2:9: enum values must be non-negative integer literals']);
});

test('a single statement may follow the colon; an empty comment-only block is accepted', () => {
  const r = ast('def later() -> void:\n    # to do\n\ndef main() -> int:\n    if true: return 1\n    return 0\n');
  assert.equal(r.errors, []);
  assert.match(r.dump, '(def later () -> void\n(def main');
});

test('syntax errors: several per run, each at its position, with recovery', () => {
  const r = ast([
    'def main() -> int:', '    let x = 5', '    x += 1', '    print(1,)', '    let y: int = 1 +', '    return 0',
    'print("top level")', 'def g() -> int', '    return 1', '',
  ].join('\n'));
  assert.equal(r.errors, [
    "2:11: expected ':' and a type after 'x' (declarations are typed: let x: int = 1), found '='",
    "3:7: compound assignment '+=' does not exist; write 'x = x + ...'",
    '4:13: trailing comma in argument list',
    '5:21: expected an expression, found end of line',
    "7:1: expected 'def', 'struct', 'enum', 'class', 'import', 'extern', 'let', or 'export' at top level, found identifier 'print'",
    "8:15: expected ':' before the block, found end of line",
  ]);
});

test('an unclosed bracket is reported where it opens', () => {
  assert.ok(ast('def f() -> int:\n    return (1 +\n        2\n').errors.includes("2:12: '(' was never closed"));
  assert.equal(ast('def f() -> int:\n    return [1)\n').errors[0], "2:14: ')' does not match '['");
});

test('blocks must be indented; duplicate default; unknown decorator', () => {
  assert.equal(ast('def f() -> void:\nprint(1)\n').errors, ["2:1: expected an indented block, found identifier 'print'"]);
  assert.equal(ast('def f() -> void:\n    match 1:\n        default:\n            f()\n        default:\n            f()\n').errors, ['5:9: duplicate default case in match']);
  assert.equal(ast('@fast\ndef f() -> void:\n    f()\n').errors, ["1:2: unknown decorator 'fast'"]);
});

test.run();
