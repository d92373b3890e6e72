// The module loader: an entry path → the parsed modules of the program, imports first (entry
// last), each with its imports resolved. `import NAME` looks for NAME.bp in the importing file's
// directory, the entry's directory, the extra search directories and BETTERPYTHON_PATH. Files
// come from a SourceHost (the file system, or an editor's open buffers), so the checker never
// reads files itself. A file that is not UTF-8 text is reported once and not lexed.
import fs from 'node:fs';
import path from 'node:path';
import type { Module } from './ast.js';
import type { DiagBag } from './diag.js';
import { parseModule } from './parser.js';
import { SourceFile, Span, notText, readSource, span } from './source.js';
import { didYouMean } from './suggest.js';

export interface SourceHost {
  /** The source at `path`, or null when there is no such file. */
  read(path: string): SourceFile | null;
  /** Names of the modules (.bp files, without the extension) in a directory, for suggestions. */
  list?(dir: string): string[];
}

export const FILE_HOST: SourceHost = {
  read(p) {
    try {
      return fs.statSync(p).isFile() ? readSource(p) : null;
    } catch {
      return null;
    }
  },
  list(dir) {
    try {
      return fs.readdirSync(dir).filter((f) => f.endsWith('.bp')).map((f) => f.slice(0, -3));
    } catch {
      return [];
    }
  },
};

export interface LoadOptions {
  host?: SourceHost;
  /** Extra module search directories (searched before BETTERPYTHON_PATH). */
  searchPath?: string[];
}

export interface LoadedModule {
  /** The path the module was read from (as found, relative when the entry was). */
  readonly path: string;
  /** Module name: the file's base name without `.bp`. */
  readonly name: string;
  readonly ast: Module;
  /** Alias (or module name) → the imported module, for every import that resolved. */
  readonly imports: Map<string, LoadedModule>;
}

/** Loads the entry and (first) everything it imports; modules come out in dependency order. */
export function loadModules(entryPath: string, diags: DiagBag, opts: LoadOptions = {}): LoadedModule[] {
  return new Loader(entryPath, diags, opts).run();
}

class Loader {
  private readonly host: SourceHost;
  private readonly byPath = new Map<string, LoadedModule | 'loading'>();
  private readonly modules: LoadedModule[] = [];
  private readonly dirs: string[];
  /** Files read so far (finding a module reads it; loading it must not read it again). */
  private readonly files = new Map<string, SourceFile | null>();

  constructor(private readonly entryPath: string, private readonly diags: DiagBag, opts: LoadOptions) {
    this.host = opts.host ?? FILE_HOST;
    const envPath = (process.env.BETTERPYTHON_PATH ?? '').split(':').filter(Boolean);
    this.dirs = [path.dirname(entryPath), ...(opts.searchPath ?? []), ...envPath];
  }

  run(): LoadedModule[] {
    this.load(this.entryPath, null);
    return this.modules;
  }

  private load(file: string, from: Span | null): LoadedModule | null {
    const key = path.resolve(file);
    const known = this.byPath.get(key);
    const name = path.basename(file, '.bp');
    if (known === 'loading') {
      if (from) this.diags.report('circular-import', from, [name]);
      return null;
    }
    if (known) return known;
    const src = this.read(file);
    if (!src) {
      if (from) this.diags.report('module-not-found', from, [name]);
      else throw new Error(`cannot open ${file}`);
      return null;
    }
    this.byPath.set(key, 'loading');
    const bad = notText(src);
    if (bad) this.diags.report('not-text', span(src, bad.offset, bad.offset + 1), [bad.reason]);
    const ast: Module = bad ? { file: src, name, decls: [] } : parseModule(src, name, this.diags);
    const info: LoadedModule = { path: file, name, ast, imports: new Map() };
    for (const d of ast.decls) {
      if (d.kind !== 'import') continue;
      const found = this.find(d.module, path.dirname(file));
      if (!found) {
        this.diags.report('module-not-found', d.moduleSpan, [d.module], didYouMean(d.module, this.moduleNames(path.dirname(file)), 'module'));
        continue;
      }
      const m = this.load(found, d.moduleSpan);
      if (m) {
        const alias = d.alias ?? d.module;
        if (info.imports.has(alias)) this.diags.report('duplicate-import', d.moduleSpan, [alias]);
        info.imports.set(alias, m);
      }
    }
    this.byPath.set(key, info);
    this.modules.push(info);
    return info;
  }

  private find(name: string, fromDir: string): string | null {
    for (const d of [fromDir, ...this.dirs]) {
      const p = path.join(d, `${name}.bp`);
      if (this.read(p)) return p;
    }
    return null;
  }

  private read(p: string): SourceFile | null {
    if (!this.files.has(p)) this.files.set(p, this.host.read(p));
    return this.files.get(p)!;
  }

  private moduleNames(fromDir: string): string[] {
    return [...new Set([fromDir, ...this.dirs].flatMap((d) => this.host.list?.(d) ?? []))];
  }
}
