// The editor files shipped in editors/: the VS Code extension's manifest points at files that
// exist, and the TextMate grammar is valid JSON whose patterns compile and name every keyword.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYWORDS } from '../../src/lang/token.js';
import { ROOT } from '../helpers/paths.js';

const VSCODE = path.join(ROOT, 'editors/vscode');
const grammar = JSON.parse(fs.readFileSync(path.join(VSCODE, 'syntaxes/betterpython.tmLanguage.json'), 'utf8'));

function patterns(node: unknown, out: string[] = []): string[] {
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') out.push(v);
      else patterns(v, out);
    }
  }
  return out;
}

test('the extension manifest names the grammar, the language configuration and its entry', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(VSCODE, 'package.json'), 'utf8'));
  for (const f of [pkg.main, pkg.contributes.grammars[0].path, pkg.contributes.languages[0].configuration]) {
    assert.ok(fs.existsSync(path.join(VSCODE, f)), f);
  }
  assert.equal(pkg.contributes.languages[0].extensions, ['.bp']);
  JSON.parse(fs.readFileSync(path.join(VSCODE, 'language-configuration.json'), 'utf8'));
});

test('every grammar pattern compiles, and every keyword is highlighted', () => {
  const all = patterns(grammar.repository);
  assert.ok(all.length > 10);
  for (const p of all) new RegExp(p);
  const words = all.join(' ');
  assert.equal(KEYWORDS.filter((k) => !new RegExp(`\\b${k}\\b`).test(words)), []);
  const includes = JSON.stringify(grammar).match(/"include":"#[a-z]+"/g) ?? [];
  for (const inc of includes) assert.ok(grammar.repository[inc.slice(12, -1)], inc);
});

test.run();
