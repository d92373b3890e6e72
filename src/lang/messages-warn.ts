// Rows of the diagnostics table (messages.ts) for warnings. A warning never stops a program; it
// can be silenced by code or name (`-A W0001`, `--allow unused-variable`, or a
// `# bpjit: allow(...)` comment) and turned into an error with `-W error`.
import type { MessageRow } from './messages.js';

export const WARNING_MESSAGES = [
  {
    code: 'W0001', name: 'unused-variable', text: "unused variable '{0}'",
    explain: 'A variable (a `let`, a loop variable or a catch variable) is declared but its value is never read. Remove it, or, if it is there on purpose, start its name with an underscore (`_count`), which marks it as intentionally unused.',
    example: 'def main() -> int:\n    let total: int = 0\n    return 0\n',
  },
  {
    code: 'W0002', name: 'unused-parameter', text: "unused parameter '{0}'",
    explain: 'A parameter of a function or method is never read. Remove it, or start its name with an underscore (`_event`) when the signature is fixed (a callback, an override).',
    example: 'def greet(name: str, times: int) -> void:\n    print("hello", name)\n\ndef main() -> int:\n    greet("bob", 2)\n    return 0\n',
  },
  {
    code: 'W0003', name: 'unused-import', text: "unused import '{0}'",
    explain: 'No function of the imported module is called in this file. Remove the import.',
    example: 'import util\n\ndef main() -> int:\n    return 0\n# --- util.bp\nexport def one() -> int:\n    return 1\n',
  },
  {
    code: 'W0004', name: 'unreachable-code', text: 'unreachable code',
    explain: 'A statement follows a `return`, `throw`, `break` or `continue` (or an `if` whose every branch ends in one, or a `while true` loop with no `break`), so it can never run.',
    example: 'def main() -> int:\n    return 0\n    print("done")\n',
  },
  {
    code: 'W0005', name: 'shadowing', text: "{0} '{1}' hides the {2} of the same name",
    explain: 'A variable has the name of a function, an enum or an imported module of its file, which it hides where it is visible: `f(...)`, `Color.RED` or `util.f()` then refer to the variable. Likewise a function named like a builtin can never be called: calls go to the builtin. Rename the variable or the function.',
    example: 'def total(xs: [int]) -> int:\n    let s: int = 0\n    for x in xs:\n        s = s + x\n    return s\n\ndef main() -> int:\n    let total: int = 3\n    print(total)\n    return 0\n',
  },
  {
    code: 'W0006', name: 'constant-comparison', text: 'comparison is always {0}',
    explain: 'The comparison does not depend on any value that can change: both sides are constants, or both are the same variable (`x == x` of an int, bool or string). It is usually a typo for another variable.',
    example: 'def main() -> int:\n    let a: int = 1\n    let b: int = 2\n    if a == a:\n        print(b)\n    return 0\n',
  },
] as const satisfies readonly MessageRow[];
