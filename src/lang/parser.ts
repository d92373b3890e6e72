// Parser: Token[] → ast.Module, by recursive descent with one function per grammar rule of
// LANGUAGE.md §2 (the rule is the comment above each function). Errors do not stop the parse:
// a failed statement is skipped to the end of its line (nested blocks included) and parsing goes
// on, so one run reports several errors. bpjit extensions over the reference grammar are marked
// "bpjit:" where they are parsed.
import { DiagBag } from './diag.js';
import type { MessageArg, MessageName } from './messages.js';
import { lex, unescape } from './lexer.js';
import { SourceFile, Span, span as mkSpan } from './source.js';
import { Token, TokenKind, describeToken } from './token.js';
import type { BinOp, Block, Decl, Expr, FStrPart, FieldDecl, FuncDecl, Module, Param, Stmt, TypeExpr } from './ast.js';

class ParseError extends Error {}

/** Binary operator precedence (§1.11): higher binds tighter. */
const PREC: Partial<Record<TokenKind, number>> = {
  or: 1, and: 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

const STMT_END: ReadonlySet<TokenKind> = new Set<TokenKind>(['newline', 'dedent', 'eof']);

/**
 * How deeply expressions, blocks and types may nest (parentheses, operands of unary operators,
 * arguments, literals, f-strings, indented blocks). Every pass after the parser recurses once per
 * level, so the limit keeps them all within the JavaScript stack; long chains (`a + b + …`,
 * elif, statement lists) are not nesting and have no limit.
 */
export const MAX_NESTING = 500;

export function parseModule(file: SourceFile, name: string, diags: DiagBag): Module {
  const p = new Parser(file, lex(file, diags), diags);
  return { file, name, decls: p.module() };
}

/** Parses the text file.text[start, end) as one expression (f-string interpolations). */
function parseSubExpr(file: SourceFile, start: number, end: number, diags: DiagBag, depth: number): Expr | null {
  const toks = lex(file, diags, start, end, true);
  const p = new Parser(file, toks, diags, depth);
  try {
    const e = p.expression();
    if (p.peek().kind !== 'eof') p.fail(p.peek(), 'fstring-trailing-text');
    return e;
  } catch (e) {
    if (e instanceof ParseError) return null;
    throw e;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly file: SourceFile, private readonly toks: Token[], private readonly diags: DiagBag, private depth = 0) {}

  /** Parses one level of nesting (see MAX_NESTING). */
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) this.fail(this.peek(), 'nesting-too-deep', MAX_NESTING);
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  // --- token helpers ----------------------------------------------------------------------

  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  private at(kind: TokenKind): boolean {
    return this.peek().kind === kind;
  }
  private next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  private accept(kind: TokenKind): Token | null {
    return this.at(kind) ? this.next() : null;
  }
  private expect(kind: TokenKind, what: string): Token {
    if (this.at(kind)) return this.next();
    this.fail(this.peek(), 'unexpected-token', what, describeToken(this.peek()));
  }
  fail(t: Token, name: MessageName, ...args: MessageArg[]): never {
    this.diags.report(name, this.spanOf(t), args);
    throw new ParseError(name);
  }
  private spanOf(t: Token): Span {
    return mkSpan(this.file, t.start, Math.max(t.end, t.start));
  }
  private from(start: Token | Span): Span {
    const s = 'file' in start ? start.start : start.start;
    const prev = this.toks[Math.max(0, this.i - 1)];
    return mkSpan(this.file, s, Math.max(prev.end, s));
  }
  private ident(what: string): Token {
    return this.expect('ident', what);
  }
  private skipNewlines(): void {
    while (this.accept('newline'));
  }

  /** Skips the rest of a broken statement: to the end of its line, whole nested blocks included. */
  private syncStatement(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'indent') depth++;
      else if (t.kind === 'dedent') {
        if (depth === 0) return;
        depth--;
        if (depth === 0) { this.next(); if (!this.at('indent')) return; continue; }
      } else if (t.kind === 'newline' && depth === 0) {
        this.next();
        if (!this.at('indent')) return;
        continue;
      }
      this.next();
    }
  }

  // --- declarations -----------------------------------------------------------------------

  // module = { top_decl } EOF
  module(): Decl[] {
    const decls: Decl[] = [];
    this.skipNewlines();
    while (!this.at('eof')) {
      try {
        const d = this.topDecl();
        if (d) decls.push(d);
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.syncTop();
      }
      this.skipNewlines();
    }
    return decls;
  }

  /** After an error at top level: skip to the next line that starts at column 1. */
  private syncTop(): void {
    let depth = 0;
    while (!this.at('eof')) {
      const t = this.next();
      if (t.kind === 'indent') depth++;
      else if (t.kind === 'dedent') depth = Math.max(0, depth - 1);
      if ((t.kind === 'newline' || t.kind === 'dedent') && depth === 0 && !this.at('indent') && !this.at('dedent')) return;
    }
  }

  // top_decl = { decorator } [ "export" ] ( function | struct | enum | class | import | extern | global_let )
  private topDecl(): Decl | null {
    while (this.at('@')) {
      this.next();
      const name = this.ident('a decorator name after @');
      if (name.value !== 'packed') this.fail(name, 'unknown-decorator', String(name.value));
      this.skipNewlines();
    }
    const exported = !!this.accept('export');
    const t = this.peek();
    switch (t.kind) {
      case 'def': return this.funcDecl(exported);
      case 'struct': return this.structDecl(exported);
      case 'class': return this.classDecl(exported);
      case 'enum': return this.enumDecl(exported);
      case 'import': return this.importDecl();
      case 'extern': return this.externDecl(exported);
      case 'let': {
        const stmt = this.letStmt();
        this.endOfLine();
        return { kind: 'global', span: stmt.span, stmt, exported };
      }
      default:
        this.fail(t, 'expected-declaration', describeToken(t));
    }
  }

  // function = "def" NAME "(" [ param { "," param } ] ")" "->" type ":" block
  private funcDecl(exported: boolean, inType = false): FuncDecl {
    const start = this.expect('def', "'def'");
    const name = this.ident('a function name');
    this.expect('(', "'(' after the function name");
    const params: Param[] = [];
    if (!this.at(')')) {
      do params.push(this.param(inType && params.length === 0)); while (this.accept(','));
    }
    this.expect(')', "')' after the parameters");
    this.expect('->', "'->' and a return type (every function declares one, e.g. '-> void')");
    const ret = this.type();
    const header = this.from(start);
    const body = this.block();
    return { kind: 'func', span: header, name: String(name.value), nameSpan: this.spanOf(name), params, ret, body, exported };
  }

  // param = NAME ":" type | "self" (first parameter of a method)
  private param(allowSelf: boolean): Param {
    if (this.at('self')) {
      const t = this.next();
      if (!allowSelf) this.fail(t, 'misplaced-self');
      return { name: 'self', span: this.spanOf(t), type: null };
    }
    const name = this.ident('a parameter name');
    this.expect(':', `':' and a type after parameter '${String(name.value)}'`);
    return { name: String(name.value), span: this.spanOf(name), type: this.type() };
  }

  // struct_decl = "struct" NAME ":" NEWLINE INDENT { field_decl | method_decl } DEDENT
  private structDecl(exported: boolean): Decl {
    const start = this.next();
    const name = this.ident('a struct name');
    const { fields, methods } = this.typeBody(String(name.value));
    return { kind: 'struct', span: this.from(start), name: String(name.value), nameSpan: this.spanOf(name), fields, methods, exported };
  }

  // class_decl = "class" NAME [ "(" NAME ")" ] ":" NEWLINE INDENT { field_decl | method_decl } DEDENT
  private classDecl(exported: boolean): Decl {
    const start = this.next();
    const name = this.ident('a class name');
    let base: Token | null = null;
    if (this.accept('(')) {
      base = this.ident('a base class name');
      this.expect(')', "')' after the base class");
    }
    const { fields, methods } = this.typeBody(String(name.value));
    return {
      kind: 'class', span: this.from(start), name: String(name.value), nameSpan: this.spanOf(name),
      base: base ? String(base.value) : null, baseSpan: base ? this.spanOf(base) : null, fields, methods, exported,
    };
  }

  private typeBody(owner: string): { fields: FieldDecl[]; methods: FuncDecl[] } {
    this.expect(':', `':' after '${owner}'`);
    const fields: FieldDecl[] = [];
    const methods: FuncDecl[] = [];
    if (!this.blockStart()) return { fields, methods };
    this.blockLines(() => {
      if (this.at('def')) methods.push(this.funcDecl(false, true));
      else {
        const n = this.ident('a field name or a method');
        this.expect(':', `':' and a type after field '${String(n.value)}'`);
        fields.push({ name: String(n.value), span: this.spanOf(n), type: this.type() });
        this.endOfLine();
      }
    });
    return { fields, methods };
  }

  // enum_decl = "enum" NAME ":" NEWLINE INDENT { NAME [ "=" INT ] } DEDENT
  private enumDecl(exported: boolean): Decl {
    const start = this.next();
    const name = this.ident('an enum name');
    this.expect(':', `':' after the enum name`);
    const members: { name: string; span: Span; value: bigint | null }[] = [];
    if (this.blockStart()) {
      this.blockLines(() => {
        const m = this.ident('an enum member name');
        let value: bigint | null = null;
        if (this.accept('=')) {
          if (this.at('-')) this.fail(this.peek(), 'negative-enum-value');
          value = this.expect('int', 'an integer value for the enum member').value as bigint;
        }
        members.push({ name: String(m.value), span: this.spanOf(m), value });
        this.endOfLine();
      });
    }
    return { kind: 'enum', span: this.from(start), name: String(name.value), nameSpan: this.spanOf(name), members, exported };
  }

  // import_decl = "import" NAME [ "as" NAME ] [ "(" [ NAME { "," NAME } ] ")" ]
  private importDecl(): Decl {
    const start = this.next();
    const mod = this.ident('a module name');
    let alias: string | null = null;
    if (this.accept('as')) alias = String(this.ident('an alias name').value);
    const names: string[] = [];
    if (this.accept('(')) {
      if (!this.at(')')) do names.push(String(this.ident('a name').value)); while (this.accept(','));
      this.expect(')', "')'");
    }
    this.endOfLine();
    return { kind: 'import', span: this.from(start), module: String(mod.value), moduleSpan: this.spanOf(mod), alias, names };
  }

  // extern_decl = "extern" "fn" NAME "(" params ")" "->" type "from" STRING [ "as" STRING ]
  private externDecl(exported: boolean): Decl {
    const start = this.next();
    this.expect('fn', "'fn' after 'extern'");
    const name = this.ident('a function name');
    this.expect('(', "'('");
    const params: Param[] = [];
    if (!this.at(')')) do params.push(this.param(false)); while (this.accept(','));
    this.expect(')', "')'");
    this.expect('->', "'->' and a return type");
    const ret = this.type();
    this.expect('from', "'from' and a library name");
    const lib = this.expect('str', 'a library name string');
    let symbol: string | null = null;
    if (this.accept('as')) symbol = String(this.expect('str', 'a symbol name string').value);
    this.endOfLine();
    return { kind: 'extern', span: this.from(start), name: String(name.value), nameSpan: this.spanOf(name), params, ret, lib: String(lib.value), symbol, exported };
  }

  // --- types ------------------------------------------------------------------------------

  // type = NAME | "ptr" | "[" type "]" | "{" type ":" type "}" | "(" [types] ")" | "fn" "(" [types] ")" "->" type
  type(): TypeExpr {
    return this.nested(() => this.typeAt());
  }

  private typeAt(): TypeExpr {
    const t = this.peek();
    if (t.kind === 'ident' || t.kind === 'ptr') {
      this.next();
      return { kind: 'named', name: t.kind === 'ptr' ? 'ptr' : String(t.value), span: this.spanOf(t) };
    }
    if (this.accept('[')) {
      const elem = this.type();
      this.expect(']', "']' to close the array type");
      return { kind: 'array', elem, span: this.from(t) };
    }
    if (this.accept('{')) {
      const key = this.type();
      this.expect(':', "':' between the key and value types");
      const value = this.type();
      this.expect('}', "'}' to close the map type");
      return { kind: 'map', key, value, span: this.from(t) };
    }
    if (this.accept('(')) {
      const elems: TypeExpr[] = [];
      if (!this.at(')')) do elems.push(this.type()); while (this.accept(','));
      this.expect(')', "')' to close the tuple type");
      return { kind: 'tuple', elems, span: this.from(t) };
    }
    if (this.accept('fn')) {
      this.expect('(', "'(' after 'fn'");
      const params: TypeExpr[] = [];
      if (!this.at(')')) do params.push(this.type()); while (this.accept(','));
      this.expect(')', "')'");
      this.expect('->', "'->' and a return type");
      return { kind: 'fn', params, ret: this.type(), span: this.from(t) };
    }
    this.fail(t, 'expected-type', describeToken(t));
  }

  // --- statements -------------------------------------------------------------------------

  /** Consumes NEWLINE INDENT after a header's ':'; false for an empty (comment-only) block. */
  private blockStart(): boolean {
    const nl = this.expect('newline', 'a new line after the colon');
    if (this.at('indent')) { this.next(); return true; }
    if (nl.emptyBlock) return false;
    this.fail(this.peek(), 'expected-block', describeToken(this.peek()));
  }

  // block = NEWLINE INDENT { statement } DEDENT   (bpjit: or one simple statement on the same line)
  private block(): Block {
    return this.nested(() => this.blockAt());
  }

  private blockAt(): Block {
    this.expect(':', "':' before the block");
    if (!this.at('newline')) {
      const s = this.simpleStatement();
      this.endOfLine();
      return [s];
    }
    if (!this.blockStart()) return [];
    const body: Block = [];
    this.skipNewlines();
    this.blockLines(() => body.push(this.statement()));
    return body;
  }

  /**
   * The lines of an indented block up to its dedent, each read by `line`; after a syntax error
   * in one, parsing goes on at the next statement (several errors per run).
   */
  private blockLines(line: () => void): void {
    while (!this.at('dedent') && !this.at('eof')) {
      try {
        line();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.syncStatement();
      }
      this.skipNewlines();
    }
    this.accept('dedent');
  }

  /** A statement ends at a newline; the reference also lets the next statement follow directly. */
  private endOfLine(): void {
    this.accept('newline');
  }

  statement(): Stmt {
    const t = this.peek();
    switch (t.kind) {
      case 'if': return this.ifStmt();
      case 'while': {
        this.next();
        const cond = this.expression();
        return { kind: 'while', span: this.from(t), cond, body: this.block() };
      }
      case 'for': return this.forStmt();
      case 'match': return this.matchStmt();
      case 'try': return this.tryStmt();
      default: {
        const s = this.simpleStatement();
        this.endOfLine();
        return s;
      }
    }
  }

  // simple statements: let, return, throw, break, continue, assignment, expression
  private simpleStatement(): Stmt {
    const t = this.peek();
    switch (t.kind) {
      case 'let': return this.letStmt();
      case 'return': {
        this.next();
        const value = STMT_END.has(this.peek().kind) ? null : this.expression();
        return { kind: 'return', span: this.from(t), value };
      }
      case 'throw': {
        this.next();
        return { kind: 'throw', span: this.from(t), value: this.expression() };
      }
      case 'break': this.next(); return { kind: 'break', span: this.spanOf(t) };
      case 'continue': this.next(); return { kind: 'continue', span: this.spanOf(t) };
      case 'if': case 'while': case 'for': case 'match': case 'try': case 'def': case 'class': case 'struct': case 'enum':
        this.fail(t, 'misplaced-statement', t.kind);
      default: {
        const expr = this.expression();
        if (this.at('=')) {
          const eq = this.next();
          if (expr.kind !== 'name' && expr.kind !== 'index' && expr.kind !== 'field') {
            this.fail(eq, 'bad-assign-target');
          }
          const value = this.expression();
          return { kind: 'assign', span: this.from(t), target: expr, value };
        }
        const nt = this.peek();
        if (nt.kind === 'ident' || nt.kind === 'int' || nt.kind === 'str') {
          // Not an error in the reference (statements may follow each other on one line) — but
          // almost always a typo such as `1_000`; keep the reference's reading, no diagnostic.
        } else if (['+', '-', '*', '/', '%', '|', '&', '^', '<<', '>>'].includes(nt.kind) && this.peek(1).kind === '=') {
          this.fail(nt, 'compound-assignment', nt.kind);
        }
        return { kind: 'expr', span: expr.span, expr };
      }
    }
  }

  // let_stmt = "let" NAME ":" type "=" expression
  private letStmt(): Extract<Stmt, { kind: 'let' }> {
    const start = this.expect('let', "'let'");
    const name = this.ident('a variable name after let');
    this.expect(':', `':' and a type after '${String(name.value)}' (declarations are typed: let x: int = 1)`);
    const type = this.type();
    this.expect('=', "'=' and an initial value");
    const init = this.expression();
    return { kind: 'let', span: this.from(start), name: String(name.value), nameSpan: this.spanOf(name), type, init };
  }

  // if_stmt = "if" expression ":" block { "elif" expression ":" block } [ "else" ":" block ]
  private ifStmt(): Stmt {
    const start = this.next();
    const branches = [{ cond: this.expression(), body: this.block() }];
    let elseBody: Block | null = null;
    for (;;) {
      const save = this.i;
      this.skipNewlines();
      if (this.accept('elif')) { branches.push({ cond: this.expression(), body: this.block() }); continue; }
      if (this.accept('else')) { elseBody = this.block(); break; }
      this.i = save;
      break;
    }
    return { kind: 'if', span: this.from(start), branches, elseBody };
  }

  // for_range = "for" NAME "in" "range" "(" expression "," expression [ "," expression ] ")" ":" block
  //           (bpjit: also range(end) and a step)
  // for_each  = "for" NAME "in" expression ":" block
  private forStmt(): Stmt {
    const start = this.next();
    const name = this.ident('a loop variable name');
    this.expect('in', "'in'");
    const nm = String(name.value);
    if (this.at('ident') && this.peek().value === 'range' && this.peek(1).kind === '(') {
      const r = this.next();
      this.next();
      const args: Expr[] = [];
      if (!this.at(')')) do args.push(this.expression()); while (this.accept(','));
      this.expect(')', "')' after the range arguments");
      if (args.length < 1 || args.length > 3) this.fail(r, 'range-arity', args.length);
      const zero: Expr = { kind: 'int', value: 0n, span: this.spanOf(r) };
      const [s, e, st] = args.length === 1 ? [zero, args[0], null] : [args[0], args[1], args[2] ?? null];
      return { kind: 'for_range', span: this.from(start), name: nm, nameSpan: this.spanOf(name), start: s, end: e, step: st, body: this.block() };
    }
    const iter = this.expression();
    return { kind: 'for_in', span: this.from(start), name: nm, nameSpan: this.spanOf(name), iter, body: this.block() };
  }

  // match_stmt = "match" expression ":" NEWLINE INDENT { ( "case" expression | "default" ) ":" block } DEDENT
  private matchStmt(): Stmt {
    const start = this.next();
    const subject = this.expression();
    this.expect(':', "':' after the match subject");
    const cases: { pattern: Expr | null; span: Span; body: Block }[] = [];
    if (this.blockStart()) {
      this.skipNewlines();
      let seenDefault = false;
      this.blockLines(() => {
        const c = this.peek();
        if (this.accept('default')) {
          if (seenDefault) this.fail(c, 'duplicate-default');
          seenDefault = true;
          cases.push({ pattern: null, span: this.spanOf(c), body: this.block() });
        } else {
          this.expect('case', "'case' or 'default'");
          const pattern = this.expression();
          cases.push({ pattern, span: this.from(c), body: this.block() });
        }
      });
    }
    return { kind: 'match', span: this.from(start), subject, cases };
  }

  // try_stmt = "try" ":" block [ "catch" [ NAME ] ":" block ] [ "finally" ":" block ]
  private tryStmt(): Stmt {
    const start = this.next();
    const body = this.block();
    let catchName: string | null = null, catchSpan: Span | null = null, catchBody: Block | null = null, finallyBody: Block | null = null;
    let save = this.i;
    this.skipNewlines();
    if (this.accept('catch')) {
      if (this.at('ident')) { const n = this.next(); catchName = String(n.value); catchSpan = this.spanOf(n); }
      catchBody = this.block();
      save = this.i;
      this.skipNewlines();
    }
    if (this.accept('finally')) finallyBody = this.block();
    else this.i = save;
    return { kind: 'try', span: this.from(start), body, catchName, catchSpan, catchBody, finallyBody };
  }

  // --- expressions ------------------------------------------------------------------------

  // expression = unary { binop unary }  (precedence climbing over PREC)
  expression(minPrec = 1): Expr {
    let left = this.unary();
    for (;;) {
      const op = this.peek().kind;
      const prec = PREC[op];
      if (prec === undefined || prec < minPrec) return left;
      const opTok = this.next();
      if (this.at('=') && this.peek().start === opTok.end && !['==', '!=', '<=', '>=', '<', '>'].includes(op)) {
        this.fail(opTok, 'compound-assignment', op);
      }
      const right = this.expression(prec + 1);
      left = { kind: 'binary', op: op as BinOp, left, right, span: mkSpan(this.file, left.span.start, right.span.end) };
    }
  }

  // unary = ( "-" | "not" | "~" ) unary | postfix_expr
  private unary(): Expr {
    return this.nested(() => this.unaryAt());
  }

  private unaryAt(): Expr {
    const t = this.peek();
    if (t.kind === '-' || t.kind === 'not' || t.kind === '~') {
      this.next();
      const operand = this.unary();
      return { kind: 'unary', op: t.kind, operand, span: mkSpan(this.file, t.start, operand.span.end) };
    }
    if (t.kind === '+') this.fail(t, 'unary-plus');
    return this.postfix(this.primary());
  }

  // postfix_expr = primary { "[" expression "]" | "." NAME [ "(" args ")" ] | "(" args ")" }
  private postfix(e: Expr): Expr {
    for (;;) {
      if (this.accept('[')) {
        const index = this.expression();
        this.expect(']', "']' after the index");
        e = { kind: 'index', target: e, index, span: this.from(e.span) };
      } else if (this.accept('.')) {
        const name = this.ident('a field or method name after \'.\'');
        if (this.at('(')) {
          const args = this.args();
          e = { kind: 'method', target: e, name: String(name.value), nameSpan: this.spanOf(name), args, span: this.from(e.span) };
        } else {
          e = { kind: 'field', target: e, name: String(name.value), nameSpan: this.spanOf(name), span: this.from(e.span) };
        }
      } else if (this.at('(') && e.kind !== 'name') {
        // bpjit: any expression of function type can be called (the reference: only a name).
        e = { kind: 'call', callee: e, args: this.args(), span: this.from(e.span) };
      } else return e;
    }
  }

  // args = "(" [ expression { "," expression } ] ")"
  private args(): Expr[] {
    this.expect('(', "'('");
    const args: Expr[] = [];
    if (!this.at(')')) {
      do {
        if (this.at(')')) this.fail(this.peek(), 'trailing-comma', 'argument list');
        args.push(this.expression());
      } while (this.accept(','));
    }
    this.expect(')', "')' or ',' in the argument list");
    return args;
  }

  // primary = literal | NAME [ "(" args ")" | "{" fields "}" ] | "[" … "]" | "{" … "}" | "(" … ")"
  //         | "fn" lambda | "new" NAME args | "super" …
  private primary(): Expr {
    const save = this.i;
    const t = this.next();
    const sp = this.spanOf(t);
    switch (t.kind) {
      case 'int': return { kind: 'int', value: t.value as bigint, span: sp };
      case 'float': return { kind: 'float', value: t.value as number, span: sp };
      case 'str': return { kind: 'str', value: t.value as string, span: sp };
      case 'fstr': return this.fstring(t);
      case 'true': return { kind: 'bool', value: true, span: sp };
      case 'false': return { kind: 'bool', value: false, span: sp };
      case 'self': return { kind: 'self', span: sp };
      case 'ident': {
        const name = String(t.value);
        if (this.at('(')) {
          const callee: Expr = { kind: 'name', name, span: sp };
          return { kind: 'call', callee, args: this.args(), span: this.from(t) };
        }
        if (this.at('{')) return this.structLit(t);
        return { kind: 'name', name, span: sp };
      }
      case '[': {
        const elems: Expr[] = [];
        if (!this.at(']')) {
          do {
            if (this.at(']')) this.fail(this.peek(), 'trailing-comma', 'array literal');
            elems.push(this.expression());
          } while (this.accept(','));
        }
        this.expect(']', "']' or ',' in the array literal");
        return { kind: 'array', elems, span: this.from(t) };
      }
      case '{': {
        const entries: { key: Expr; value: Expr }[] = [];
        if (!this.at('}')) {
          do {
            if (this.at('}')) this.fail(this.peek(), 'trailing-comma', 'map literal');
            const key = this.expression();
            this.expect(':', "':' between key and value");
            entries.push({ key, value: this.expression() });
          } while (this.accept(','));
        }
        this.expect('}', "'}' or ',' in the map literal");
        return { kind: 'map', entries, span: this.from(t) };
      }
      case '(': {
        if (this.accept(')')) return { kind: 'tuple', elems: [], span: this.from(t) };
        const first = this.expression();
        if (this.accept(')')) return { ...first, span: first.span };
        const elems = [first];
        this.expect(',', "')' or ','");
        if (!this.at(')')) do elems.push(this.expression()); while (this.accept(',') && !this.at(')'));
        this.expect(')', "')' to close the tuple");
        return { kind: 'tuple', elems, span: this.from(t) };
      }
      case 'fn': {
        this.expect('(', "'(' after 'fn'");
        const params: Param[] = [];
        if (!this.at(')')) do params.push(this.param(false)); while (this.accept(','));
        this.expect(')', "')'");
        this.expect('->', "'->' and the lambda's return type");
        const ret = this.type();
        this.expect(':', "':' before the lambda body");
        const body = this.expression();
        return { kind: 'lambda', params, ret, body, span: this.from(t) };
      }
      case 'new': {
        const cls = this.ident('a class name after new');
        const args = this.args();
        return { kind: 'new', cls: String(cls.value), clsSpan: this.spanOf(cls), args, span: this.from(t) };
      }
      case 'super': {
        // super.m(args) and super().m(args) both call the base class's m on self.
        if (this.accept('(')) {
          this.expect(')', "')' after super(");
          this.expect('.', "'.' and a method name after super()");
        } else this.expect('.', "'.' or '()' after super");
        const m = this.ident('a method name');
        const args = this.args();
        return { kind: 'super', method: String(m.value), nameSpan: this.spanOf(m), args, span: this.from(t) };
      }
      default:
        this.i = save; // leave the token for error recovery (it may end the line)
        this.fail(t, 'expected-expression', describeToken(t));
    }
  }

  // struct literal = NAME "{" [ NAME ":" expression { "," NAME ":" expression } ] "}"
  private structLit(name: Token): Expr {
    this.expect('{', "'{'");
    const fields: { name: string; nameSpan: Span; value: Expr }[] = [];
    if (!this.at('}')) {
      do {
        const f = this.ident('a field name');
        this.expect(':', "':' after the field name");
        fields.push({ name: String(f.value), nameSpan: this.spanOf(f), value: this.expression() });
      } while (this.accept(','));
    }
    this.expect('}', "'}' or ',' in the struct literal");
    return { kind: 'structlit', name: String(name.value), nameSpan: this.spanOf(name), fields, span: this.from(name) };
  }

  /** Splits an f-string body into literal text and interpolations (§1.9 and bpjit's format specs). */
  private fstring(t: Token): Expr {
    const raw = t.value as string;
    // The body starts after f" (or f\" for an f-string inside an interpolation).
    const base = t.start + (this.file.text[t.start + 1] === '\\' ? 3 : 2);
    const parts: (string | FStrPart)[] = [];
    let text = '';
    let i = 0;
    while (i < raw.length) {
      const c = raw[i];
      if (c === '\\' && i + 1 < raw.length) { text += unescape(raw[i + 1]); i += 2; continue; }
      if (c === '{' && raw[i + 1] === '{') { text += '{'; i += 2; continue; }
      if (c === '}' && raw[i + 1] === '}') { text += '}'; i += 2; continue; }
      if (c !== '{') { text += c; i++; continue; }
      // Find the matching '}' and the top-level ':' that starts a format spec.
      let depth = 0, j = i + 1, colon = -1, inStr = false;
      for (; j < raw.length; j++) {
        const d = raw[j];
        if (inStr) {
          if (d === '\\' && raw[j + 1] === '\\') { j++; continue; }
          if (d === '\\' && raw[j + 1] === '"') { inStr = false; j++; }
          continue;
        }
        if (d === '\\' && raw[j + 1] === '"') { inStr = true; j++; continue; }
        if (d === '{' || d === '(' || d === '[') depth++;
        else if (d === ')' || d === ']') depth--;
        else if (d === '}') { if (depth === 0) break; depth--; }
        else if (d === ':' && depth === 0 && colon < 0) colon = j;
      }
      if (j >= raw.length) {
        this.diags.report('fstring-unclosed-brace', mkSpan(this.file, base + i, base + i + 1));
        break;
      }
      if (text) parts.push(text);
      text = '';
      const exprEnd = colon >= 0 ? colon : j;
      if (raw.slice(i + 1, exprEnd).trim() === '') {
        this.diags.report('fstring-empty', mkSpan(this.file, base + i, base + j + 1));
      } else {
        const expr = parseSubExpr(this.file, base + i + 1, base + exprEnd, this.diags, this.depth);
        if (expr) {
          const spec = colon >= 0 ? raw.slice(colon + 1, j) : null;
          parts.push({ expr, spec, specSpan: colon >= 0 ? mkSpan(this.file, base + colon + 1, base + j) : null });
        }
      }
      i = j + 1;
    }
    if (text || parts.length === 0) parts.push(text);
    return { kind: 'fstr', parts, span: this.spanOf(t) };
  }
}
