// The checker's expressions layer: every expression kind but calls gets its type here (in
// place, on the node), names get their symbols, and literals without a declared type take
// the type of their first element. A failed expression gets the poison type `error`.
import type { Expr, ExprOf } from './ast.js';
import { CallChecker } from './check-call.js';
import { checkFormatSpec } from './format-spec.js';
import { didYouMean } from './suggest.js';
import {
  BOOL, ERROR, FLOAT, INT, STR, Type, arrayOf, assignable, fnOf, isKeyType, mapOf, tupleOf, typeName,
} from './types.js';

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', 'and', 'or']);

export abstract class ExprChecker extends CallChecker {
  checkExpr(e: Expr, expected?: Type): Type {
    const t = this.exprType(e, expected);
    e.ty = t;
    return t;
  }

  private exprType(e: Expr, expected?: Type): Type {
    switch (e.kind) {
      case 'int': return INT;
      case 'float': return FLOAT;
      case 'str': return STR;
      case 'bool': return BOOL;
      case 'fstr': return this.fstringType(e);
      case 'name': return this.nameType(e);
      case 'self': {
        const s = this.lookupLocal('self', true, e.span.start);
        if (!s) { this.err('self-outside-method', e.span); return ERROR; }
        e.sym = s;
        return s.type;
      }
      case 'unary': return this.unaryType(e);
      case 'binary': return this.binaryType(e);
      case 'call': return this.callType(e);
      case 'index': return this.indexType(e);
      case 'field': return this.fieldType(e);
      case 'method': return this.methodType(e);
      case 'array': return this.arrayLit(e, expected);
      case 'map': return this.mapLit(e, expected);
      case 'tuple': return this.tupleLit(e, expected);
      case 'structlit': return this.structLit(e);
      case 'lambda': return this.lambda(e);
      case 'new': return this.newExpr(e);
      case 'super': return this.superCall(e);
    }
  }

  private fstringType(e: ExprOf<'fstr'>): Type {
    for (const p of e.parts) {
      if (typeof p === 'string') continue;
      this.checkExpr(p.expr);
      if (p.spec !== null) {
        const r = checkFormatSpec(p.spec, p.expr.ty!.k);
        if ('problem' in r) this.err(r.problem, p.specSpan!, r.args);
      }
    }
    return STR;
  }

  private nameType(e: ExprOf<'name'>): Type {
    const local = this.lookupLocal(e.name, true, e.span.start);
    if (local) { e.sym = local; return local.type; }
    const g = this.lookupGlobal(e.name);
    if (g) { e.sym = g; return g.type; }
    const fn = this.mod.functions.get(e.name) ?? this.lookupFunction(e.name, e.span);
    if (fn && fn.kind !== 'extern') { e.sym = { kind: 'func', fn }; return fnOf(fn.paramTypes, fn.ret); }
    if (this.mod.globals.has(e.name)) this.err('global-before-init', e.span, [e.name]);
    else if (this.mod.enums.has(e.name)) this.err('enum-not-value', e.span, [e.name, [...this.mod.enums.get(e.name)!.members.keys()][0] ?? 'X']);
    else this.err('undefined-variable', e.span, [e.name], this.nameHelp(e.name, true));
    return ERROR;
  }

  private unaryType(e: ExprOf<'unary'>): Type {
    const t = this.checkExpr(e.operand);
    if (t.k === 'error') return ERROR;
    if (e.op === '-' && (t.k === 'int' || t.k === 'float')) return t;
    if (e.op === 'not' && t.k === 'bool') return BOOL;
    if (e.op === '~' && t.k === 'int') return INT;
    const want = e.op === '-' ? 'int or float' : e.op === 'not' ? 'bool' : 'int';
    this.err('unary-type', e.span, [e.op, want, typeName(t)]);
    return ERROR;
  }

  /**
   * A chain `a + b + c + …` is a left-deep tree as long as the chain: its spine is walked with a
   * loop (bottom up), so no chain is limited by the JavaScript stack.
   */
  private binaryType(e: ExprOf<'binary'>): Type {
    const spine: ExprOf<'binary'>[] = [];
    let x: Expr = e;
    for (; x.kind === 'binary'; x = x.left) spine.push(x);
    let t = this.checkExpr(x);
    for (let i = spine.length - 1; i >= 0; i--) {
      t = this.binaryStep(spine[i], t, this.checkExpr(spine[i].right, t));
      if (i > 0) spine[i].ty = t;
    }
    return t;
  }

  private binaryStep(e: ExprOf<'binary'>, l: Type, r: Type): Type {
    if (l.k === 'error' || r.k === 'error') return COMPARISONS.has(e.op) ? BOOL : ERROR;
    const both = (k: Type['k']) => l.k === k && r.k === k;
    const numeric = both('int') || both('float');
    const [ln, rn] = [typeName(l), typeName(r)];
    switch (e.op) {
      case '+':
        if (numeric || both('str')) return l;
        this.err('plus-types', e.span, [ln, rn]);
        return ERROR;
      case '-': case '*': case '/':
        if (numeric) return l;
        this.err('arithmetic-types', e.span, [e.op, ln, rn]);
        return ERROR;
      case '%':
        if (numeric) return l;
        this.err('mod-types', e.span, [ln, rn]);
        return ERROR;
      case '==': case '!=':
        if (assignable(l, r) || assignable(r, l)) return BOOL;
        this.err('equality-types', e.span, [ln, rn]);
        return ERROR;
      case '<': case '<=': case '>': case '>=':
        if (numeric) return BOOL;
        this.err('ordering-types', e.span, [ln, rn]);
        return ERROR;
      case 'and': case 'or':
        if (both('bool')) return BOOL;
        this.err('logic-types', e.span, [ln, rn]);
        return ERROR;
      default:
        if (both('int')) return INT;
        this.err('bitwise-types', e.span, [ln, rn]);
        return ERROR;
    }
  }

  private indexType(e: ExprOf<'index'>): Type {
    const t = this.checkExpr(e.target);
    if (t.k === 'array') {
      const it = this.checkExpr(e.index, INT);
      if (it.k !== 'int' && it.k !== 'error') this.err('index-type', e.index.span, [typeName(it)]);
      return t.elem;
    }
    if (t.k === 'map') {
      this.checkExpr(e.index, t.key);
      this.expectAssignable(e.index, t.key, 'map-key-mismatch', () => [typeName(t.key), typeName(e.index.ty!)]);
      return t.value;
    }
    if (t.k === 'tuple') {
      this.checkExpr(e.index, INT);
      const ix = this.constIndex(e.index);
      if (ix === null) { this.err('tuple-index-constant', e.index.span); return ERROR; }
      const n = t.elems.length;
      const k = ix < 0 ? ix + n : ix;
      if (k < 0 || k >= n) { this.err('tuple-index-range', e.index.span, [ix, typeName(t)]); return ERROR; }
      return t.elems[k];
    }
    this.checkExpr(e.index);
    if (t.k !== 'error') this.err('not-indexable', e.target.span, [typeName(t), t.k === 'str' ? ' (use str_char_at or substr)' : '']);
    return ERROR;
  }

  /** Integer constant value of a tuple index (a literal, possibly negated). */
  constIndex(e: Expr): number | null {
    if (e.kind === 'int') return Number(e.value);
    if (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'int') return -Number(e.operand.value);
    return null;
  }

  protected fieldType(e: ExprOf<'field'>): Type {
    if (e.target.kind === 'name' && !this.lookupLocal(e.target.name, false) && !this.lookupGlobal(e.target.name)) {
      const en = this.mod.enums.get(e.target.name);
      if (en) {
        const v = en.members.get(e.name);
        if (v === undefined) { this.err('no-enum-member', e.nameSpan, [en.name, e.name], didYouMean(e.name, en.members.keys(), 'member')); return ERROR; }
        e.enumValue = v;
        e.target.ty = INT;
        return INT;
      }
      if (this.mod.imports.has(e.target.name)) {
        this.err('module-member', e.span, [e.target.name]);
        return ERROR;
      }
    }
    const t = this.checkExpr(e.target);
    if (t.k === 'struct' || t.k === 'class') {
      const f = t.info.fields.find((x) => x.name === e.name);
      if (f) return f.type;
      if (this.findMethod(t, e.name)) this.err('method-as-field', e.nameSpan, [e.name, t.info.name]);
      else this.err('no-field', e.nameSpan, [t.k, t.info.name, e.name], didYouMean(e.name, t.info.fields.map((x) => x.name), 'field'));
      return ERROR;
    }
    if (t.k !== 'error') this.err('field-of-non-object', e.nameSpan, [e.name, typeName(t)], this.lengthHelp(e.name, t));
    return ERROR;
  }

  /** `xs.length` of an array, map or string: the builtin that measures it. */
  private lengthHelp(name: string, t: Type): { kind: 'help'; message: string }[] {
    const fn = { str: 'len', array: 'array_len', map: 'map_len' }[t.k as string];
    return fn && /^(len|length|size|count)$/.test(name) ? [{ kind: 'help', message: `use '${fn}(value)'` }] : [];
  }

  private arrayLit(e: ExprOf<'array'>, expected?: Type): Type {
    if (expected?.k === 'array') {
      for (const el of e.elems) {
        this.checkExpr(el, expected.elem);
        this.expectAssignable(el, expected.elem, 'array-element-type', () => [typeName(el.ty!), typeName(expected.elem)]);
      }
      return expected;
    }
    if (e.elems.length === 0) {
      this.err('empty-array-type', e.span);
      return ERROR;
    }
    const first = this.checkExpr(e.elems[0]);
    for (const el of e.elems.slice(1)) {
      this.checkExpr(el, first);
      this.expectAssignable(el, first, 'array-inconsistent', () => [typeName(first), typeName(el.ty!)]);
    }
    if (first.k === 'void') { this.err('void-stored', e.elems[0].span); return ERROR; }
    return arrayOf(first);
  }

  private mapLit(e: ExprOf<'map'>, expected?: Type): Type {
    if (expected?.k === 'map') {
      for (const en of e.entries) {
        this.checkExpr(en.key, expected.key);
        this.expectAssignable(en.key, expected.key, 'map-literal-key', () => [typeName(en.key.ty!), typeName(expected.key)]);
        this.checkExpr(en.value, expected.value);
        this.expectAssignable(en.value, expected.value, 'map-literal-value', () => [typeName(en.value.ty!), typeName(expected.value)]);
      }
      return expected;
    }
    if (e.entries.length === 0) {
      this.err('empty-map-type', e.span);
      return ERROR;
    }
    const k = this.checkExpr(e.entries[0].key);
    const v = this.checkExpr(e.entries[0].value);
    if (!isKeyType(k)) this.err('bad-map-key', e.entries[0].key.span, [typeName(k)]);
    for (const en of e.entries.slice(1)) {
      this.checkExpr(en.key, k);
      this.expectAssignable(en.key, k, 'map-inconsistent-key', () => [typeName(k), typeName(en.key.ty!)]);
      this.checkExpr(en.value, v);
      this.expectAssignable(en.value, v, 'map-inconsistent-value', () => [typeName(v), typeName(en.value.ty!)]);
    }
    return mapOf(k, v);
  }

  private tupleLit(e: ExprOf<'tuple'>, expected?: Type): Type {
    if (expected?.k === 'array') {
      // bpjit: a tuple of one element type still converts to an array (programs rely on it).
      for (const el of e.elems) {
        this.checkExpr(el, expected.elem);
        this.expectAssignable(el, expected.elem, 'tuple-as-array', () => [typeName(el.ty!), typeName(expected.elem)]);
      }
      return expected;
    }
    if (expected?.k === 'tuple' && expected.elems.length === e.elems.length) {
      e.elems.forEach((el, i) => this.checkExpr(el, expected.elems[i]));
      return tupleOf(e.elems.map((el, i) => (assignable(el.ty!, expected.elems[i]) ? expected.elems[i] : el.ty!)));
    }
    const ts = e.elems.map((el) => this.checkExpr(el));
    for (const [i, t] of ts.entries()) if (t.k === 'void') this.err('void-stored', e.elems[i].span);
    return tupleOf(ts);
  }

  private structLit(e: ExprOf<'structlit'>): Type {
    const s = this.mod.structs.get(e.name);
    if (!s) {
      if (this.mod.classes.has(e.name)) this.err('literal-of-class', e.nameSpan, [e.name]);
      else this.err('unknown-struct', e.nameSpan, [e.name], didYouMean(e.name, this.mod.structs.keys(), 'struct'));
      for (const f of e.fields) this.checkExpr(f.value);
      return ERROR;
    }
    e.info = s;
    const seen = new Set<string>();
    for (const f of e.fields) {
      const decl = s.fields.find((x) => x.name === f.name);
      if (!decl) {
        this.err('literal-unknown-field', f.nameSpan, [s.name, f.name], didYouMean(f.name, s.fields.map((x) => x.name).filter((n) => !seen.has(n)), 'field'));
        this.checkExpr(f.value);
        continue;
      }
      if (seen.has(f.name)) this.err('field-given-twice', f.nameSpan, [f.name]);
      seen.add(f.name);
      this.checkExpr(f.value, decl.type);
      this.expectAssignable(f.value, decl.type, 'literal-field-type', () => [s.name, f.name, typeName(decl.type), typeName(f.value.ty!)]);
    }
    const missing = s.fields.filter((f) => !seen.has(f.name)).map((f) => f.name);
    if (missing.length) this.err('missing-fields', e.span, [s.name, s.fields.length, missing.map((m) => `'${m}'`).join(', ')]);
    return { k: 'struct', info: s };
  }

  private lambda(e: ExprOf<'lambda'>): Type {
    const outer = this.ctx!;
    const n = ++outer.lambdaCount.n;
    let top = outer;
    while (top.outer) top = top.outer;
    const fn = this.newFunc(this.mod, `${top.fn.name}$lambda${n}`, `lambda`, 'lambda', e, e.span, false, null);
    for (const p of e.params) {
      if (this.lookupLocal(p.name, false) || this.isGlobalName(p.name)) this.err('lambda-param-reuses-name', p.span, [p.name]);
    }
    this.addParams(fn, e.params, null);
    fn.ret = this.resolveType(e.ret);
    e.fn = fn;
    this.functions.push(fn);
    const saved = this.ctx;
    this.ctx = this.newCtx(fn, outer);
    const bt = this.checkExpr(e.body, fn.ret);
    if (!assignable(bt, fn.ret)) this.err('lambda-body-type', e.body.span, [typeName(bt), typeName(fn.ret)]);
    // Captures found in nested lambdas are recorded on the outer context by lookupLocal.
    this.ctx = saved;
    return fnOf(fn.paramTypes, fn.ret);
  }
}
