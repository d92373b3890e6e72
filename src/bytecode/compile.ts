// Bytecode compiler: CheckedProgram → BytecodeModule, one tree walk per function: the
// statements (compile-stmt.ts) over the expressions (compile-expr.ts) over the instruction
// buffer and registers (compile-base.ts); the entry points are here. Last, the concatenations
// whose string no one else holds become appends in place (append.ts).
import type { Expr } from '../lang/ast.js';
import { lineOf } from '../lang/source.js';
import type { CheckedProgram } from '../lang/symbols.js';
import type { BcFunction, BytecodeModule } from './module.js';
import { Op } from './opcodes.js';
import { markAppends } from './append.js';
import { ModuleBuilder } from './compile-base.js';
import { StmtCompiler } from './compile-stmt.js';

export function compileProgram(prog: CheckedProgram): BytecodeModule {
  const mb = new ModuleBuilder(prog);
  const functions: BcFunction[] = prog.functions.map((f) => new FnCompiler(mb, f).compileFunction());
  let init = -1;
  if (prog.globalInits.length > 0) {
    init = functions.length;
    functions.push(new FnCompiler(mb, null).compileGlobalInit());
  }
  const mod: BytecodeModule = {
    files: mb.files,
    consts: mb.consts,
    functions,
    globals: prog.globals.map((g) => ({ name: g.name, type: mb.desc(g.type) })),
    structs: prog.structs.map((s) => ({ name: s.name, fields: s.fields.map((f) => ({ name: f.name, type: mb.desc(f.type) })) })),
    classes: prog.classes.map((c) => ({
      name: c.name,
      base: c.base ? mb.classIndex(c.base) : -1,
      fields: c.fields.map((f) => ({ name: f.name, type: mb.desc(f.type) })),
      vtable: c.vtable.map((f) => mb.fnIndex.get(f)!),
      initSlot: c.slots.get('__init__') ?? -1,
    })),
    externs: prog.externs.map((f) => ({
      name: f.name, lib: f.extern!.lib, symbol: f.extern!.symbol, params: f.paramTypes.map((t) => mb.desc(t)), ret: mb.desc(f.ret),
      file: mb.file(f.span.file.path), line: lineOf(f.span),
    })),
    init,
    entry: prog.entry ? mb.fnIndex.get(prog.entry)! : -1,
  };
  markAppends(mod);
  return mod;
}

class FnCompiler extends StmtCompiler {
  // --- functions --------------------------------------------------------------------------

  compileFunction(): BcFunction {
    const fn = this.fn!;
    for (const p of [...fn.captures, ...fn.params]) {
      this.vars.set(p, this.newReg(this.mb.desc(p.type)));
      this.scope(p, this.vars.get(p)!);
    }
    this.line = lineOf(fn.span);
    const decl = fn.decl;
    if (decl && decl.kind === 'lambda') {
      this.at(decl.body);
      if (fn.ret.k === 'void') {
        this.expr(decl.body);
        this.emit(Op.retv);
      } else this.emit(Op.ret, this.expr(decl.body));
    } else if (decl) {
      this.block(decl.body);
      this.emit(Op.retv);
    }
    const out = this.finish(fn.name, fn.captures.length + fn.params.length, fn.captures.length, this.mb.desc(fn.ret), fn.span);
    return fn.exported && fn.kind === 'func' ? { ...out, exported: true } : out;
  }

  compileGlobalInit(): BcFunction {
    const prog = this.mb.prog;
    for (const { sym, init } of prog.globalInits) {
      this.at(init);
      const m = this.mark();
      this.emit(Op.storeg, this.expr(init), sym.index);
      this.release(m);
    }
    this.emit(Op.retv);
    return this.finish('$init', 0, 0, 'v', prog.globalInits[0].init.span);
  }

  private finish(name: string, arity: number, ncaps: number, ret: string, span: Expr['span']): BcFunction {
    return {
      name, arity, ncaps, ret,
      regKinds: Uint8Array.from(this.regKinds),
      regTypes: this.regTypes,
      code: Int32Array.from(this.code),
      lines: Int32Array.from(this.lines),
      file: this.mb.file(span.file.path),
      defLine: lineOf(span),
      handlers: this.handlers,
      vars: this.scopes.map((v) => (v.end < 0 ? { ...v, end: this.code.length } : v)),
    };
  }
}
