#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/driver/cli.js and everything it imports) into one classic
// script, dist/src/driver/bpjit.cjs, and records V8's code cache for it (bpjit.cache beside it)
// from a warm-up run. bin/bpjit starts the bundle with that cache, so V8 neither parses 450 KB
// of JavaScript nor compiles the front end, VM and JIT again on every start: `bpjit run` of a
// small program starts in about half the time of the 60 modules it is made of.
// The bundle sits where cli.js does, so paths computed from the module's URL (the runtime object,
// koffi) still hold. koffi (native) stays outside; yargs is inside, with string-width and
// node:assert replaced (see bundle-*.cjs), so parsing the command line costs a few milliseconds.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/src/driver/bpjit.cjs');
// koffi's native module, as koffi's own entry finds it on this machine (see src/loader/koffi.ts).
const require = createRequire(import.meta.url);
require('koffi');
const native = Object.keys(require.cache).find((f) => f.endsWith('.node'));
const koffiNative = native ? './' + path.relative(path.dirname(out), native) : undefined;
await build({
  entryPoints: [path.join(root, 'dist/src/driver/cli.js')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['koffi'],
  alias: { 'string-width': path.join(root, 'scripts/bundle-string-width.cjs'), assert: path.join(root, 'scripts/bundle-assert.cjs') },
  define: { 'import.meta.url': 'importMetaUrl', ...(koffiNative && { BPJIT_KOFFI_NATIVE: JSON.stringify(koffiNative) }) },
  banner: { js: 'const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
// esbuild gives `import fs from 'node:fs'` a copy of every export of the module; that copy
// cost 5 ms a start, and only `.default` is ever read. yargs's platform shim asks for the
// terminal's width as it loads, which makes process.stdout (a few ms more): it asks when read.
const columns = 'stdColumns: typeof process.stdout.columns !== "undefined" ? process.stdout.columns : null';
const text = fs.readFileSync(out, 'utf8');
if (!text.includes(columns)) throw new Error(`bundle.mjs: yargs's shim no longer reads '${columns}'`);
fs.writeFileSync(out, text.replace(/__toESM\((require\("node:[\w/]+"\)), ?1\)/g, '{ default: $1 }')
  .replace(columns, 'get stdColumns() { return process.stdout.columns ?? null; }'));
fs.rmSync(out.replace(/\.cjs$/, '.cache'), { force: true });
// The warm-up compiles what the commands need: the front end, the VM and (threshold 1) the JIT,
// the linker of bpjit build, and the command line's help; bin/bpjit runs these command lines in
// one process and writes the cache as it exits.
const warmup = path.join(root, 'scripts/warmup.bp');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-warmup-'));
try {
  const lines = [['run', '--jit-threshold', '1', warmup], ['build', warmup, '-o', path.join(scratch, 'warmup')], ['run', '--help']];
  execFileSync(process.execPath, [path.join(root, 'bin/bpjit')], {
    env: { ...process.env, BPJIT_WRITE_CODE_CACHE: JSON.stringify(lines) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
