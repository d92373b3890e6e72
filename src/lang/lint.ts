// Warnings, found on a checked program (only one without errors, whose types and symbols are
// all filled in): unused variables, parameters and imports, unreachable statements, variables
// hiding a function, enum or module, and comparisons whose result is known. A name starting
// with `_` is never reported as unused. Each warning is a row of messages-warn.ts.
import type { Block, Decl, Expr, ExprOf } from './ast.js';
import { BUILTINS } from './builtins.js';
import type { DiagBag, Note } from './diag.js';
import { stmtTerminates } from './flow.js';
import type { CheckedProgram, FuncInfo, LocalSym, ModuleInfo } from './symbols.js';
import { walkDecls } from './walk.js';

export function lint(program: CheckedProgram, diags: DiagBag): void {
  for (const m of program.modules) lintModule(m, program, diags);
}

function lintModule(m: ModuleInfo, program: CheckedProgram, diags: DiagBag): void {
  const reads = new Set<LocalSym>();
  const usedModules = new Set<ModuleInfo>();
  const usedAliases = new Set<string>();
  walkDecls(m.ast.decls, {
    block: (b) => unreachable(b, diags),
    expr: (e, write) => {
      if (e.kind === 'name' || e.kind === 'self') {
        if (!write && e.sym?.kind === 'local') reads.add(e.sym);
        if (e.sym?.kind === 'func') usedModules.add(e.sym.fn.module);
      } else if (e.kind === 'call' && (e.target?.kind === 'func' || e.target?.kind === 'extern')) usedModules.add(e.target.fn.module);
      else if (e.kind === 'method' && e.resolved?.kind === 'module' && e.target.kind === 'name') usedAliases.add(e.target.name);
      else if (e.kind === 'binary') constantComparison(e, diags);
    },
  });
  for (const fn of program.functions) if (fn.module === m) unusedLocals(fn, reads, diags);
  for (const fn of program.functions) if (fn.module === m) for (const l of fn.locals) shadowing(l, m, diags);
  // As in the reference, a call always goes to the builtin: such a function can never be called.
  for (const fn of m.functions.values()) if (BUILTINS.has(fn.shortName) && fn.kind !== 'extern') diags.report('shadowing', fn.span, ['builtin', fn.shortName, 'function']);
  for (const d of m.ast.decls) {
    if (d.kind === 'import') unusedImport(d, m, usedModules, usedAliases, diags);
    if (d.kind === 'global' && d.stmt.sym && m.functions.has(d.stmt.name)) diags.report('shadowing', d.stmt.nameSpan, ['global', d.stmt.name, 'function']);
  }
}

const underscore: Note = { kind: 'help', message: 'if this is intentional, start the name with an underscore' };

function unusedLocals(fn: FuncInfo, reads: Set<LocalSym>, diags: DiagBag): void {
  for (const l of fn.locals) {
    if (reads.has(l) || l.name.startsWith('_') || l.name === 'self') continue;
    if (l.isParam && overrides(fn)) continue;
    diags.report(l.isParam ? 'unused-parameter' : 'unused-variable', l.span, [l.name], [underscore]);
  }
}

/** A method that overrides a base class method keeps the base's parameters, used or not. */
function overrides(fn: FuncInfo): boolean {
  if (fn.owner?.kind !== 'class') return false;
  for (let c = fn.owner.base; c; c = c.base) if (c.methods.has(fn.shortName)) return true;
  return false;
}

function shadowing(l: LocalSym, m: ModuleInfo, diags: DiagBag): void {
  if (l.name === 'self') return;
  const what = m.functions.has(l.name) ? 'function' : m.enums.has(l.name) ? 'enum' : m.imports.has(l.name) ? 'module' : null;
  if (what) diags.report('shadowing', l.span, [l.isParam ? 'parameter' : 'variable', l.name, what]);
}

function unusedImport(d: Extract<Decl, { kind: 'import' }>, m: ModuleInfo, modules: Set<ModuleInfo>, aliases: Set<string>, diags: DiagBag): void {
  const alias = d.alias ?? d.module;
  const target = m.imports.get(alias);
  if (!target || aliases.has(alias) || modules.has(target)) return;
  diags.report('unused-import', d.moduleSpan, [alias], [{ kind: 'help', message: 'remove this import' }]);
}

/** The first statement after one that always leaves the block (once per block). */
function unreachable(b: Block, diags: DiagBag): void {
  const i = b.findIndex((s) => stmtTerminates(s, true));
  if (i < 0 || i === b.length - 1) return;
  diags.report('unreachable-code', b[i + 1].span, [], [{ kind: 'note', message: 'any code after this statement is unreachable', span: b[i].span }]);
}

type Constant = bigint | number | boolean | string;

/** The value of a literal (possibly negated) or an enum member, else undefined. */
function constant(e: Expr): Constant | undefined {
  switch (e.kind) {
    case 'int': case 'float': case 'str': case 'bool': return e.value;
    case 'field': return e.enumValue;
    case 'unary': {
      const v = e.op === '-' ? constant(e.operand) : undefined;
      return typeof v === 'bigint' || typeof v === 'number' ? -v : undefined;
    }
    default: return undefined;
  }
}

const COMPARE: Record<string, (a: Constant, b: Constant) => boolean> = {
  '==': (a, b) => a === b, '!=': (a, b) => a !== b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

function constantComparison(e: ExprOf<'binary'>, diags: DiagBag): void {
  const cmp = COMPARE[e.op];
  if (!cmp) return;
  const a = constant(e.left), b = constant(e.right);
  let result: boolean | undefined;
  if (a !== undefined && b !== undefined) result = cmp(a, b);
  else if (sameVariable(e.left, e.right)) result = cmp(0, 0);
  if (result !== undefined) diags.report('constant-comparison', e.span, [String(result)]);
}

/** `x` and `x`, the same int, bool or str variable (a float may be NaN, unequal to itself). */
function sameVariable(a: Expr, b: Expr): boolean {
  return a.kind === 'name' && b.kind === 'name' && !!a.sym && a.sym === b.sym && a.sym.kind !== 'func' && ['int', 'bool', 'str'].includes(a.sym.type.k);
}
