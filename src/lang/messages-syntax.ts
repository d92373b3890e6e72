// Rows of the diagnostics table (messages.ts) for reading a file: its encoding, the lexer and the
// parser. Each row is one message: its stable code, a kebab-case name, the text with {0}, {1}…
// for its arguments, and what `bpjit explain CODE` prints (an explanation and a program that
// triggers it; the tests check that every example does).
import type { MessageRow } from './messages.js';

export const SYNTAX_MESSAGES = [
  {
    code: 'E0001', name: 'not-text', text: 'not a BetterPython source file: {0}',
    explain: 'Source files are UTF-8 text. A file with a NUL byte, or with bytes that are not valid UTF-8 (an image, an executable, a file saved as Latin-1), is rejected with this one error instead of a flood of lexer errors. Re-save the file as UTF-8, or check that the right file was named.',
    example: '# a file holding the bytes of a PNG image, saved as picture.bp',
  },
  {
    code: 'E0002', name: 'tab-indent', text: 'tab character in indentation (indent with spaces)',
    explain: 'Indentation is measured in spaces; a tab in the leading whitespace of a line could mean 1, 4 or 8 columns, so it is refused. Configure the editor to insert spaces (bpjit fmt indents with 4).',
    example: 'def main() -> int:\n\treturn 0\n',
  },
  {
    code: 'E0003', name: 'bad-dedent', text: 'unindent does not match any outer indentation level',
    explain: 'A line was indented less than the line before it, but not back to the level of any enclosing block. Every dedent must return to a column where an outer block started.',
    example: 'def main() -> int:\n    if true:\n        print(1)\n      print(2)\n    return 0\n',
  },
  {
    code: 'E0004', name: 'stray-backslash', text: "unexpected character '\\' (a backslash continues a line only at its end)",
    explain: 'A backslash outside a string joins a line to the next one, so it must be the last character on its line. Inside brackets no backslash is needed at all: newlines in (), [] and {} are ignored.',
    example: 'def main() -> int:\n    let x: int = 1 \\ 2\n    return x\n',
  },
  {
    code: 'E0005', name: 'mismatched-bracket', text: "'{0}' does not match '{1}'",
    explain: 'A closing bracket does not match the innermost bracket still open: a `)` closing a `[`, for example.',
    example: 'def main() -> int:\n    print((1 + 2])\n    return 0\n',
  },
  {
    code: 'E0006', name: 'unmatched-bracket', text: "unmatched '{0}'",
    explain: 'A closing bracket appears with no bracket open before it.',
    example: 'def main() -> int:\n    print(1))\n    return 0\n',
  },
  {
    code: 'E0007', name: 'unexpected-character', text: "unexpected character '{0}'{1}",
    explain: "The character cannot start any token. Common cases: single quotes (strings use double quotes), `!` (write `not x` or `a != b`), and `;` (a statement ends at the end of its line).",
    example: "def main() -> int:\n    print('hello')\n    return 0\n",
  },
  {
    code: 'E0008', name: 'unclosed-bracket', text: "'{0}' was never closed",
    explain: 'A bracket opened here is still open at the end of the file. Brackets may span lines, so the missing closing bracket can be far from where the error is reported: look for the last expression that should have ended.',
    example: 'def main() -> int:\n    print((1 + 2)\n    return 0\n',
  },
  {
    code: 'E0009', name: 'bad-radix-literal', text: 'invalid {0} literal',
    explain: '`0x` must be followed by hexadecimal digits and `0b` by binary digits.',
    example: 'def main() -> int:\n    print(0xZZ)\n    return 0\n',
  },
  {
    code: 'E0010', name: 'bad-exponent', text: 'invalid number: expected digit after exponent',
    explain: 'In a float literal, `e` or `E` starts an exponent, which needs at least one digit (after an optional sign): `1e9`, `2.5e-3`.',
    example: 'def main() -> int:\n    print(1e)\n    return 0\n',
  },
  {
    code: 'E0011', name: 'unterminated-string', text: 'unterminated string{0}',
    explain: 'A string literal has no closing double quote on its line. A string cannot span lines; write `\\n` for a newline inside it.',
    example: 'def main() -> int:\n    print("hello)\n    return 0\n',
  },
  {
    code: 'E0012', name: 'unexpected-token', text: 'expected {0}, found {1}',
    explain: 'The parser needed a particular token here (named in the message) and found another. The fix is usually right at the caret: a missing colon, bracket, arrow or name.',
    example: 'def main() -> int\n    return 0\n',
  },
  {
    code: 'E0013', name: 'expected-declaration', text: "expected 'def', 'struct', 'enum', 'class', 'import', 'extern', 'let', or 'export' at top level, found {0}",
    explain: 'At the top level of a file only declarations may appear: functions, structs, enums, classes, imports, externs and global `let`s. Statements belong inside a function (usually `main`).',
    example: 'print("hello")\n',
  },
  {
    code: 'E0014', name: 'expected-type', text: 'expected a type, found {0}',
    explain: 'A type was expected: a name (`int`, `str`, a struct), `[T]` for arrays, `{K: V}` for maps, `(A, B)` for tuples or `fn(A) -> R` for functions.',
    example: 'def main() -> int:\n    let x: = 1\n    return 0\n',
  },
  {
    code: 'E0015', name: 'expected-expression', text: 'expected an expression, found {0}',
    explain: 'An expression (a value) was expected, for example after an operator, an `=` or an opening bracket.',
    example: 'def main() -> int:\n    let x: int = 1 +\n    return 0\n',
  },
  {
    code: 'E0016', name: 'expected-block', text: 'expected an indented block, found {0}',
    explain: 'A line ending with `:` (a function, `if`, `while`, `for`, ...) must be followed by a block indented deeper than it. A block with nothing in it yet can hold just a comment.',
    example: 'def main() -> int:\nreturn 0\n',
  },
  {
    code: 'E0017', name: 'fstring-trailing-text', text: 'unexpected text after the expression in an f-string interpolation',
    explain: 'Each `{...}` of an f-string holds one expression, optionally followed by `:` and a format specification.',
    example: 'def main() -> int:\n    let x: int = 1\n    print(f"{x x}")\n    return 0\n',
  },
  {
    code: 'E0018', name: 'unknown-decorator', text: "unknown decorator '{0}'",
    explain: 'The only decorator is `@packed` (accepted for compatibility with the reference; it changes nothing in bpjit).',
    example: '@inline\ndef f() -> int:\n    return 1\n\ndef main() -> int:\n    return f()\n',
  },
  {
    code: 'E0019', name: 'misplaced-self', text: "'self' is only allowed as the first parameter of a method",
    explain: '`self` names the object a method is called on; it is written (without a type) as the first parameter of a method declared inside a struct or class, and nowhere else.',
    example: 'def area(self) -> int:\n    return 0\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0020', name: 'negative-enum-value', text: 'enum values must be non-negative integer literals',
    explain: 'An enum member may be given an explicit value, which must be a non-negative integer literal.',
    example: 'enum Level:\n    LOW = -1\n\ndef main() -> int:\n    return 0\n',
  },
  {
    code: 'E0021', name: 'duplicate-default', text: 'duplicate default case in match',
    explain: 'A `match` has at most one `default` case.',
    example: 'def main() -> int:\n    match 1:\n        default:\n            print(1)\n        default:\n            print(2)\n    return 0\n',
  },
  {
    code: 'E0022', name: 'misplaced-statement', text: "'{0}' cannot appear here",
    explain: 'A compound statement (`if`, `while`, `for`, ...) or a declaration appeared where only a simple statement can: after the colon of a one-line block, for example. Put it on its own line in an indented block.',
    example: 'def main() -> int:\n    if true: while true: print(1)\n    return 0\n',
  },
  {
    code: 'E0023', name: 'bad-assign-target', text: 'the left side of an assignment must be a variable, an element or a field',
    explain: 'Only a variable (`x = ...`), an array or map element (`a[i] = ...`) or a field (`p.x = ...`) can be assigned. To compare, use `==`.',
    example: 'def main() -> int:\n    let x: int = 1\n    x + 1 = 2\n    return 0\n',
  },
  {
    code: 'E0024', name: 'compound-assignment', text: "compound assignment '{0}=' does not exist; write 'x = x {0} ...'",
    explain: 'BetterPython has no `+=`, `-=` and the like: write the operation out.',
    example: 'def main() -> int:\n    let x: int = 1\n    x += 1\n    return x\n',
  },
  {
    code: 'E0025', name: 'range-arity', text: 'range expects 1 to 3 arguments, got {0}',
    explain: '`for i in range(end)`, `range(start, end)` or `range(start, end, step)`.',
    example: 'def main() -> int:\n    for i in range(1, 2, 3, 4):\n        print(i)\n    return 0\n',
  },
  {
    code: 'E0026', name: 'unary-plus', text: "unary '+' does not exist",
    explain: 'There is no unary plus; write the value alone.',
    example: 'def main() -> int:\n    print(+1)\n    return 0\n',
  },
  {
    code: 'E0027', name: 'trailing-comma', text: 'trailing comma in {0}',
    explain: 'Argument lists, array literals and map literals do not allow a comma after their last element.',
    example: 'def main() -> int:\n    print(1, 2,)\n    return 0\n',
  },
  {
    code: 'E0028', name: 'fstring-unclosed-brace', text: "unterminated '{' in f-string (write '{{' for a literal brace)",
    explain: 'In an f-string, `{` starts an interpolation that must end with `}`. For a literal brace write it twice: `{{` and `}}`.',
    example: 'def main() -> int:\n    print(f"set {1, 2")\n    return 0\n',
  },
  {
    code: 'E0029', name: 'fstring-empty', text: 'empty expression in f-string',
    explain: 'An interpolation `{}` must contain an expression. For literal braces write `{{}}`.',
    example: 'def main() -> int:\n    print(f"value: {}")\n    return 0\n',
  },
  {
    code: 'E0030', name: 'nesting-too-deep', text: 'nesting too deep (more than {0} levels of nested expressions, blocks or types)',
    explain: 'Expressions, blocks and types may nest up to 500 levels deep (parentheses, operands of `-` and `not`, arguments, literals inside literals, indented blocks, array types of array types). The compiler handles each level with a few frames of its own stack, and the limit keeps every pass well within it. Long chains are not nesting: `a + b + c + …` with any number of terms, any number of `elif` branches or statements in a block are fine. Split a deeply nested expression with local variables.',
    example: `def main() -> int:\n    return ${'('.repeat(501)}0${')'.repeat(501)}\n`,
  },
] as const satisfies readonly MessageRow[];
