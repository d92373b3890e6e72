// Symbols: what names resolve to after checking. These records are the tables the checker
// hands to the bytecode compiler (functions with their locals, globals, struct and class
// layouts, modules in dependency order).
import type { Expr, FuncDecl, Module } from './ast.js';
import type { Span } from './source.js';
import type { Type } from './types.js';

export interface LocalSym {
  readonly kind: 'local';
  readonly name: string;
  readonly type: Type;
  readonly span: Span;
  /** The function (or lambda) that owns the variable. */
  readonly fn: FuncInfo;
  readonly isParam: boolean;
  /** Set when some lambda captures this variable. */
  captured: boolean;
}

export interface GlobalSym {
  readonly kind: 'global';
  readonly name: string;
  readonly type: Type;
  readonly span: Span;
  readonly module: ModuleInfo;
  /** Position in CheckedProgram.globals. */
  readonly index: number;
}

/** A named function used as a value (bpjit: functions are values). */
export interface FuncSym {
  readonly kind: 'func';
  readonly fn: FuncInfo;
}

export type Sym = LocalSym | GlobalSym | FuncSym;

export interface FuncInfo {
  /** Unique name in the program: `f`, `mod.f`, `Class.m`, `f$lambda2`. Used for native symbols too. */
  readonly name: string;
  /** Name as written (for messages). */
  readonly shortName: string;
  readonly kind: 'func' | 'method' | 'lambda' | 'extern';
  readonly module: ModuleInfo;
  params: LocalSym[];
  paramTypes: Type[];
  ret: Type;
  readonly decl: FuncDecl | Extract<Expr, { kind: 'lambda' }> | null;
  readonly span: Span;
  readonly exported: boolean;
  /** For methods: the struct or class it belongs to (`self` is params[0]). */
  readonly owner: StructInfo | ClassInfo | null;
  /** Every local variable declared in the body, parameters first. */
  readonly locals: LocalSym[];
  /** Lambdas: the enclosing function's variables captured by value, in slot order. */
  readonly captures: LocalSym[];
  /** Externs: library and C symbol. */
  readonly extern?: { lib: string; symbol: string };
}

export interface FieldInfo {
  readonly name: string;
  readonly type: Type;
  readonly span: Span;
}

export interface StructInfo {
  readonly kind: 'struct';
  readonly name: string;
  readonly module: ModuleInfo;
  readonly span: Span;
  fields: FieldInfo[];
  readonly methods: Map<string, FuncInfo>;
}

export interface ClassInfo {
  readonly kind: 'class';
  readonly name: string;
  readonly module: ModuleInfo;
  readonly span: Span;
  base: ClassInfo | null;
  /** All fields, inherited ones first (the object layout). */
  fields: FieldInfo[];
  /** Methods declared in this class. */
  readonly methods: Map<string, FuncInfo>;
  /** Virtual dispatch table: slot → implementation (inherited or overriding). */
  vtable: FuncInfo[];
  /** Method name → vtable slot. */
  readonly slots: Map<string, number>;
  /** Numeric id, unique in the program (runtime type tests, printing). */
  id: number;
}

export interface EnumInfo {
  readonly name: string;
  readonly members: Map<string, bigint>;
  readonly span: Span;
}

export interface ModuleInfo {
  readonly name: string;
  readonly ast: Module;
  readonly functions: Map<string, FuncInfo>;
  readonly structs: Map<string, StructInfo>;
  readonly classes: Map<string, ClassInfo>;
  readonly enums: Map<string, EnumInfo>;
  readonly globals: Map<string, GlobalSym>;
  /** Alias (or module name) → imported module. */
  readonly imports: Map<string, ModuleInfo>;
}

/** The checker's output: the typed AST plus the program-wide tables. */
export interface CheckedProgram {
  /** Modules in dependency order; the entry module is last. */
  readonly modules: ModuleInfo[];
  /** Every function to compile: user functions, methods, lambdas (externs excluded). */
  readonly functions: FuncInfo[];
  readonly externs: FuncInfo[];
  readonly globals: GlobalSym[];
  readonly structs: StructInfo[];
  readonly classes: ClassInfo[];
  /** `main` of the entry module (or the first function, as in the reference). */
  readonly entry: FuncInfo | null;
  /** Global initialisers in execution order (module dependency order, then declaration order). */
  readonly globalInits: { sym: GlobalSym; init: Expr }[];
}
