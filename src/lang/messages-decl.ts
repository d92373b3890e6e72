// Rows of the diagnostics table (messages.ts) for modules, declarations, names and statements.
// See messages-syntax.ts for the shape of a row.
import type { MessageRow } from './messages.js';

export const DECL_MESSAGES = [
  {
    code: 'E0100', name: 'module-not-found', text: "cannot find module '{0}'",
    explain: "`import NAME` looks for NAME.bp in the importing file's directory, then in the entry program's directory, then in the directories listed in BETTERPYTHON_PATH (separated by ':').",
    example: 'import geometry\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0101', name: 'circular-import', text: "circular import of module '{0}'",
    explain: 'Modules are checked and initialised in dependency order, so two modules cannot import each other (directly or through others). Move what both need into a third module.',
    example: 'import b\n\ndef main() -> int:\n    return 0\n# --- b.bp\nimport main\n\nexport def f() -> int:\n    return 1\n',
  },
  {
    code: 'E0102', name: 'duplicate-import', text: "duplicate import of '{0}'",
    explain: 'A module (or alias) is imported twice in one file. Remove one import, or give one of them another alias with `as`.',
    example: 'import util\nimport util\n\ndef main() -> int:\n    return util.one()\n# --- util.bp\nexport def one() -> int:\n    return 1\n',
  },
  {
    code: 'E0103', name: 'main-with-params', text: "'main' must not take parameters (use argv() for arguments)",
    explain: '`main` is called with no arguments. The command-line arguments are available through `argv()` and `argc()`.',
    example: 'def main(args: [str]) -> int:\n    return 0\n',
  },
  {
    code: 'E0104', name: 'entry-with-params', text: "no 'main' function, and the first function '{0}', which would be the entry point, takes parameters",
    explain: 'A program starts at `main`; without one, at its first function, which therefore cannot take parameters. Add a `def main() -> int:`.',
    example: 'def square(x: int) -> int:\n    return x * x\n',
  },
  {
    code: 'E0105', name: 'duplicate-type', text: "duplicate type name '{0}'",
    explain: 'Structs, classes and enums share one namespace per module; each name can be declared once.',
    example: 'struct Point:\n    x: int\n\nenum Point:\n    A\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0106', name: 'duplicate-enum-member', text: "duplicate enum member '{0}'",
    explain: 'Each member of an enum must have a distinct name.',
    example: 'enum Color:\n    RED\n    RED\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0107', name: 'base-is-struct', text: "'{0}' is a struct; classes can only extend classes",
    explain: 'Inheritance is for classes only. Make the base a class, or hold the struct in a field.',
    example: 'struct Shape:\n    n: int\n\nclass Square(Shape):\n    side: int\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0108', name: 'unknown-base-class', text: "unknown base class '{0}'",
    explain: 'The class named in parentheses after a class name must be a class declared in the same module.',
    example: 'class Square(Shap):\n    side: int\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0109', name: 'inheritance-cycle', text: "class '{0}' inherits from itself",
    explain: 'Following the base classes of this class leads back to it.',
    example: 'class A(B):\n    x: int\n\nclass B(A):\n    y: int\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0110', name: 'duplicate-field', text: "duplicate field '{0}'",
    explain: 'A struct or class declares the same field twice, or a class declares a field its base class already has.',
    example: 'struct Point:\n    x: int\n    x: int\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0111', name: 'fixed-int-outside-extern', text: "type '{0}' is only allowed in extern declarations",
    explain: 'The fixed-width integer types (i8 ... u64) describe C parameters of extern functions. Everywhere else use `int` (64-bit).',
    example: 'def main() -> int:\n    let x: i32 = 5\n    return 0\n',
  },
  {
    code: 'E0112', name: 'unknown-type', text: "unknown type '{0}'",
    explain: 'The type names are int, float, bool, str, void, ptr, and the structs, classes and enums declared in the module.',
    example: 'struct Point:\n    x: int\n\ndef main() -> int:\n    let p: Pointt = Point{x: 1}\n    return 0\n',
  },
  {
    code: 'E0113', name: 'bad-map-key', text: 'map keys must be int, float, bool or str, not {0}',
    explain: 'Map keys are hashed by value, which is defined for int, float, bool and str only.',
    example: 'def main() -> int:\n    let m: {[int]: int} = {}\n    return 0\n',
  },
  {
    code: 'E0114', name: 'void-value-type', text: "'void' is only allowed as a return type",
    explain: '`void` means "no value"; no variable, parameter, element or field can have it.',
    example: 'def main() -> int:\n    let xs: [void] = []\n    return 0\n',
  },
  {
    code: 'E0115', name: 'duplicate-parameter', text: "duplicate parameter '{0}'",
    explain: 'Two parameters of one function have the same name.',
    example: 'def add(a: int, a: int) -> int:\n    return a\n\ndef main() -> int:\n    return add(1, 2)\n',
  },
  {
    code: 'E0116', name: 'parameter-shadows-global', text: "duplicate symbol '{0}': a parameter cannot share a global's name",
    explain: 'A name is visible in one meaning only: a parameter cannot take the name of a global variable of its module.',
    example: 'let limit: int = 10\n\ndef check(limit: int) -> bool:\n    return limit > 0\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0117', name: 'duplicate-global', text: "duplicate symbol '{0}'",
    explain: 'Two global variables of one module have the same name.',
    example: 'let n: int = 1\nlet n: int = 2\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0118', name: 'duplicate-function', text: "duplicate function '{0}'",
    explain: 'Two functions (or externs) of one module have the same name; there is no overloading.',
    example: 'def f() -> int:\n    return 1\n\ndef f() -> int:\n    return 2\n\ndef main() -> int:\n    return f()\n',
  },
  {
    code: 'E0119', name: 'extern-arity', text: 'extern functions take at most 8 parameters',
    explain: 'Calls into C pass every argument in a register, and there are 8 of them for integers (and 8 for floats).',
    example: 'extern fn f(a: int, b: int, c: int, d: int, e: int, g: int, h: int, i: int, j: int) -> int from "libc.so.6"\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0120', name: 'extern-type', text: 'extern functions can only pass int, float, bool, str and ptr values, not {0}',
    explain: 'Only scalars, strings (as C strings) and raw pointers cross into C.',
    example: 'extern fn f(xs: [int]) -> int from "libc.so.6"\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0121', name: 'duplicate-method', text: "duplicate method '{0}'",
    explain: 'A struct or class declares two methods with the same name; there is no overloading.',
    example: 'struct P:\n    x: int\n    def get(self) -> int:\n        return self.x\n    def get(self) -> int:\n        return 0\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0122', name: 'field-and-method', text: "'{0}' is both a field and a method",
    explain: 'Fields and methods of a type share one namespace.',
    example: 'struct P:\n    x: int\n    def x(self) -> int:\n        return 1\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0123', name: 'method-without-self', text: "method '{0}' must take 'self' as its first parameter",
    explain: 'Every method receives the object it is called on as its first parameter, written `self` with no type.',
    example: 'struct P:\n    x: int\n    def get() -> int:\n        return 1\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0124', name: 'init-return-type', text: '__init__ must return void',
    explain: '`__init__` initialises an object created by `new`; `new` itself returns the object.',
    example: 'class C:\n    x: int\n    def __init__(self) -> int:\n        return 1\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0125', name: 'override-signature', text: "'{0}.{1}' overrides '{2}' with a different signature",
    explain: 'A method that overrides a base class method is called through the same virtual slot, so it must take the same parameter types and return the same type.',
    example: 'class A:\n    x: int\n    def f(self) -> int:\n        return 1\n\nclass B(A):\n    def f(self) -> str:\n        return "b"\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0126', name: 'missing-return', text: "function '{0}' can reach its end without returning a value of type {1}",
    explain: 'Some path through the function ends without a `return`. Every path of a function with a return type must return a value (or throw). An `if` without `else`, or a loop, may be skipped.',
    example: 'def sign(x: int) -> int:\n    if x > 0:\n        return 1\n    elif x < 0:\n        return -1\n\ndef main() -> int:\n    return sign(2)\n',
  },
  {
    code: 'E0127', name: 'assign-after-capture', text: "cannot assign to '{0}' after a lambda captured it (captures are by value)",
    explain: 'A lambda copies the variables it uses when it is created. Assigning the variable afterwards would not change the lambda\'s copy, so it is refused to avoid the surprise. Use a new variable, or an array element or object field (which are shared).',
    example: 'def main() -> int:\n    let k: int = 1\n    let f: fn() -> int = fn() -> int: k\n    k = 2\n    return f()\n',
  },
  {
    code: 'E0128', name: 'duplicate-local', text: "duplicate symbol '{0}' (a name cannot be redeclared while it is visible)",
    explain: 'A `let`, loop variable or catch variable takes a name that is already visible: a local of an enclosing block, a parameter, or a global. BetterPython has no shadowing; pick another name or assign the existing variable.',
    example: 'def main() -> int:\n    let x: int = 1\n    let x: int = 2\n    return x\n',
  },
  {
    code: 'E0129', name: 'ambiguous-function', text: "'{0}' is exported by several imported modules ({1}); qualify the call",
    explain: 'A plain function name refers to this module\'s function, else to the one imported module exporting it. When several do, call it as `module.name(...)`.',
    example: 'import a\nimport b\n\ndef main() -> int:\n    return f()\n# --- a.bp\nexport def f() -> int:\n    return 1\n# --- b.bp\nexport def f() -> int:\n    return 2\n',
  },
  {
    code: 'E0130', name: 'range-bound-type', text: 'for range {0} must be int, got {1}',
    explain: 'The start, end and step of `range` are integers.',
    example: 'def main() -> int:\n    for i in range(0, 2.5):\n        print(i)\n    return 0\n',
  },
  {
    code: 'E0131', name: 'for-in-type', text: 'for-in requires an array or a map, got {0}{1}',
    explain: '`for x in a` iterates over the elements of an array or the keys of a map. For the characters of a string, iterate over `str_split(s, "")` or index with `str_char_at`.',
    example: 'def main() -> int:\n    for c in "abc":\n        print(c)\n    return 0\n',
  },
  {
    code: 'E0132', name: 'outside-loop', text: '{0} outside of loop',
    explain: '`break` and `continue` only make sense inside a `while` or `for` loop.',
    example: 'def main() -> int:\n    break\n    return 0\n',
  },
  {
    code: 'E0133', name: 'return-value-in-void', text: 'return value in void function',
    explain: 'A function declared `-> void` returns no value: write `return` alone, or declare the return type.',
    example: 'def log(s: str) -> void:\n    print(s)\n    return 1\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0134', name: 'return-type-mismatch', text: 'return type mismatch: expected {0}, got {1}',
    explain: 'The returned value has another type than the function declares. There are no implicit conversions: use `int_to_float`, `to_str` and the like.',
    example: 'def half(x: int) -> float:\n    return x / 2\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0135', name: 'missing-return-value', text: 'missing return value (the function returns {0})',
    explain: 'A bare `return` in a function that declares a return type.',
    example: 'def f() -> int:\n    return\n\ndef main() -> int:\n    return f()\n',
  },
  {
    code: 'E0136', name: 'throw-type', text: 'throw value must be string, got {0}',
    explain: 'Exceptions are strings: `throw "message"`; the catch variable is a `str`.',
    example: 'def main() -> int:\n    throw 5\n',
  },
  {
    code: 'E0137', name: 'case-never-matches', text: 'case value of type {0} can never match a subject of type {1}',
    explain: 'A `case` value is compared with the `match` subject by `==`, so it must have the subject\'s type.',
    example: 'def main() -> int:\n    match 1:\n        case "one":\n            print(1)\n    return 0\n',
  },
  {
    code: 'E0138', name: 'condition-type', text: '{0} condition must be bool, got {1}',
    explain: 'Conditions are `bool`; there is no truthiness. Compare explicitly: `if n != 0`, `if len(s) > 0`.',
    example: 'def main() -> int:\n    let n: int = 3\n    if n:\n        print(n)\n    return 0\n',
  },
  {
    code: 'E0139', name: 'undefined-variable', text: "undefined variable '{0}'",
    explain: 'No local variable, parameter, global or function of this name is visible here. Variables are declared with `let NAME: TYPE = VALUE` before use, and a variable declared in a block is visible only inside it.',
    example: 'def main() -> int:\n    let count: int = 1\n    print(cuont)\n    return 0\n',
  },
  {
    code: 'E0140', name: 'self-outside-method', text: "'self' is only available inside methods",
    explain: '`self` is the first parameter of a method; a plain function has no object to refer to.',
    example: 'def main() -> int:\n    print(self)\n    return 0\n',
  },
  {
    code: 'E0141', name: 'global-before-init', text: "global '{0}' is used before its initialisation",
    explain: 'Globals are initialised in declaration order, so a global\'s initial value can use only the globals declared above it.',
    example: 'let a: int = b + 1\nlet b: int = 1\n\ndef main() -> int:\n    return a\n',
  },
  {
    code: 'E0142', name: 'enum-not-value', text: "enum '{0}' is not a value; use a member such as {0}.{1}",
    explain: 'An enum name is used as a type or to name a member (`Color.RED`); it is not a value itself.',
    example: 'enum Color:\n    RED\n\ndef main() -> int:\n    print(Color)\n    return 0\n',
  },
  {
    code: 'E0143', name: 'no-entry-function', text: "the program has no function to start at (define 'def main() -> int:')",
    explain: 'A program starts at `main`, or without one at its first function; a file with no function at all (only globals, types or imports) has nothing to run. The C reference compiles it and then fails at run time; bpjit reports it here, for check, run and build alike.',
    example: 'let greeting: str = "hello"\n',
  },
] as const satisfies readonly MessageRow[];
