// `bpjit lsp`: the language server, over stdio, on vscode-languageserver. Every open buffer is
// analysed as the entry of its program with the other open buffers in place of their files
// (analysis.ts), 200 ms after the last change; diagnostics are published for every open file,
// and an error inside an imported module is also reported on the import that leads to it.
// Requests (hover, definition, completion, symbols, rename, semantic tokens, formatting)
// re-analyse a buffer first if it changed since; references and rename also analyse the programs
// that import the module they are about (rename.ts).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as LSP from 'vscode-languageserver/node';
import type { TextDocument as Doc } from 'vscode-languageserver-textdocument';
import type { Decl } from '../lang/ast.js';
import { LspDiagnostic, fileUri, lspRange, toLspDiagnostic } from '../lang/diag-json.js';
import { formatSource } from '../lang/format.js';
import { SourceFile, Span, offsetAt, sourceFromText, utf8ToBytes } from '../lang/source.js';
import type { ModuleInfo } from '../lang/symbols.js';
import { Analysis, analyze, overlayHost } from './analysis.js';
import type { Ref } from './xref.js';
import { CompletionEntry, PLACEHOLDER, completionContext, memberCompletions, nameCompletions } from './complete.js';
import { declaration } from './describe.js';
import { DocSymbol, TOKEN_MODIFIERS, TOKEN_TYPES, definitionAt, documentSymbols, hoverAt, refAt, referencesTo, renameTarget, semanticTokens, validName } from './features.js';
import { declarationKey, importerCandidates, refsToDeclaration, visibleToImporters, workspaceFiles } from './rename.js';

const DEBOUNCE_MS = 200;

const COMPLETION_KIND: Record<CompletionEntry['kind'], number> = {
  keyword: 14, function: 3, method: 2, field: 5, variable: 6, module: 9, struct: 22, class: 7, enum: 13, member: 20,
};
const SYMBOL_KIND: Record<DocSymbol['kind'], number> = {
  function: 12, method: 6, struct: 23, class: 5, field: 8, enum: 10, member: 22, variable: 13, module: 2,
};

/**
 * Runs the server until the client says exit (the connection then ends the process). The
 * libraries are CommonJS packages required at run time, so the CLI bundle never includes them
 * and no other command loads them.
 */
export function startServer(): Promise<never> {
  const require = createRequire(import.meta.url);
  const lsp = require('vscode-languageserver/node') as typeof LSP;
  const { TextDocument } = require('vscode-languageserver-textdocument') as typeof import('vscode-languageserver-textdocument');
  const connection = lsp.createConnection(new lsp.StreamMessageReader(process.stdin), new lsp.StreamMessageWriter(process.stdout));
  const documents = new lsp.TextDocuments(TextDocument);
  new Server(lsp, connection, documents).listen();
  documents.listen(connection);
  connection.listen();
  return new Promise<never>(() => {});
}

interface Cached {
  version: number;
  analysis: Analysis;
}

class Server {
  private readonly cache = new Map<string, Cached>();
  /** The last analysis of each buffer whose program parsed (types for an incomplete line). */
  private readonly lastGood = new Map<string, Analysis>();
  private timer: NodeJS.Timeout | null = null;
  private readonly published = new Set<string>();
  /** The workspace's folders (where a rename looks for modules importing the renamed one). */
  private roots: string[] = [];

  constructor(private readonly lsp: typeof LSP, private readonly connection: LSP.Connection, private readonly documents: LSP.TextDocuments<Doc>) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => {
      this.roots = (p.workspaceFolders ?? []).map((f) => pathOf(f.uri));
      if (!this.roots.length && p.rootUri) this.roots = [pathOf(p.rootUri)];
      return this.capabilities();
    });
    this.documents.onDidChangeContent(() => this.schedule());
    this.documents.onDidClose((e) => {
      this.cache.delete(e.document.uri);
      this.lastGood.delete(e.document.uri);
      this.schedule();
    });
    c.onHover((p) => this.guard(() => this.hover(p)));
    c.onDefinition((p) => this.guard(() => this.definition(p)));
    c.onReferences((p) => this.guard(() => this.references(p)));
    c.onCompletion((p) => this.guard(() => this.completion(p)));
    c.onDocumentSymbol((p) => this.guard(() => this.symbols(p)));
    c.onPrepareRename((p) => this.guard(() => this.prepareRename(p)));
    c.onRenameRequest((p) => this.guard(() => this.rename(p)));
    c.onDocumentFormatting((p) => this.guard(() => this.format(p)));
    c.languages.semanticTokens.on((p) => this.guard(() => this.tokens(p)) ?? { data: [] });
  }

  private capabilities(): LSP.InitializeResult {
    return {
      capabilities: {
        textDocumentSync: this.lsp.TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: ['.'] },
        documentSymbolProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
      },
      serverInfo: { name: 'bpjit' },
    };
  }

  /** A request that fails answers null (and is logged) instead of taking the server down. */
  private guard<T>(f: () => T): T | null {
    try {
      return f();
    } catch (e) {
      if (e instanceof this.lsp.ResponseError) throw e;
      this.connection.console.error(`bpjit: ${(e as Error).stack ?? String(e)}`);
      return null;
    }
  }

  // --- analysis and diagnostics -----------------------------------------------------------

  private buffers(extra?: [string, string]): Map<string, string> {
    const out = new Map<string, string>();
    for (const d of this.documents.all()) out.set(pathOf(d.uri), d.getText());
    if (extra) out.set(extra[0], extra[1]);
    return out;
  }

  private analysis(doc: Doc): Analysis {
    const hit = this.cache.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const a = analyze(pathOf(doc.uri), overlayHost(this.buffers()));
    this.cache.set(doc.uri, { version: doc.version, analysis: a });
    if (a.typed) this.lastGood.set(doc.uri, a);
    return a;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.guard(() => this.publishAll());
    }, DEBOUNCE_MS);
  }

  /** Every buffer is re-analysed: an edit in one module can break the programs importing it. */
  private publishAll(): void {
    this.cache.clear();
    const open = new Set<string>();
    for (const doc of this.documents.all()) {
      open.add(doc.uri);
      const file = pathOf(doc.uri);
      const a = this.analysis(doc);
      const own = a.diagnostics.filter((d) => path.resolve(d.span.file.path) === file).map(toLspDiagnostic);
      this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [...own, ...importErrors(a, file)] });
      this.published.add(doc.uri);
    }
    for (const uri of this.published) {
      if (open.has(uri)) continue;
      this.connection.sendDiagnostics({ uri, diagnostics: [] });
      this.published.delete(uri);
    }
  }

  // --- requests ---------------------------------------------------------------------------

  /** The analysis of a request's document, its source and the cursor's byte offset. */
  private at(p: { textDocument: { uri: string }; position?: LSP.Position }): { a: Analysis; doc: Doc; file: string; src: SourceFile; offset: number } | null {
    const doc = this.documents.get(p.textDocument.uri);
    if (!doc) return null;
    const a = this.analysis(doc);
    const file = pathOf(doc.uri);
    const src = a.files.get(file) ?? sourceFromText(file, utf8ToBytes(doc.getText()));
    return { a, doc, file, src, offset: p.position ? offsetAt(src, p.position) : 0 };
  }

  private hover(p: LSP.HoverParams): LSP.Hover | null {
    const q = this.at(p);
    if (!q) return null;
    const h = hoverAt(q.a, q.file, q.offset) ?? this.fallback(q.doc, (g) => hoverAt(g, q.file, q.offset));
    return h ? { contents: { kind: 'markdown', value: h.markdown }, range: lspRange(h.span) } : null;
  }

  /** Answers from the last analysis that had types, while the buffer does not parse. */
  private fallback<T>(doc: Doc, f: (a: Analysis) => T | null): T | null {
    const good = this.lastGood.get(doc.uri);
    return good && good !== this.cache.get(doc.uri)?.analysis ? f(good) : null;
  }

  private definition(p: LSP.DefinitionParams): LSP.Location | null {
    const q = this.at(p);
    if (!q) return null;
    const s = definitionAt(q.a, q.file, q.offset) ?? this.fallback(q.doc, (g) => definitionAt(g, q.file, q.offset));
    return s ? location(s) : null;
  }

  private references(p: LSP.ReferenceParams): LSP.Location[] {
    const q = this.at(p);
    const r = q && refAt(q.a, q.file, q.offset);
    if (!q || !r) return [];
    return this.everyRef(q.a, r).refs.filter((x) => p.context.includeDeclaration || !x.def).map((x) => location(x.span));
  }

  /** Every reference to what `r` refers to: in `a`'s program and in the programs importing it (once each). */
  private everyRef(a: Analysis, r: Ref): { refs: Ref[]; analyses: Analysis[] } {
    const analyses = [a, ...this.importers(a, r)];
    const key = declarationKey(r.target);
    const seen = new Set<string>();
    const refs = [...referencesTo(a, r.target), ...(key ? analyses.slice(1).flatMap((x) => refsToDeclaration(x, key)) : [])].filter((x) => {
      const at = `${path.resolve(x.span.file.path)}:${x.span.start}`;
      return !seen.has(at) && seen.add(at);
    });
    return { refs, analyses };
  }

  private completion(p: LSP.CompletionParams): LSP.CompletionItem[] {
    const doc = this.documents.get(p.textDocument.uri);
    if (!doc) return [];
    const text = doc.getText();
    const cursor = doc.offsetAt(p.position);
    const ctx = completionContext(text, cursor);
    let entries: CompletionEntry[] | null = null;
    if (ctx.afterDot) {
      // Re-check with a placeholder after a bare dot, so that `p.` is a field access of p.
      const probe = ctx.prefixStart === cursor ? text.slice(0, cursor) + PLACEHOLDER + text.slice(cursor) : text;
      const file = pathOf(doc.uri);
      const a = analyze(file, overlayHost(this.buffers([file, probe])));
      const offset = utf8ToBytes(probe.slice(0, cursor)).length;
      entries = memberCompletions(a, file, offset) ?? [];
    } else {
      const q = this.at(p)!;
      const a = q.a.typed ? q.a : this.lastGood.get(doc.uri) ?? q.a;
      entries = nameCompletions(a, q.file, q.offset);
    }
    return entries.map((e) => ({
      label: e.label, kind: COMPLETION_KIND[e.kind] as LSP.CompletionItemKind, detail: e.detail,
      documentation: e.doc ? { kind: 'markdown', value: e.doc } : undefined,
    }));
  }

  private symbols(p: LSP.DocumentSymbolParams): LSP.DocumentSymbol[] {
    const q = this.at(p);
    const m = q?.a.program?.modules.find((x) => path.resolve(x.ast.file.path) === q.file);
    const convert = (s: DocSymbol): LSP.DocumentSymbol => ({
      name: s.name, kind: SYMBOL_KIND[s.kind] as LSP.SymbolKind, detail: s.detail, range: lspRange(s.span), selectionRange: lspRange(s.nameSpan),
      children: s.children?.map(convert),
    });
    return m ? documentSymbols(m.ast.decls as Decl[]).map(convert) : [];
  }

  private prepareRename(p: LSP.PrepareRenameParams): LSP.PrepareRenameResult | null {
    const q = this.at(p);
    if (!q) return null;
    const r = renameTarget(q.a, q.file, q.offset);
    if (typeof r === 'string') throw new this.lsp.ResponseError(this.lsp.ErrorCodes.InvalidRequest, r);
    return { range: lspRange(r.span), placeholder: r.span.file.text.slice(r.span.start, r.span.end) };
  }

  private rename(p: LSP.RenameParams): LSP.WorkspaceEdit | null {
    const q = this.at(p);
    if (!q) return null;
    if (!validName(p.newName)) throw new this.lsp.ResponseError(this.lsp.ErrorCodes.InvalidParams, `'${p.newName}' is not a name`);
    const r = renameTarget(q.a, q.file, q.offset);
    if (typeof r === 'string') throw new this.lsp.ResponseError(this.lsp.ErrorCodes.InvalidRequest, r);
    const { refs, analyses } = this.everyRef(q.a, r);
    const changes: Record<string, LSP.TextEdit[]> = {};
    for (const ref of refs) (changes[fileUri(ref.span.file.path)] ??= []).push({ range: lspRange(ref.span), newText: p.newName });
    this.checkRename(analyses, changes, p.newName);
    return { changes };
  }

  /**
   * The programs, other than `a`'s, that may use what `r` declares: those whose entry is an open
   * buffer or a .bp file of the workspace (or of the declaring module's directory, without one)
   * mentioning its name, and loading the declaring module.
   */
  private importers(a: Analysis, r: Ref): Analysis[] {
    const decl = declaration(r.target);
    if (!decl || !visibleToImporters(r.target)) return [];
    const declFile = path.resolve(decl.file.path);
    const buffers = this.buffers();
    const roots = this.roots.length ? this.roots : [path.dirname(declFile)];
    const read = (f: string) => buffers.get(f) ?? readText(f);
    const name = r.span.file.text.slice(r.span.start, r.span.end);
    return importerCandidates(a, [...buffers.keys(), ...workspaceFiles(roots)], name, read)
      .map((f) => analyze(f, overlayHost(buffers)))
      .filter((x) => x.modules.has(declFile));
  }

  /** A rename must not break a program (a name clash): check each with the edits applied. */
  private checkRename(before: Analysis[], changes: Record<string, LSP.TextEdit[]>, name: string): void {
    const buffers = this.buffers();
    for (const [uri, edits] of Object.entries(changes)) {
      const file = pathOf(uri);
      const src = before.map((a) => a.files.get(file)).find((f) => f !== undefined);
      if (!src) continue;
      let text = src.text;
      const spans = edits.map((e) => [offsetAt(src, e.range.start), offsetAt(src, e.range.end)] as const).sort((x, y) => y[0] - x[0]);
      for (const [s, e] of spans) text = text.slice(0, s) + name + text.slice(e);
      buffers.set(file, Buffer.from(text, 'latin1').toString('utf8'));
    }
    const errors = (a: Analysis) => a.diagnostics.filter((d) => d.severity === 'error');
    for (const b of before) {
      const after = analyze(b.entry, overlayHost(buffers));
      if (errors(after).length > errors(b).length) {
        throw new this.lsp.ResponseError(this.lsp.ErrorCodes.InvalidRequest, `renaming to '${name}' would break the program: ${errors(after)[0].message}`);
      }
    }
  }

  private format(p: LSP.DocumentFormattingParams): LSP.TextEdit[] {
    const doc = this.documents.get(p.textDocument.uri);
    if (!doc) return [];
    const r = formatSource(sourceFromText(pathOf(doc.uri), utf8ToBytes(doc.getText())));
    if (!r.ok) return [];
    const text = Buffer.from(r.text, 'latin1').toString('utf8');
    return text === doc.getText() ? [] : [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: text }];
  }

  private tokens(p: LSP.SemanticTokensParams): LSP.SemanticTokens {
    const q = this.at(p);
    return { data: q ? semanticTokens(q.a, q.src) : [] };
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function pathOf(uri: string): string {
  return uri.startsWith('file:') ? path.resolve(fileURLToPath(uri)) : path.resolve(uri);
}

function location(s: Span): LSP.Location {
  return { uri: fileUri(s.file.path), range: lspRange(s) };
}

/** Errors in modules `file` imports, each group reported on the import that leads to it. */
function importErrors(a: Analysis, file: string): LspDiagnostic[] {
  const me = a.program?.modules.find((m) => path.resolve(m.ast.file.path) === file);
  if (!me) return [];
  const byFile = new Map<string, typeof a.diagnostics[number][]>();
  for (const d of a.diagnostics) {
    const f = path.resolve(d.span.file.path);
    if (f !== file && d.severity === 'error') byFile.set(f, [...(byFile.get(f) ?? []), d]);
  }
  const out: LspDiagnostic[] = [];
  for (const [f, list] of byFile) {
    const via = me.ast.decls.find((d): d is Extract<Decl, { kind: 'import' }> => d.kind === 'import' && reaches(me.imports.get(d.alias ?? d.module), f, new Set()));
    if (!via) continue;
    const n = list.length;
    out.push({
      range: lspRange(via.moduleSpan), severity: 1, source: 'bpjit',
      message: `module '${path.basename(f, '.bp')}' has ${n} error${n === 1 ? '' : 's'}: ${list[0].message}`,
      relatedInformation: list.map((d) => ({ location: location(d.span), message: d.message })),
    });
  }
  return out;
}

function reaches(m: ModuleInfo | undefined, file: string, seen: Set<ModuleInfo>): boolean {
  if (!m || seen.has(m)) return false;
  seen.add(m);
  if (path.resolve(m.ast.file.path) === file) return true;
  return [...m.imports.values()].some((x) => reaches(x, file, seen));
}
