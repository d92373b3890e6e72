// Printers for the front end's boundary data: tokens and the AST as S-expressions (the lexer
// and parser tests compare against these texts).
import type { Block, Decl, Expr, Stmt, TypeExpr } from './ast.js';
import type { Token } from './token.js';

export function dumpTokens(toks: Token[]): string {
  return toks
    .map((t) => {
      if (t.kind === 'ident') return `ident:${String(t.value)}`;
      if (t.kind === 'int' || t.kind === 'float') return `${t.kind}:${String(t.value)}`;
      if (t.kind === 'str' || t.kind === 'fstr') return `${t.kind}:${JSON.stringify(t.value)}`;
      return t.kind === 'newline' && t.emptyBlock ? 'newline(empty-block)' : t.kind;
    })
    .join(' ');
}

function dumpType(t: TypeExpr): string {
  switch (t.kind) {
    case 'named': return t.name;
    case 'array': return `[${dumpType(t.elem)}]`;
    case 'map': return `{${dumpType(t.key)}: ${dumpType(t.value)}}`;
    case 'tuple': return `(${t.elems.map(dumpType).join(', ')})`;
    case 'fn': return `fn(${t.params.map(dumpType).join(', ')}) -> ${dumpType(t.ret)}`;
  }
}

function dumpExpr(e: Expr): string {
  switch (e.kind) {
    case 'int': return String(e.value);
    case 'float': return Number.isInteger(e.value) ? e.value.toFixed(1) : String(e.value);
    case 'str': return JSON.stringify(e.value);
    case 'bool': return String(e.value);
    case 'name': return e.name;
    case 'self': return 'self';
    case 'fstr': return `(fstr ${e.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p) : p.spec !== null ? `{${dumpExpr(p.expr)}:${p.spec}}` : `{${dumpExpr(p.expr)}}`)).join(' ')})`;
    case 'unary': return `(${e.op} ${dumpExpr(e.operand)})`;
    case 'binary': return `(${e.op} ${dumpExpr(e.left)} ${dumpExpr(e.right)})`;
    case 'call': return `(call ${dumpExpr(e.callee)}${e.args.map((a) => ' ' + dumpExpr(a)).join('')})`;
    case 'index': return `(index ${dumpExpr(e.target)} ${dumpExpr(e.index)})`;
    case 'field': return `(. ${dumpExpr(e.target)} ${e.name})`;
    case 'method': return `(method ${dumpExpr(e.target)} ${e.name}${e.args.map((a) => ' ' + dumpExpr(a)).join('')})`;
    case 'array': return `[${e.elems.map(dumpExpr).join(' ')}]`;
    case 'map': return `{${e.entries.map((x) => `${dumpExpr(x.key)}: ${dumpExpr(x.value)}`).join(', ')}}`;
    case 'tuple': return `(tuple${e.elems.map((x) => ' ' + dumpExpr(x)).join('')})`;
    case 'structlit': return `(${e.name}{${e.fields.map((f) => `${f.name}: ${dumpExpr(f.value)}`).join(', ')}})`;
    case 'lambda': return `(fn (${e.params.map((p) => `${p.name}: ${p.type ? dumpType(p.type) : 'self'}`).join(', ')}) -> ${dumpType(e.ret)} ${dumpExpr(e.body)})`;
    case 'new': return `(new ${e.cls}${e.args.map((a) => ' ' + dumpExpr(a)).join('')})`;
    case 'super': return `(super ${e.method}${e.args.map((a) => ' ' + dumpExpr(a)).join('')})`;
  }
}

function dumpBlock(b: Block, ind: string): string {
  return b.map((s) => dumpStmt(s, ind)).join('');
}

function dumpStmt(s: Stmt, ind = ''): string {
  const inner = ind + '  ';
  switch (s.kind) {
    case 'let': return `${ind}(let ${s.name}: ${dumpType(s.type)} ${dumpExpr(s.init)})\n`;
    case 'assign': return `${ind}(= ${dumpExpr(s.target)} ${dumpExpr(s.value)})\n`;
    case 'expr': return `${ind}${dumpExpr(s.expr)}\n`;
    case 'if': {
      let out = '';
      s.branches.forEach((b, i) => { out += `${ind}(${i === 0 ? 'if' : 'elif'} ${dumpExpr(b.cond)}\n${dumpBlock(b.body, inner)}`; });
      if (s.elseBody) out += `${ind}(else\n${dumpBlock(s.elseBody, inner)}`;
      return out;
    }
    case 'while': return `${ind}(while ${dumpExpr(s.cond)}\n${dumpBlock(s.body, inner)}`;
    case 'for_range': return `${ind}(for ${s.name} (range ${dumpExpr(s.start)} ${dumpExpr(s.end)}${s.step ? ' ' + dumpExpr(s.step) : ''})\n${dumpBlock(s.body, inner)}`;
    case 'for_in': return `${ind}(for ${s.name} in ${dumpExpr(s.iter)}\n${dumpBlock(s.body, inner)}`;
    case 'break': case 'continue': return `${ind}(${s.kind})\n`;
    case 'return': return `${ind}(return${s.value ? ' ' + dumpExpr(s.value) : ''})\n`;
    case 'throw': return `${ind}(throw ${dumpExpr(s.value)})\n`;
    case 'try': {
      let out = `${ind}(try\n${dumpBlock(s.body, inner)}`;
      if (s.catchBody) out += `${ind}(catch${s.catchName ? ' ' + s.catchName : ''}\n${dumpBlock(s.catchBody, inner)}`;
      if (s.finallyBody) out += `${ind}(finally\n${dumpBlock(s.finallyBody, inner)}`;
      return out;
    }
    case 'match': return `${ind}(match ${dumpExpr(s.subject)}\n${s.cases.map((c) => `${inner}(${c.pattern ? 'case ' + dumpExpr(c.pattern) : 'default'}\n${dumpBlock(c.body, inner + '  ')}`).join('')}`;
  }
}

export function dumpDecl(d: Decl): string {
  switch (d.kind) {
    case 'func': return `(def ${d.name} (${d.params.map((p) => (p.type ? `${p.name}: ${dumpType(p.type)}` : p.name)).join(', ')}) -> ${dumpType(d.ret)}\n${dumpBlock(d.body, '  ')}`;
    case 'struct': case 'class':
      return `(${d.kind} ${d.name}${d.kind === 'class' && d.base ? `(${d.base})` : ''} ${d.fields.map((f) => `${f.name}: ${dumpType(f.type)}`).join(', ')}\n${d.methods.map((m) => '  ' + dumpDecl(m)).join('')}`;
    case 'enum': return `(enum ${d.name} ${d.members.map((m) => (m.value === null ? m.name : `${m.name}=${m.value}`)).join(' ')})\n`;
    case 'import': return `(import ${d.module}${d.alias ? ' as ' + d.alias : ''})\n`;
    case 'extern': return `(extern ${d.name} from ${JSON.stringify(d.lib)})\n`;
    case 'global': return `(global ${dumpStmt(d.stmt).trim()})\n`;
  }
}
