import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../helpers/front.js';

const main = (body: string, decls = '') =>
  `${decls}${decls ? '\n' : ''}def main() -> int:\n${body.split('\n').map((l) => '    ' + l).join('\n')}\n    return 0\n`;

/** [body lines of main, extra declarations, expected first error "line:col: message"] */
const ERRORS: [string, string, string][] = [
  ['let x: int = "s"', '', '2:18: type error: let x: int initialized with str'],
  ['let x: int = 1\nx = 2.0', '', "3:9: type error: assigning float to int variable 'x'"],
  ['print(y)', '', "2:11: undefined variable 'y'"],
  ['nope(1)', '', "2:5: unknown function 'nope'"],
  ['f(1)', 'def f(a: int, b: int) -> int:\n    return a', "4:5: function 'f' expects 2 args, got 1"],
  ['f("s")', 'def f(a: int) -> int:\n    return a', "4:7: function 'f' arg 1: expected int, got str"],
  ['len(5)', '', '2:9: len arg 1: expected str, got int'],
  ['substr("a", 1)', '', '2:5: substr expects 3 args, got 2'],
  ['let x: int = 1\nlet x: int = 2', '', "3:9: duplicate symbol 'x' (a name cannot be redeclared while it is visible)"],
  ['if 1:\n    print(1)', '', '2:8: if condition must be bool, got int'],
  ['while "s":\n    print(1)', '', '2:11: while condition must be bool, got str'],
  ['print(1 + "a")', '', '2:11: type error: + supports int+int, float+float, or str+str (got int + str)'],
  ['print(1 - 2.0)', '', "2:11: arithmetic '-' expects int or float operands of the same type (got int and float)"],
  ['print(7 % 2.0)', '', '2:11: mod expects int or float operands of the same type (got int and float)'],
  ['print("a" < "b")', '', '2:11: comparisons expect int or float operands of the same type (got str and str)'],
  ['print(1 == "a")', '', '2:11: ==/!= requires same types (got int and str)'],
  ['print(1 and true)', '', '2:11: and/or expect bool (got int and bool)'],
  ['print(1.5 & 2)', '', '2:11: bitwise ops expect int (got float and int)'],
  ['print(not 1)', '', '2:11: unary not expects bool, got int'],
  ['print(-"a")', '', '2:11: unary - expects int or float, got str'],
  ['break', '', '2:5: break outside of loop'],
  ['throw 5', '', '2:11: throw value must be string, got int'],
  ['let s: str = "abc"\nprint(s[0])', '', '3:11: cannot index type: str (use str_char_at or substr)'],
  ['let p: P = P{x: 1}', 'struct P:\n    x: int\n    y: int', "5:16: struct 'P' requires 2 fields; missing 'y'"],
  ['let p: P = P{x: 1, z: 2}', 'struct P:\n    x: int', "4:24: struct 'P' has no field 'z'"],
  ['print(Color.BLUE)', 'enum Color:\n    RED', "4:17: enum 'Color' has no member 'BLUE'"],
  ['let q: Q = Q{}', '', "2:12: unknown type 'Q'"],
  ['let a: [int] = [1, "a"]', '', '2:24: array element of type str in an array of int'],
  ['let a: [int] = []\nlet b: [int] = array_concat(a, [])\nprint([])', '', '4:11: cannot infer the element type of an empty array literal here; give it a declared type (let a: [int] = [])'],
  ['let m: {[int]: int} = {}', '', '2:13: map keys must be int, float, bool or str, not [int]'],
  ['for c in "abc":\n    print(c)', '', '2:14: for-in requires an array or a map, got str (iterate over str_split(s, "") or use str_char_at)'],
  ['let t: (int, str) = (1, "a")\nprint(t[2])', '', '3:13: tuple index 2 out of range for (int, str)'],
  ['let t: (int, str) = (1, "a")\nt[0] = 2', '', '3:5: tuples are immutable'],
  ['let k: int = 1\nlet f: fn() -> int = fn() -> int: k\nk = 2', '', "4:5: cannot assign to 'k' after a lambda captured it (captures are by value)"],
  ['let f: fn(int) -> int = fn(v: int) -> int: "s"', '', "2:48: lambda body type str doesn't match declared return type int"],
  ['let d: Dog = new Dog(1)', 'class Dog:\n    name: str\n    def __init__(self, n: str) -> void:\n        self.name = n', '6:26: Dog.__init__ arg 1: expected str, got int'],
  ['let x: int = 5\nx.speak()', '', "3:7: cannot call method 'speak' on type int"],
  ['match 1:\n    case "a":\n        print(1)', '', '3:14: case value of type str can never match a subject of type int'],
  ['let v: i32 = 5', '', "2:12: type 'i32' is only allowed in extern declarations"],
  ['thread_spawn(1)', '', "2:5: builtin 'thread_spawn' is not supported by bpjit: threads cannot be created (as in the reference, where thread_spawn always fails)"],
];

for (const [body, decls, expected] of ERRORS) {
  test(`rejects: ${expected.replace(/^\d+:\d+: /, '')}`, () => {
    const r = check(main(body, decls));
    assert.is(r.errors[0], expected);
  });
}

test('missing return, return value in void, missing return value', () => {
  assert.equal(check('def f(n: int) -> int:\n    if n > 0:\n        return 1\n').errors, ["1:5: function 'f' can reach its end without returning a value of type int"]);
  assert.equal(check('def f() -> void:\n    return 1\n').errors, ['2:12: return value in void function']);
  assert.equal(check('def f() -> int:\n    return\n').errors, ['2:5: missing return value (the function returns int)']);
  assert.equal(check('def f() -> int:\n    while true:\n        return 1\n').errors, []);
  assert.equal(check('def f(n: int) -> int:\n    if n > 0:\n        return 1\n    else:\n        throw "no"\n').errors, []);
});

test('modules: qualified calls, exports, missing modules and names', () => {
  const files = {
    'main.bp': 'import geom\nimport geom as g2\ndef main() -> int:\n    print(geom.area(2, 3), g2.area(1, 1), area(4, 4))\n    print(geom.secret(1))\n    print(geom.nope(1))\n    return 0\n',
    'geom.bp': 'export def area(w: int, h: int) -> int:\n    return w * h\ndef secret(x: int) -> int:\n    return x\n',
  };
  assert.equal(check(files).errors, ["5:16: function 'secret' is not exported from module 'geom'", "6:16: module 'geom' has no function 'nope'"]);
  assert.equal(check({ 'main.bp': 'import nowhere\ndef main() -> int:\n    return 0\n' }).errors, ["1:8: cannot find module 'nowhere'"]);
});

test('several type errors are reported in one run, without cascades', () => {
  const r = check(main('let a: int = "x"\nlet b: str = 1\nprint(a + b)\nprint(zzz)'));
  assert.equal(r.errors, [
    '2:18: type error: let a: int initialized with str',
    '3:18: type error: let b: str initialized with int',
    '4:11: type error: + supports int+int, float+float, or str+str (got int + str)',
    "5:11: undefined variable 'zzz'",
  ]);
});

test('valid programs: classes, closures, tuples, empty literals, enums as types', () => {
  const src = [
    'enum Color:', '    RED', '    GREEN',
    'class Animal:', '    name: str', '    def __init__(self, n: str) -> void:', '        self.name = n',
    '    def speak(self) -> str:', '        return "..."',
    'class Dog(Animal):', '    def speak(self) -> str:', '        return super.speak() + "woof"',
    'def apply(f: fn(int) -> int, v: int) -> int:', '    return f(v)',
    'def pair() -> (int, str):', '    return (1, "a")',
    'def main() -> int:',
    '    let a: Animal = new Dog("rex")', '    print(a.speak(), a.name)',
    '    let k: int = 3', '    let add: fn(int) -> int = fn(x: int) -> int: x + k', '    print(apply(add, 1))',
    '    let t: (int, str) = pair()', '    print(t[0], t[1])',
    '    let xs: [int] = []', '    let m: {str: [int]} = {}', '    m["a"] = xs', '    let ys: [int] = (1, 2)',
    '    let c: Color = Color.GREEN', '    print(c, xs == ys)',
    '    return 0', '',
  ].join('\n');
  assert.equal(check(src).errors, []);
});

test.run();
