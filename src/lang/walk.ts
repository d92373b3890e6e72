// A walk over the syntax tree of a module: every function body, method, global initialiser and
// lambda, calling the visitor for each block, statement and expression (pre-order). The lints
// and the language server's index are built on it.
import type { Block, Decl, Expr, FuncDecl, Stmt } from './ast.js';

export interface Visitor {
  /** A function or method declaration, before its body. */
  func?(d: FuncDecl): void;
  block?(b: Block): void;
  stmt?(s: Stmt): void;
  /** `write`: the expression is the target of an assignment (its children are still reads). */
  expr?(e: Expr, write: boolean): void;
}

export function walkDecls(decls: readonly Decl[], v: Visitor): void {
  for (const d of decls) {
    if (d.kind === 'func') walkFunc(d, v);
    else if (d.kind === 'struct' || d.kind === 'class') for (const m of d.methods) walkFunc(m, v);
    else if (d.kind === 'global') walkStmt(d.stmt, v);
  }
}

function walkFunc(d: FuncDecl, v: Visitor): void {
  v.func?.(d);
  walkBlock(d.body, v);
}

function walkBlock(b: Block, v: Visitor): void {
  v.block?.(b);
  for (const s of b) walkStmt(s, v);
}

function walkStmt(s: Stmt, v: Visitor): void {
  v.stmt?.(s);
  const e = (x: Expr | null | undefined) => { if (x) walkExpr(x, v); };
  const b = (x: Block | null) => { if (x) walkBlock(x, v); };
  switch (s.kind) {
    case 'let': e(s.init); break;
    case 'assign': walkExpr(s.target, v, true); e(s.value); break;
    case 'expr': e(s.expr); break;
    case 'if': for (const br of s.branches) { e(br.cond); b(br.body); } b(s.elseBody); break;
    case 'while': e(s.cond); b(s.body); break;
    case 'for_range': e(s.start); e(s.end); e(s.step); b(s.body); break;
    case 'for_in': e(s.iter); b(s.body); break;
    case 'return': e(s.value); break;
    case 'throw': e(s.value); break;
    case 'try': b(s.body); b(s.catchBody); b(s.finallyBody); break;
    case 'match': e(s.subject); for (const c of s.cases) { e(c.pattern); b(c.body); } break;
  }
}

export function walkExpr(x: Expr, v: Visitor, write = false): void {
  v.expr?.(x, write);
  const e = (y: Expr) => walkExpr(y, v);
  switch (x.kind) {
    case 'fstr': for (const p of x.parts) if (typeof p !== 'string') e(p.expr); break;
    case 'unary': e(x.operand); break;
    case 'binary': {
      // A chain `a + b + …` is a left-deep tree: down its spine with a loop, not recursion.
      const spine = [x];
      let y = x.left;
      for (; y.kind === 'binary'; y = y.left) { v.expr?.(y, false); spine.push(y); }
      e(y);
      for (let i = spine.length - 1; i >= 0; i--) e(spine[i].right);
      break;
    }
    case 'call': e(x.callee); x.args.forEach(e); break;
    case 'index': e(x.target); e(x.index); break;
    case 'field': e(x.target); break;
    case 'method': e(x.target); x.args.forEach(e); break;
    case 'array': case 'tuple': x.elems.forEach(e); break;
    case 'map': for (const en of x.entries) { e(en.key); e(en.value); } break;
    case 'structlit': for (const f of x.fields) e(f.value); break;
    case 'lambda': e(x.body); break;
    case 'new': case 'super': x.args.forEach(e); break;
  }
}
