// One analysis of a program for the language server: the front end run on an entry file with
// the editor's unsaved buffers in place of the files on disk, its diagnostics (warnings
// included), and a cross-reference index for every module it loaded.
import path from 'node:path';
import { DiagBag, Diagnostic, InternalError, TooManyErrors } from '../lang/diag.js';
import { check } from '../lang/checker.js';
import { lint } from '../lang/lint.js';
import { FILE_HOST, SourceHost, loadModules } from '../lang/loader.js';
import { SourceFile, sourceFromText, utf8ToBytes } from '../lang/source.js';
import type { CheckedProgram, ModuleInfo } from '../lang/symbols.js';
import { ModuleIndex, indexModule } from './xref.js';

export interface Analysis {
  readonly entry: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly program: CheckedProgram | null;
  /** Whether types and symbols were filled in (the checker stops before them after a syntax error). */
  readonly typed: boolean;
  /** Absolute path → the module read from it, with its index. */
  readonly modules: ReadonlyMap<string, ModuleIndex>;
  /** Absolute path → the source the analysis read (open buffers included). */
  readonly files: ReadonlyMap<string, SourceFile>;
}

/** Open buffers (absolute path → text) over the file system. */
export function overlayHost(buffers: ReadonlyMap<string, string>): SourceHost {
  return {
    read: (p) => {
      const text = buffers.get(path.resolve(p));
      return text !== undefined ? sourceFromText(p, utf8ToBytes(text)) : FILE_HOST.read(p);
    },
    list: FILE_HOST.list,
  };
}

export function analyze(entry: string, host: SourceHost): Analysis {
  const diags = new DiagBag(200);
  const files = new Map<string, SourceFile>();
  const recording: SourceHost = {
    read: (p) => {
      const f = host.read(p);
      if (f) files.set(path.resolve(p), f);
      return f;
    },
    list: host.list,
  };
  let program: CheckedProgram | null = null;
  let typed = false;
  try {
    const loaded = loadModules(entry, diags, { host: recording });
    typed = !diags.hasErrors;
    program = check(loaded, diags, { requireEntry: false });
    if (!diags.hasErrors) lint(program, diags);
  } catch (e) {
    if (!(e instanceof TooManyErrors || e instanceof InternalError)) throw e;
  }
  const modules = new Map<string, ModuleIndex>();
  for (const m of program?.modules ?? []) modules.set(path.resolve(m.ast.file.path), safeIndex(m));
  return { entry: path.resolve(entry), diagnostics: diags.sorted(), program, typed, modules, files };
}

function safeIndex(m: ModuleInfo): ModuleIndex {
  try {
    return indexModule(m);
  } catch {
    return { module: m, refs: [], scopes: [] };
  }
}
