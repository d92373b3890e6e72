// The language server driven as an editor drives it: a child process speaking JSON-RPC on its
// stdin/stdout, and a client connection from vscode-languageserver-protocol (the library VS
// Code's client is built on). One scripted session: initialize, diagnostics as the buffer
// changes (and for an error inside an imported module), hover, definition across an import,
// completion of members and names, document symbols, references and rename (from a module to
// the modules importing it, open or on disk), semantic tokens (inside f-strings too), formatting,
// shutdown.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as P from 'vscode-languageserver-protocol/node';
import { LSP_COMMAND } from '../helpers/lsp.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-lsp-'));
const uri = (f: string) => pathToFileURL(path.join(dir, f)).href;
const UTIL = 'export def area(w: int, h: int) -> int:\n    return w * h\n';
const MAIN = `import util

struct Point:
    x: int
    length: int

def total(p: Point) -> int:
    let sum: int = p.x + p.length
    return sum + util.area(2, 3)

def main() -> int:
    let pt: Point = Point{x: 1, length: 2}
    print(total(pt))
    print(f"x {pt.x}: {total(pt)}")
    return 0
`;
// On disk only (never opened): a module that imports util; one with an area of its own; and in
// sub/, a util of its own with a module importing that one.
const OTHER = 'import util\n\ndef main() -> int:\n    return util.area(1, 1)\n';
const LONE = 'def area() -> int:\n    return 1\n\ndef main() -> int:\n    return area()\n';
fs.writeFileSync(path.join(dir, 'util.bp'), UTIL);
fs.writeFileSync(path.join(dir, 'main.bp'), MAIN);
fs.writeFileSync(path.join(dir, 'other.bp'), OTHER);
fs.writeFileSync(path.join(dir, 'lone.bp'), LONE);
fs.mkdirSync(path.join(dir, 'sub'));
fs.writeFileSync(path.join(dir, 'sub/util.bp'), UTIL);
fs.writeFileSync(path.join(dir, 'sub/other.bp'), OTHER);

let child: ChildProcess;
let init: P.InitializeResult;
let conn: P.ProtocolConnection;
const published: P.PublishDiagnosticsParams[] = [];
/** Pending waits: each is tried on every notification until it accepts one. */
let waiters: (() => boolean)[] = [];

/** The next diagnostics for `file` that `ok` accepts (the server publishes after a debounce). */
function diagnostics(file: string, ok: (d: P.Diagnostic[]) => boolean): Promise<P.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`no matching diagnostics for ${file}: ${JSON.stringify(published.filter((p) => p.uri === uri(file)).slice(-1))}`)), 20000);
    const check = () => {
      const hit = [...published].reverse().find((p) => p.uri === uri(file));
      if (hit && ok(hit.diagnostics)) {
        clearTimeout(limit);
        resolve(hit.diagnostics);
        return true;
      }
      return false;
    };
    if (!check()) waiters.push(check);
  });
}

const pos = (text: string, needle: string, delta = 0): P.Position => {
  const i = text.indexOf(needle) + delta;
  const before = text.slice(0, i).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
};
const doc = (f: string) => ({ textDocument: { uri: uri(f) } });

test('initialize: the server announces what it can do', async () => {
  const [cmd, ...args] = LSP_COMMAND;
  child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: dir });
  conn = P.createProtocolConnection(new P.StreamMessageReader(child.stdout!), new P.StreamMessageWriter(child.stdin!));
  conn.onNotification(P.PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    waiters = waiters.filter((w) => !w());
  });
  conn.listen();
  init = await conn.sendRequest(P.InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
  const caps = init.capabilities;
  assert.ok(caps.hoverProvider && caps.definitionProvider && caps.documentSymbolProvider && caps.completionProvider && caps.renameProvider && caps.semanticTokensProvider);
  await conn.sendNotification(P.InitializedNotification.type, {});
});

test('diagnostics: a clean buffer, then an error as it is typed, with its code and suggestion', async () => {
  await conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('main.bp'), languageId: 'betterpython', version: 1, text: MAIN } });
  assert.equal(await diagnostics('main.bp', () => true), []);
  const broken = MAIN.replace('print(total(pt))', 'pritn(total(pt))');
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('main.bp'), version: 2 }, contentChanges: [{ text: broken }] });
  const d = await diagnostics('main.bp', (ds) => ds.length > 0);
  assert.is(d[0].code, 'E0222');
  assert.is(d[0].message, "unknown function 'pritn'");
  assert.equal(d[0].range, { start: pos(broken, 'pritn'), end: pos(broken, 'pritn', 5) });
  assert.match(d[0].relatedInformation![0].message, /did you mean the builtin 'print'/);
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('main.bp'), version: 3 }, contentChanges: [{ range: { start: pos(broken, 'pritn'), end: pos(broken, 'pritn', 5) }, text: 'print' }] });
  assert.equal(await diagnostics('main.bp', (ds) => ds.length === 0), []);
});

test('diagnostics: an error in an open imported module is also reported on the import', async () => {
  const bad = UTIL.replace('w * h', 'w * "h"');
  await conn.sendNotification(P.DidOpenTextDocumentNotification.type, { textDocument: { uri: uri('util.bp'), languageId: 'betterpython', version: 1, text: bad } });
  const own = await diagnostics('util.bp', (ds) => ds.length > 0);
  assert.is(own[0].code, 'E0212');
  const onImport = await diagnostics('main.bp', (ds) => ds.length > 0);
  assert.match(onImport[0].message as string, /^module 'util' has 1 error: arithmetic '\*'/);
  assert.equal(onImport[0].range.start, pos(MAIN, 'util'));
  assert.is(onImport[0].relatedInformation![0].location.uri, uri('util.bp'));
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('util.bp'), version: 2 }, contentChanges: [{ text: UTIL }] });
  await diagnostics('main.bp', (ds) => ds.length === 0);
});

test('hover: functions, builtins with their documentation, fields, locals', async () => {
  const hover = async (needle: string, delta = 0) => {
    const h = await conn.sendRequest(P.HoverRequest.type, { ...doc('main.bp'), position: pos(MAIN, needle, delta) });
    return ((h?.contents as P.MarkupContent | undefined)?.value ?? '') as string;
  };
  assert.match(await hover('total(pt)'), 'def total(p: Point) -> int');
  assert.match(await hover('print('), 'print(any...) -> void');
  assert.match(await hover('print('), 'Prints its arguments');
  assert.match(await hover('length\n', 0), 'Point.length: int');
  assert.match(await hover('p.length', 2), 'Point.length: int');
  assert.match(await hover('sum +'), 'let sum: int');
  assert.match(await hover('area('), 'def util.area(w: int, h: int) -> int');
});

test('definition: a local, and a function across the import', async () => {
  const local = await conn.sendRequest(P.DefinitionRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'sum +') }) as P.Location;
  assert.equal(local, { uri: uri('main.bp'), range: { start: pos(MAIN, 'sum:'), end: pos(MAIN, 'sum:', 3) } });
  const remote = await conn.sendRequest(P.DefinitionRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'area(') }) as P.Location;
  assert.equal(remote, { uri: uri('util.bp'), range: { start: pos(UTIL, 'area'), end: pos(UTIL, 'area', 4) } });
});

test('references: every use of a function, in the files importing its module too, with or without its declaration', async () => {
  const refs = await conn.sendRequest(P.ReferencesRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'area('), context: { includeDeclaration: true } });
  assert.equal(refs!.map((l) => l.uri).sort(), [uri('main.bp'), uri('other.bp'), uri('util.bp')]);
  const uses = await conn.sendRequest(P.ReferencesRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'area('), context: { includeDeclaration: false } });
  assert.equal(uses!.map((l) => l.uri).sort(), [uri('main.bp'), uri('other.bp')]);
});

test('completion: the fields of a value after a dot, names and builtins with signatures elsewhere', async () => {
  const typing = MAIN.replace('    print(total(pt))', '    print(pt.)');
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('main.bp'), version: 4 }, contentChanges: [{ text: typing }] });
  const members = await conn.sendRequest(P.CompletionRequest.type, { ...doc('main.bp'), position: pos(typing, 'pt.)', 3) }) as P.CompletionItem[];
  assert.equal(members.map((c) => c.label).sort(), ['length', 'x']);
  const names = await conn.sendRequest(P.CompletionRequest.type, { ...doc('main.bp'), position: pos(typing, 'print(pt') }) as P.CompletionItem[];
  const by = new Map(names.map((c) => [c.label, c]));
  assert.is(by.get('array_len')?.detail, 'array_len([T]) -> int');
  assert.ok(by.has('pt') && by.has('total') && by.has('Point') && by.has('util') && by.has('while'), [...by.keys()].slice(0, 20).join(' '));
  assert.not.ok(by.has('sum'), 'a local of another function is not offered');
  const mod = typing.replace('print(pt.)', 'print(util.)');
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('main.bp'), version: 5 }, contentChanges: [{ text: mod }] });
  const fns = await conn.sendRequest(P.CompletionRequest.type, { ...doc('main.bp'), position: pos(mod, 'util.)', 5) }) as P.CompletionItem[];
  assert.equal(fns.map((c) => [c.label, c.detail]), [['area', 'def util.area(w: int, h: int) -> int']]);
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('main.bp'), version: 6 }, contentChanges: [{ text: MAIN }] });
});

test('document symbols: declarations with their members', async () => {
  const syms = await conn.sendRequest(P.DocumentSymbolRequest.type, doc('main.bp')) as P.DocumentSymbol[];
  assert.equal(syms.map((s) => s.name), ['util', 'Point', 'total', 'main']);
  assert.equal(syms[1].children!.map((s) => s.name), ['x', 'length']);
  assert.is(syms[2].kind, P.SymbolKind.Function);
  assert.equal(syms[2].selectionRange.start, pos(MAIN, 'total('));
});

test('rename: a local, a function across files; a keyword or a clash is refused', async () => {
  const edit = await conn.sendRequest(P.RenameRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'sum +'), newName: 'acc' });
  assert.equal(edit!.changes![uri('main.bp')].map((e) => e.range.start), [pos(MAIN, 'sum:'), pos(MAIN, 'sum +')]);
  const fn = await conn.sendRequest(P.RenameRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'area('), newName: 'surface' });
  assert.is(fn!.changes![uri('util.bp')].length, 1);
  assert.is(fn!.changes![uri('main.bp')].length, 1);
  // From the module that declares it: its uses in the modules importing it, open or on disk.
  const decl = await conn.sendRequest(P.RenameRequest.type, { ...doc('util.bp'), position: pos(UTIL, 'area'), newName: 'surface' });
  assert.equal(Object.keys(decl!.changes!).sort(), [uri('main.bp'), uri('other.bp'), uri('util.bp')]);
  assert.equal(decl!.changes![uri('other.bp')], [{ range: { start: pos(OTHER, 'area'), end: pos(OTHER, 'area', 4) }, newText: 'surface' }]);
  assert.equal(decl!.changes![uri('main.bp')].map((e) => e.range.start), [pos(MAIN, 'area(')]);
  const prep = await conn.sendRequest(P.PrepareRenameRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'total(pt') });
  assert.equal((prep as { range: P.Range }).range, { start: pos(MAIN, 'total(pt'), end: pos(MAIN, 'total(pt', 5) });
  for (const [newName, why] of [['while', /not a name/], ['main', /would break the program/]] as const) {
    try {
      await conn.sendRequest(P.RenameRequest.type, { ...doc('main.bp'), position: pos(MAIN, 'total(pt'), newName });
      assert.unreachable(`renaming to ${newName} was accepted`);
    } catch (e) {
      assert.match((e as Error).message, why);
    }
  }
});

test('semantic tokens and formatting', async () => {
  const t = (await conn.sendRequest(P.SemanticTokensRequest.type, doc('main.bp')))!;
  assert.ok(t.data.length > 0 && t.data.length % 5 === 0);
  const first = t.data.slice(0, 5);
  assert.equal(first, [0, 0, 6, 11, 0], 'import is a keyword');
  // Names inside an f-string's interpolations are names; the text around them is string.
  const legend = (init.capabilities.semanticTokensProvider as P.SemanticTokensOptions).legend.tokenTypes;
  const tokens: { line: number; char: number; text: string; type: string }[] = [];
  for (let i = 0, line = 0, char = 0; i < t.data.length; i += 5) {
    char = t.data[i] === 0 ? char + t.data[i + 1] : t.data[i + 1];
    line += t.data[i];
    tokens.push({ line, char, text: MAIN.split('\n')[line].slice(char, char + t.data[i + 2]), type: legend[t.data[i + 3]] });
  }
  const fline = pos(MAIN, 'print(f"').line;
  assert.equal(tokens.filter((k) => k.line === fline).map((k) => [k.text, k.type]), [
    ['print', 'function'], ['f"x {', 'string'], ['pt', 'variable'], ['x', 'property'], ['}: {', 'string'], ['total', 'function'], ['pt', 'variable'], ['}"', 'string'],
  ]);
  const messy = MAIN.replace('let sum: int = p.x + p.length', 'let sum:int=p.x+p.length');
  await conn.sendNotification(P.DidChangeTextDocumentNotification.type, { textDocument: { uri: uri('main.bp'), version: 7 }, contentChanges: [{ text: messy }] });
  const edits = await conn.sendRequest(P.DocumentFormattingRequest.type, { ...doc('main.bp'), options: { tabSize: 4, insertSpaces: true } });
  assert.is(edits![0].newText, MAIN);
});

test('shutdown and exit end the server', async () => {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await conn.sendRequest(P.ShutdownRequest.type);
  await conn.sendNotification(P.ExitNotification.type);
  assert.is(await exited, 0);
  conn.dispose();
});

test.after(() => {
  if (child.exitCode === null) child.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});
test.run();
