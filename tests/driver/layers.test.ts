// The source directories are layers and imports point one way (the README's source layout): a
// directory imports only from those listed below it here. The order is the architecture: the
// front end knows nothing of bytecode, bytecode nothing of any tier, the encoder nothing of the
// language, ELF writing nothing of loading, and only the driver knows every part.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers/paths.js';

const MAY_IMPORT: Record<string, string[]> = {
  lang: [],
  lsp: ['lang'],
  bytecode: ['lang'],
  profile: ['lang', 'bytecode'],
  vm: ['lang', 'bytecode', 'profile'],
  x64: [],
  native: ['lang', 'bytecode', 'x64'],
  elf: ['lang', 'bytecode', 'x64', 'native'],
  loader: ['lang', 'bytecode', 'profile', 'vm', 'x64', 'native', 'elf'],
  jit: ['lang', 'bytecode', 'profile', 'vm', 'x64', 'native', 'elf', 'loader'],
  driver: ['lang', 'lsp', 'bytecode', 'profile', 'vm', 'x64', 'native', 'elf', 'loader', 'jit'],
};

const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const layerOf = (file: string) => path.relative(SRC, file).split(path.sep)[0];

test('every source directory is a layer of the table', () => {
  const dirs = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.equal(dirs.sort(), Object.keys(MAY_IMPORT).sort());
});

test('imports point down the layers, never up or across', () => {
  const bad: string[] = [];
  for (const file of sources(SRC)) {
    const from = layerOf(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const to = layerOf(path.resolve(path.dirname(file), m[1]));
      if (to !== from && !MAY_IMPORT[from]?.includes(to)) bad.push(`${path.relative(ROOT, file)} imports ${m[1]}`);
    }
  }
  assert.equal(bad, []);
});

test('no TypeScript source file is over 800 lines', () => {
  const long = [...sources(SRC), ...sources(path.join(ROOT, 'scripts')), ...sources(path.join(ROOT, 'tests'))]
    .filter((f) => fs.readFileSync(f, 'utf8').split('\n').length > 801)
    .map((f) => path.relative(ROOT, f));
  assert.equal(long, []);
});

test.run();
