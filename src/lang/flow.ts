// Control flow facts the checker and the lints share: whether a block always ends in a return
// or throw (or, with `jumps`, also a break or continue), and whether a loop body can break out.
import type { Block, Stmt } from './ast.js';

/** Whether control can never fall off the end of `b` (returns or throws on every path). */
export function terminates(b: Block, jumps = false): boolean {
  return b.some((s) => stmtTerminates(s, jumps));
}

export function stmtTerminates(s: Stmt, jumps = false): boolean {
  const t = (b: Block) => terminates(b, jumps);
  switch (s.kind) {
    case 'return': case 'throw': return true;
    case 'break': case 'continue': return jumps;
    case 'if': return !!s.elseBody && s.branches.every((br) => t(br.body)) && t(s.elseBody);
    case 'while': return s.cond.kind === 'bool' && s.cond.value && !hasBreak(s.body);
    case 'match': return s.cases.some((c) => c.pattern === null) && s.cases.every((c) => t(c.body));
    case 'try':
      if (s.finallyBody && t(s.finallyBody)) return true;
      return t(s.body) && (!s.catchBody || t(s.catchBody));
    default: return false;
  }
}

/** Whether a `break` in `b` leaves the loop whose body `b` is (nested loops excluded). */
function hasBreak(b: Block): boolean {
  return b.some((s) => {
    switch (s.kind) {
      case 'break': return true;
      case 'if': return s.branches.some((br) => hasBreak(br.body)) || (!!s.elseBody && hasBreak(s.elseBody));
      case 'match': return s.cases.some((c) => hasBreak(c.body));
      case 'try': return hasBreak(s.body) || (!!s.catchBody && hasBreak(s.catchBody)) || (!!s.finallyBody && hasBreak(s.finallyBody));
      default: return false;
    }
  });
}
