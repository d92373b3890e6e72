// Rename across modules: a function or global is also used by the modules that import its
// module, which the analysis of the buffer being edited does not load (it follows imports, not
// importers). Those are found among the open buffers and the .bp files of the workspace, each
// analysed as the entry of its own program, and their references matched to the declaration by
// where it is (the same declaration is a different object in each analysis).
import fs from 'node:fs';
import path from 'node:path';
import type { Analysis } from './analysis.js';
import { declaration } from './describe.js';
import type { Ref, Target } from './xref.js';

/** Directories never searched for importers, and how many files are read at most. */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'out']);
const MAX_FILES = 5000;

/** Where a target is declared, as a key equal across analyses; null for what has no declaration. */
export function declarationKey(t: Target): string | null {
  const d = declaration(t);
  return d ? `${path.resolve(d.file.path)}:${d.start}` : null;
}

/** Whether other modules can refer to the target (through an import of its module). */
export function visibleToImporters(t: Target): boolean {
  return t.kind === 'global' || (t.kind === 'func' && t.fn.kind === 'func' && !t.fn.owner);
}

/** Every reference in `a` to the declaration at `key`. */
export function refsToDeclaration(a: Analysis, key: string): Ref[] {
  const out: Ref[] = [];
  for (const m of a.modules.values()) for (const r of m.refs) if (declarationKey(r.target) === key) out.push(r);
  return out;
}

/** The .bp files under `roots` (depth first, hidden and build directories skipped). */
export function workspaceFiles(roots: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string): void => {
    if (out.length >= MAX_FILES || seen.has(dir)) return;
    seen.add(dir);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) walk(p);
      else if (e.isFile() && e.name.endsWith('.bp') && out.length < MAX_FILES) out.push(p);
    }
  };
  for (const r of roots) walk(path.resolve(r));
  return out;
}

/**
 * The files that may use `name` from another module: candidates whose text mentions it, other
 * than those `a` already analysed (their references are in `a`). `read` gives a file's text
 * (the open buffer, else the file).
 */
export function importerCandidates(a: Analysis, candidates: Iterable<string>, name: string, read: (file: string) => string | null): string[] {
  const out = new Set<string>();
  const word = new RegExp(`\\b${name}\\b`);
  for (const f of candidates) {
    const file = path.resolve(f);
    if (a.modules.has(file) || out.has(file)) continue;
    const text = read(file);
    if (text !== null && word.test(text)) out.add(file);
  }
  return [...out];
}
