// Rows of the diagnostics table (messages.ts) for expressions: operators, calls, members,
// literals, classes, and f-string format specifications. See messages-syntax.ts for a row's shape.
import type { MessageRow } from './messages.js';

export const EXPR_MESSAGES = [
  {
    code: 'E0200', name: 'let-type-mismatch', text: 'type error: let {0}: {1} initialized with {2}',
    explain: 'The initial value has another type than the declared one. There are no implicit conversions: use `int_to_float`, `float_to_int`, `to_str`, `parse_int` and the like.',
    example: 'def main() -> int:\n    let x: int = "three"\n    return x\n',
  },
  {
    code: 'E0201', name: 'assign-type-mismatch', text: "type error: assigning {0} to {1} variable '{2}'",
    explain: 'A variable keeps the type it was declared with; the assigned value must have that type.',
    example: 'def main() -> int:\n    let x: int = 1\n    x = 2.5\n    return x\n',
  },
  {
    code: 'E0202', name: 'index-type', text: 'array index must be int, got {0}',
    explain: 'Arrays are indexed by integers (negative ones count from the end).',
    example: 'def main() -> int:\n    let a: [int] = [1, 2]\n    print(a["0"])\n    return 0\n',
  },
  {
    code: 'E0203', name: 'assign-element-mismatch', text: 'type error: assigning {0} to array of {1}',
    explain: 'All elements of an array have its element type.',
    example: 'def main() -> int:\n    let a: [int] = [1, 2]\n    a[0] = "x"\n    return 0\n',
  },
  {
    code: 'E0204', name: 'map-key-mismatch', text: 'map key type mismatch: expected {0}, got {1}',
    explain: 'A map is indexed by keys of its key type.',
    example: 'def main() -> int:\n    let m: {str: int} = {"a": 1}\n    print(m[1])\n    return 0\n',
  },
  {
    code: 'E0205', name: 'assign-map-value-mismatch', text: 'type error: assigning {0} to map with value type {1}',
    explain: 'All values of a map have its value type; the assigned value must have it too.',
    example: 'def main() -> int:\n    let m: {str: int} = {}\n    m["a"] = "one"\n    return 0\n',
  },
  {
    code: 'E0206', name: 'tuple-immutable', text: 'tuples are immutable',
    explain: 'A tuple cannot be changed after it is made; build a new one, or use a struct or an array.',
    example: 'def main() -> int:\n    let t: (int, str) = (1, "a")\n    t[0] = 2\n    return 0\n',
  },
  {
    code: 'E0207', name: 'index-assign-type', text: 'cannot index type for assignment: {0}',
    explain: 'Only array elements and map entries can be assigned with `x[i] = ...`; strings are immutable.',
    example: 'def main() -> int:\n    let s: str = "abc"\n    s[0] = "x"\n    return 0\n',
  },
  {
    code: 'E0208', name: 'assign-enum-member', text: 'cannot assign to an enum member',
    explain: 'Enum members are constants: their values are fixed where the enum is declared.',
    example: 'enum Color:\n    RED\n\ndef main() -> int:\n    Color.RED = 2\n    return 0\n',
  },
  {
    code: 'E0209', name: 'assign-field-mismatch', text: 'type error: assigning {0} to field of type {1}',
    explain: 'A field keeps the type it was declared with.',
    example: 'struct P:\n    x: int\n\ndef main() -> int:\n    let p: P = P{x: 1}\n    p.x = "two"\n    return 0\n',
  },
  {
    code: 'E0210', name: 'unary-type', text: 'unary {0} expects {1}, got {2}',
    explain: '`-x` takes an int or a float, `not x` a bool, `~x` an int.',
    example: 'def main() -> int:\n    print(not 1)\n    return 0\n',
  },
  {
    code: 'E0211', name: 'plus-types', text: 'type error: + supports int+int, float+float, or str+str (got {0} + {1})',
    explain: 'Both operands of `+` have the same type: numbers add, strings concatenate. Convert first: `"n = " + to_str(n)`, or use an f-string: `f"n = {n}"`.',
    example: 'def main() -> int:\n    let n: int = 3\n    print("n = " + n)\n    return 0\n',
  },
  {
    code: 'E0212', name: 'arithmetic-types', text: "arithmetic '{0}' expects int or float operands of the same type (got {1} and {2})",
    explain: 'Ints and floats do not mix implicitly: convert with `int_to_float` or `float_to_int`.',
    example: 'def main() -> int:\n    print(1 - 2.0)\n    return 0\n',
  },
  {
    code: 'E0213', name: 'mod-types', text: 'mod expects int or float operands of the same type (got {0} and {1})',
    explain: 'Both operands of `%` are ints or both are floats.',
    example: 'def main() -> int:\n    print(7 % 2.0)\n    return 0\n',
  },
  {
    code: 'E0214', name: 'equality-types', text: '==/!= requires same types (got {0} and {1})',
    explain: 'Values of different types are never equal, so comparing them is refused as a likely mistake.',
    example: 'def main() -> int:\n    print(1 == "1")\n    return 0\n',
  },
  {
    code: 'E0215', name: 'ordering-types', text: 'comparisons expect int or float operands of the same type (got {0} and {1})',
    explain: '`<`, `<=`, `>` and `>=` compare numbers of one type. Strings have no ordering operators.',
    example: 'def main() -> int:\n    print("a" < "b")\n    return 0\n',
  },
  {
    code: 'E0216', name: 'logic-types', text: 'and/or expect bool (got {0} and {1})',
    explain: '`and` and `or` combine booleans; there is no truthiness.',
    example: 'def main() -> int:\n    print(1 and true)\n    return 0\n',
  },
  {
    code: 'E0217', name: 'bitwise-types', text: 'bitwise ops expect int (got {0} and {1})',
    explain: '`&`, `|`, `^`, `<<` and `>>` work on ints.',
    example: 'def main() -> int:\n    print(1.5 & 2)\n    return 0\n',
  },
  {
    code: 'E0218', name: 'arg-count', text: '{0} expects {1}, got {2}',
    explain: 'A function, method or builtin was called with the wrong number of arguments. There are no default arguments.',
    example: 'def add(a: int, b: int) -> int:\n    return a + b\n\ndef main() -> int:\n    return add(1)\n',
  },
  {
    code: 'E0219', name: 'arg-type', text: '{0} arg {1}: expected {2}, got {3}',
    explain: 'An argument has another type than the parameter. Builtins have one type per parameter: `len` is for strings, `array_len` for arrays and `map_len` for maps.',
    example: 'def main() -> int:\n    let xs: [int] = [1, 2, 3]\n    print(len(xs))\n    return 0\n',
  },
  {
    code: 'E0220', name: 'void-argument', text: '{0} arg {1}: a void value cannot be used',
    explain: 'A call to a function that returns `void` has no value to pass on.',
    example: 'def hello() -> void:\n    print("hi")\n\ndef main() -> int:\n    print(hello())\n    return 0\n',
  },
  {
    code: 'E0221', name: 'builtin-unsupported', text: "builtin '{0}' is not supported by bpjit: {1}",
    explain: 'bpjit knows this builtin of the reference implementation but cannot run it; the message says why.',
    example: 'def main() -> int:\n    thread_spawn(1)\n    return 0\n',
  },
  {
    code: 'E0222', name: 'unknown-function', text: "unknown function '{0}'",
    explain: 'No builtin, function of this module, exported function of an imported module, or variable holding a function has this name.',
    example: 'def main() -> int:\n    pritn("hello")\n    return 0\n',
  },
  {
    code: 'E0223', name: 'not-callable', text: 'cannot call a value of type {0}',
    explain: 'Only functions and values of a function type (`fn(int) -> int`) can be called.',
    example: 'def main() -> int:\n    let n: int = 1\n    n(2)\n    return 0\n',
  },
  {
    code: 'E0224', name: 'sort-element-type', text: 'array_sort expects an array of int, float or str',
    explain: '`array_sort` orders numbers and strings; other elements have no order.',
    example: 'def main() -> int:\n    let a: [bool] = [true, false]\n    array_sort(a)\n    return 0\n',
  },
  {
    code: 'E0225', name: 'bytes-to-str-type', text: 'bytes_to_str expects str or [int]',
    explain: '`bytes_to_str` turns a byte string or an array of byte values into a string.',
    example: 'def main() -> int:\n    print(bytes_to_str(1.5))\n    return 0\n',
  },
  {
    code: 'E0226', name: 'tuple-index-constant', text: 'a tuple index must be an integer constant',
    explain: 'Tuple elements can have different types, so the element must be known when the program is checked: write `t[0]`, not `t[i]`.',
    example: 'def main() -> int:\n    let t: (int, str) = (1, "a")\n    let i: int = 0\n    print(t[i])\n    return 0\n',
  },
  {
    code: 'E0227', name: 'tuple-index-range', text: 'tuple index {0} out of range for {1}',
    explain: 'A tuple of n elements has indexes 0 to n-1 (or -n to -1 from the end).',
    example: 'def main() -> int:\n    let t: (int, str) = (1, "a")\n    print(t[2])\n    return 0\n',
  },
  {
    code: 'E0228', name: 'not-indexable', text: 'cannot index type: {0}{1}',
    explain: 'Only arrays, maps and tuples can be indexed. For strings use `str_char_at(s, i)` or `substr(s, start, length)`.',
    example: 'def main() -> int:\n    let s: str = "abc"\n    print(s[0])\n    return 0\n',
  },
  {
    code: 'E0229', name: 'no-enum-member', text: "enum '{0}' has no member '{1}'",
    explain: 'The enum does not declare a member of this name.',
    example: 'enum Color:\n    RED\n    GREEN\n\ndef main() -> int:\n    print(Color.BLUE)\n    return 0\n',
  },
  {
    code: 'E0230', name: 'module-member', text: "only functions can be used from module '{0}'",
    explain: 'A module exports functions, called as `module.f(...)`; its globals, types and enums are not reachable from other modules.',
    example: 'import util\n\ndef main() -> int:\n    print(util.limit)\n    return 0\n# --- util.bp\nlet limit: int = 3\n\nexport def one() -> int:\n    return 1\n',
  },
  {
    code: 'E0231', name: 'method-as-field', text: "'{0}' is a method of {1}; call it with ()",
    explain: 'A method is called, not read: `p.norm()`. (A bound method is not a value.)',
    example: 'struct P:\n    x: int\n    def norm(self) -> int:\n        return self.x\n\ndef main() -> int:\n    let p: P = P{x: 1}\n    print(p.norm)\n    return 0\n',
  },
  {
    code: 'E0232', name: 'no-field', text: "{0} '{1}' has no field '{2}'",
    explain: 'The struct or class does not declare a field of this name.',
    example: 'struct Segment:\n    length: int\n\ndef main() -> int:\n    let s: Segment = Segment{length: 3}\n    print(s.lenght)\n    return 0\n',
  },
  {
    code: 'E0233', name: 'field-of-non-object', text: "cannot access field '{0}' on type {1}",
    explain: 'Only structs and classes have fields. For the length of a string, array or map use `len`, `array_len` or `map_len`.',
    example: 'def main() -> int:\n    let xs: [int] = [1, 2]\n    print(xs.length)\n    return 0\n',
  },
  {
    code: 'E0234', name: 'no-module-function', text: "module '{0}' has no function '{1}'",
    explain: 'The imported module does not declare a function of this name.',
    example: 'import util\n\ndef main() -> int:\n    return util.two()\n# --- util.bp\nexport def one() -> int:\n    return 1\n',
  },
  {
    code: 'E0235', name: 'not-exported', text: "function '{0}' is not exported from module '{1}'",
    explain: 'Only functions declared with `export def` can be used from other modules.',
    example: 'import util\n\ndef main() -> int:\n    return util.one()\n# --- util.bp\ndef one() -> int:\n    return 1\n',
  },
  {
    code: 'E0236', name: 'init-called', text: '__init__ runs when the object is created with new; it cannot be called directly',
    explain: '`new C(args)` creates an object and runs its `__init__` with the arguments; calling `__init__` again is refused.',
    example: 'class C:\n    x: int\n    def __init__(self) -> void:\n        self.x = 1\n\ndef main() -> int:\n    let c: C = new C()\n    c.__init__()\n    return 0\n',
  },
  {
    code: 'E0237', name: 'no-method', text: "{0} '{1}' has no method '{2}'",
    explain: 'The struct or class (or, for a class, its bases) declares no method of this name.',
    example: 'class Dog:\n    name: str\n    def bark(self) -> str:\n        return "woof"\n\ndef main() -> int:\n    let d: Dog = new Dog()\n    print(d.brak())\n    return 0\n',
  },
  {
    code: 'E0238', name: 'method-of-non-object', text: "cannot call method '{0}' on type {1}{2}",
    explain: 'Only structs and classes have methods. Operations on strings, arrays and maps are builtins taking the value as first argument: `array_len(xs)`, `str_upper(s)`.',
    example: 'def main() -> int:\n    let s: str = "abc"\n    print(s.upper())\n    return 0\n',
  },
  {
    code: 'E0239', name: 'array-element-type', text: 'array element of type {0} in an array of {1}',
    explain: 'Every element of an array literal has the array\'s element type.',
    example: 'def main() -> int:\n    let a: [int] = [1, "two"]\n    return 0\n',
  },
  {
    code: 'E0240', name: 'empty-array-type', text: 'cannot infer the element type of an empty array literal here; give it a declared type (let a: [int] = [])',
    explain: 'An empty `[]` takes its type from where it is used (a declared variable, a parameter). Where nothing says which array it is, declare a variable first.',
    example: 'def main() -> int:\n    print([])\n    return 0\n',
  },
  {
    code: 'E0241', name: 'array-inconsistent', text: 'array literal: inconsistent element types: {0} vs {1}',
    explain: 'Without a declared type, an array literal takes the type of its first element, and the others must match.',
    example: 'def main() -> int:\n    print([1, "two"])\n    return 0\n',
  },
  {
    code: 'E0242', name: 'void-stored', text: 'a void value cannot be stored',
    explain: 'A call to a function returning `void` has no value to put in an array or tuple.',
    example: 'def hello() -> void:\n    print("hi")\n\ndef main() -> int:\n    print(typeof([hello()]))\n    return 0\n',
  },
  {
    code: 'E0243', name: 'map-literal-key', text: 'map literal: key of type {0} in a map with {1} keys',
    explain: 'Every key of a map literal has the map\'s key type.',
    example: 'def main() -> int:\n    let m: {str: int} = {1: 1}\n    return 0\n',
  },
  {
    code: 'E0244', name: 'map-literal-value', text: 'map literal: value of type {0} in a map with {1} values',
    explain: 'Every value of a map literal has the map\'s value type.',
    example: 'def main() -> int:\n    let m: {str: int} = {"a": "one"}\n    return 0\n',
  },
  {
    code: 'E0245', name: 'empty-map-type', text: 'cannot infer the types of an empty map literal here; give it a declared type (let m: {str: int} = {})',
    explain: 'An empty `{}` takes its type from where it is used. Where nothing says which map it is, declare a variable first.',
    example: 'def main() -> int:\n    print({})\n    return 0\n',
  },
  {
    code: 'E0246', name: 'map-inconsistent-key', text: 'map literal: inconsistent key types: {0} vs {1}',
    explain: 'Without a declared type, a map literal takes the types of its first entry, and the other keys must match.',
    example: 'def main() -> int:\n    print({"a": 1, 2: 2})\n    return 0\n',
  },
  {
    code: 'E0247', name: 'map-inconsistent-value', text: 'map literal: inconsistent value types: {0} vs {1}',
    explain: 'Without a declared type, a map literal takes the types of its first entry, and the other values must match.',
    example: 'def main() -> int:\n    print({"a": 1, "b": "two"})\n    return 0\n',
  },
  {
    code: 'E0248', name: 'tuple-as-array', text: 'tuple element of type {0} where an array of {1} is expected',
    explain: 'A parenthesised list where an array is expected becomes an array, so its elements must have the element type.',
    example: 'def main() -> int:\n    let a: [int] = (1, "b")\n    return 0\n',
  },
  {
    code: 'E0249', name: 'literal-of-class', text: "'{0}' is a class; create it with new {0}(...)",
    explain: 'Struct literals `S{field: value}` are for structs. Objects of a class are created with `new`, which runs `__init__`.',
    example: 'class Dog:\n    name: str\n\ndef main() -> int:\n    let d: Dog = Dog{name: "rex"}\n    return 0\n',
  },
  {
    code: 'E0250', name: 'unknown-struct', text: "unknown struct type '{0}'",
    explain: 'A struct literal names a struct that the module does not declare.',
    example: 'struct Point:\n    x: int\n\ndef main() -> int:\n    print(typeof(Pointt{x: 1}))\n    return 0\n',
  },
  {
    code: 'E0251', name: 'literal-unknown-field', text: "struct '{0}' has no field '{1}'",
    explain: 'A struct literal gives a field that the struct does not declare.',
    example: 'struct P:\n    x: int\n\ndef main() -> int:\n    let p: P = P{x: 1, z: 2}\n    return 0\n',
  },
  {
    code: 'E0252', name: 'field-given-twice', text: "field '{0}' is given twice",
    explain: 'Each field appears once in a struct literal.',
    example: 'struct P:\n    x: int\n\ndef main() -> int:\n    let p: P = P{x: 1, x: 2}\n    return 0\n',
  },
  {
    code: 'E0253', name: 'literal-field-type', text: "struct field '{0}.{1}' expects {2}, got {3}",
    explain: 'A value in a struct literal has another type than its field.',
    example: 'struct P:\n    x: int\n\ndef main() -> int:\n    let p: P = P{x: "one"}\n    return 0\n',
  },
  {
    code: 'E0254', name: 'missing-fields', text: "struct '{0}' requires {1} fields; missing {2}",
    explain: 'A struct literal gives every field of the struct; there are no default values.',
    example: 'struct P:\n    x: int\n    y: int\n\ndef main() -> int:\n    let p: P = P{x: 1}\n    return 0\n',
  },
  {
    code: 'E0255', name: 'lambda-param-reuses-name', text: "duplicate symbol '{0}': a lambda parameter cannot reuse a visible name",
    explain: 'There is no shadowing: a lambda parameter cannot take the name of a visible local or global.',
    example: 'def main() -> int:\n    let x: int = 1\n    let f: fn(int) -> int = fn(x: int) -> int: x + 1\n    return f(x)\n',
  },
  {
    code: 'E0256', name: 'lambda-body-type', text: "lambda body type {0} doesn't match declared return type {1}",
    explain: 'The expression after the lambda\'s colon is its result, of the declared return type.',
    example: 'def main() -> int:\n    let f: fn(int) -> int = fn(v: int) -> int: "s"\n    return f(1)\n',
  },
  {
    code: 'E0257', name: 'new-of-struct', text: "'{0}' is a struct; create it with a literal {0}{...}",
    explain: '`new` creates objects of classes. A struct value is written as a literal naming every field.',
    example: 'struct P:\n    x: int\n\ndef main() -> int:\n    let p: P = new P()\n    return 0\n',
  },
  {
    code: 'E0258', name: 'unknown-class', text: "unknown class '{0}'",
    explain: '`new` names a class that the module does not declare.',
    example: 'class Dog:\n    name: str\n\ndef main() -> int:\n    let d: Dog = new Dgo()\n    return 0\n',
  },
  {
    code: 'E0259', name: 'new-without-init', text: "class '{0}' has no __init__, so new {0}() takes no arguments",
    explain: 'The arguments of `new` go to `__init__`; a class without one is created with its fields zeroed.',
    example: 'class Dog:\n    name: str\n\ndef main() -> int:\n    let d: Dog = new Dog("rex")\n    return 0\n',
  },
  {
    code: 'E0260', name: 'super-outside-class', text: "'super' is only available inside class methods",
    explain: '`super.m(...)` calls the base class\'s version of a method, so it needs a method of a class.',
    example: 'def main() -> int:\n    super.f()\n    return 0\n',
  },
  {
    code: 'E0261', name: 'super-without-base', text: "class '{0}' has no base class",
    explain: '`super` refers to the base class, and this class extends none.',
    example: 'class A:\n    x: int\n    def f(self) -> int:\n        return super.f()\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0262', name: 'super-no-method', text: "base class '{0}' has no method '{1}'",
    explain: 'The base classes declare no method of this name.',
    example: 'class A:\n    x: int\n\nclass B(A):\n    def f(self) -> int:\n        return super.g()\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0263', name: 'format-precision-digits', text: "invalid format spec '{0}': expected digits after '.'",
    explain: 'In a format specification `.` starts a precision, a number of digits: `{x:.2f}`.',
    example: 'def main() -> int:\n    print(f"{1.5:.f}")\n    return 0\n',
  },
  {
    code: 'E0264', name: 'format-spec-invalid', text: "invalid format spec '{0}'",
    explain: 'A format specification follows Python\'s mini-language: `[[fill]align][sign][#][0][width][grouping][.precision][type]`, for example `>8`, `08.3f`, `,d`, `x`.',
    example: 'def main() -> int:\n    print(f"{1:10dd}")\n    return 0\n',
  },
  {
    code: 'E0265', name: 'format-spec-too-large', text: "format spec '{0}': width or precision too large",
    explain: 'Widths are limited to 1000 and precisions to 100.',
    example: 'def main() -> int:\n    print(f"{1:5000}")\n    return 0\n',
  },
  {
    code: 'E0266', name: 'format-type-invalid', text: "format type '{0}' is not valid for {1}",
    explain: 'Ints take the types b, c, d, o, x, X, n (and the float types); floats take e, E, f, F, g, G and %.',
    example: 'def main() -> int:\n    print(f"{1.5:x}")\n    return 0\n',
  },
  {
    code: 'E0267', name: 'format-int-precision', text: 'precision is not allowed in an integer format spec',
    explain: 'A precision applies to floats; to print an int with decimals, add a float type: `{n:.2f}`.',
    example: 'def main() -> int:\n    print(f"{1:.2}")\n    return 0\n',
  },
  {
    code: 'E0268', name: 'format-type-non-number', text: "format type '{0}' is only valid for numbers (value is {1})",
    explain: 'A string, bool or other value takes only the type `s` (or none).',
    example: 'def main() -> int:\n    let s: str = "a"\n    print(f"{s:d}")\n    return 0\n',
  },
  {
    code: 'E0269', name: 'format-flags-non-number', text: "sign, '#', '0', '=' and grouping are only valid for numbers (value is {0})",
    explain: 'Signs, alternate forms, zero padding, `=` alignment and digit grouping apply to numbers.',
    example: 'def main() -> int:\n    let s: str = "a"\n    print(f"{s:+}")\n    return 0\n',
  },
] as const satisfies readonly MessageRow[];
