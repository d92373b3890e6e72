// The syntax tree. Every node carries its exact source span. The checker fills in the `ty`
// (type) of every expression and the `sym` of every name in place, turning the tree into the
// typed AST the bytecode compiler reads; nothing else mutates it.
import type { Span, SourceFile } from './source.js';
import type { Type } from './types.js';
import type { Sym, FuncInfo, ClassInfo, StructInfo } from './symbols.js';

// --- Types as written ------------------------------------------------------------------------

export type TypeExpr =
  | { kind: 'named'; name: string; span: Span }
  | { kind: 'array'; elem: TypeExpr; span: Span }
  | { kind: 'map'; key: TypeExpr; value: TypeExpr; span: Span }
  | { kind: 'tuple'; elems: TypeExpr[]; span: Span }
  | { kind: 'fn'; params: TypeExpr[]; ret: TypeExpr; span: Span };

// --- Expressions ----------------------------------------------------------------------------

export type BinOp =
  | 'or' | 'and' | '|' | '^' | '&' | '==' | '!=' | '<' | '<=' | '>' | '>='
  | '<<' | '>>' | '+' | '-' | '*' | '/' | '%';
export type UnOp = '-' | 'not' | '~';

interface ExprBase {
  span: Span;
  /** Filled in by the checker. */
  ty?: Type;
}

/** One interpolation of an f-string: the expression and its Python-style format spec, if any. */
export interface FStrPart {
  expr: Expr;
  spec: string | null;
  specSpan: Span | null;
}

/** How the checker resolved a call. */
export type CallTarget =
  | { kind: 'builtin'; name: string }
  | { kind: 'func'; fn: FuncInfo }
  | { kind: 'value' } // callee is an expression of fn type (closure call)
  | { kind: 'extern'; fn: FuncInfo };

export type Expr =
  | (ExprBase & { kind: 'int'; value: bigint })
  | (ExprBase & { kind: 'float'; value: number })
  | (ExprBase & { kind: 'str'; value: string })
  | (ExprBase & { kind: 'bool'; value: boolean })
  | (ExprBase & { kind: 'fstr'; parts: (string | FStrPart)[] })
  | (ExprBase & { kind: 'name'; name: string; sym?: Sym })
  | (ExprBase & { kind: 'self'; sym?: Sym })
  | (ExprBase & { kind: 'unary'; op: UnOp; operand: Expr })
  | (ExprBase & { kind: 'binary'; op: BinOp; left: Expr; right: Expr })
  | (ExprBase & { kind: 'call'; callee: Expr; args: Expr[]; target?: CallTarget })
  | (ExprBase & { kind: 'index'; target: Expr; index: Expr })
  | (ExprBase & { kind: 'field'; target: Expr; name: string; nameSpan: Span; enumValue?: bigint; module?: string })
  | (ExprBase & { kind: 'method'; target: Expr; name: string; nameSpan: Span; args: Expr[]; resolved?: MethodTarget })
  | (ExprBase & { kind: 'array'; elems: Expr[] })
  | (ExprBase & { kind: 'map'; entries: { key: Expr; value: Expr }[] })
  | (ExprBase & { kind: 'tuple'; elems: Expr[] })
  | (ExprBase & { kind: 'structlit'; name: string; nameSpan: Span; fields: { name: string; nameSpan: Span; value: Expr }[]; info?: StructInfo })
  | (ExprBase & { kind: 'lambda'; params: Param[]; ret: TypeExpr; body: Expr; fn?: FuncInfo })
  | (ExprBase & { kind: 'new'; cls: string; clsSpan: Span; args: Expr[]; info?: ClassInfo })
  | (ExprBase & { kind: 'super'; method: string; nameSpan: Span; args: Expr[]; fn?: FuncInfo; selfSym?: Sym });

/** A resolved `a.m(args)`: a struct/class method, a module function, or a closure stored in a field. */
export type MethodTarget =
  | { kind: 'method'; fn: FuncInfo; virtual: boolean }
  | { kind: 'module'; fn: FuncInfo }
  | { kind: 'fieldcall' };

export type ExprKind = Expr['kind'];
export type ExprOf<K extends ExprKind> = Extract<Expr, { kind: K }>;

// --- Statements -----------------------------------------------------------------------------

export interface Param {
  name: string;
  span: Span;
  /** null only for `self`. */
  type: TypeExpr | null;
  sym?: Sym;
}

export type Block = Stmt[];

export type Stmt =
  | { kind: 'let'; span: Span; name: string; nameSpan: Span; type: TypeExpr; init: Expr; sym?: Sym }
  | { kind: 'assign'; span: Span; target: Expr; value: Expr }
  | { kind: 'expr'; span: Span; expr: Expr }
  | { kind: 'if'; span: Span; branches: { cond: Expr; body: Block }[]; elseBody: Block | null }
  | { kind: 'while'; span: Span; cond: Expr; body: Block }
  | { kind: 'for_range'; span: Span; name: string; nameSpan: Span; start: Expr; end: Expr; step: Expr | null; body: Block; sym?: Sym }
  | { kind: 'for_in'; span: Span; name: string; nameSpan: Span; iter: Expr; body: Block; sym?: Sym }
  | { kind: 'break'; span: Span }
  | { kind: 'continue'; span: Span }
  | { kind: 'return'; span: Span; value: Expr | null }
  | { kind: 'throw'; span: Span; value: Expr }
  | { kind: 'try'; span: Span; body: Block; catchName: string | null; catchSpan: Span | null; catchBody: Block | null; finallyBody: Block | null; catchSym?: Sym }
  | { kind: 'match'; span: Span; subject: Expr; cases: { pattern: Expr | null; span: Span; body: Block }[] };

// --- Declarations ---------------------------------------------------------------------------

export interface FuncDecl {
  kind: 'func';
  span: Span;
  name: string;
  nameSpan: Span;
  params: Param[];
  ret: TypeExpr;
  body: Block;
  exported: boolean;
  info?: FuncInfo;
}

export interface FieldDecl {
  name: string;
  span: Span;
  type: TypeExpr;
}

export type Decl =
  | FuncDecl
  | { kind: 'struct'; span: Span; name: string; nameSpan: Span; fields: FieldDecl[]; methods: FuncDecl[]; exported: boolean }
  | { kind: 'class'; span: Span; name: string; nameSpan: Span; base: string | null; baseSpan: Span | null; fields: FieldDecl[]; methods: FuncDecl[]; exported: boolean }
  | { kind: 'enum'; span: Span; name: string; nameSpan: Span; members: { name: string; span: Span; value: bigint | null }[]; exported: boolean }
  | { kind: 'import'; span: Span; module: string; moduleSpan: Span; alias: string | null; names: string[] }
  | { kind: 'extern'; span: Span; name: string; nameSpan: Span; params: Param[]; ret: TypeExpr; lib: string; symbol: string | null; exported: boolean; info?: FuncInfo }
  | { kind: 'global'; span: Span; stmt: Extract<Stmt, { kind: 'let' }>; exported: boolean };

export interface Module {
  file: SourceFile;
  /** Module name: the file's base name without `.bp`. */
  name: string;
  decls: Decl[];
}
