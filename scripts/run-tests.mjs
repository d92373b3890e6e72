#!/usr/bin/env node
// Runs every uvu suite under dist/tests (compiled from tests/) in one uvu process, echoes its
// output, and ends with the line `N passed, M failed, K skipped` (uvu prints no such line; a test
// whose tool is missing is skipped, never passed). The suites get a temporary directory of their
// own (TMPDIR); anything they leave in it counts as one more failure. uvu's output is coloured by
// bpjit's rule (src/driver/color.ts): --color=WHEN, else FORCE_COLOR, else NO_COLOR, else colour
// on a terminal.
// Usage: node scripts/run-tests.mjs [--color=auto|always|never] [pattern]
//        (pattern: a regex on the test file paths under dist/tests)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { colorEnabled } from '../dist/src/driver/color.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const uvuBin = path.join(root, 'node_modules/uvu/bin.js');
const args = process.argv.slice(2);
const when = args.find((a) => a.startsWith('--color='))?.slice('--color='.length);
if (when !== undefined && !['auto', 'always', 'never'].includes(when)) {
  console.error(`run-tests: --color takes auto, always or never, not '${when}'`);
  process.exit(2);
}
const pattern = args.find((a) => !a.startsWith('--')) ?? '\\.test\\.js$';
const color = colorEnabled(when, process.env, process.stdout.isTTY ?? false);
// uvu colours by FORCE_COLOR (its --color sets it) and NO_COLOR; the suites' own children start
// from a clean slate (tests/helpers/child.ts).
const env = { ...process.env };
delete env[color ? 'NO_COLOR' : 'FORCE_COLOR'];
delete env.NODE_DISABLE_COLORS;
if (color) { env.FORCE_COLOR = '1'; if (env.TERM === 'dumb') delete env.TERM; } else env.NO_COLOR = '1';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-test-run-'));
env.TMPDIR = tmp;
const child = spawn(process.execPath, [uvuBin, color ? '--color' : '--no-color', 'dist/tests', pattern], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (chunk) => { process.stdout.write(chunk); out += chunk; });
child.on('close', (code) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(plain)?.[1] ?? NaN);
  const [total, passed, skipped] = [count('Total'), count('Passed'), count('Skipped')];
  if ([total, passed, skipped].some(Number.isNaN)) {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.log('0 passed, 1 failed, 0 skipped (uvu printed no summary)');
    process.exit(code || 1);
  }
  const left = fs.readdirSync(tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
  if (left.length) console.log(`\nThe tests left temporary files behind (removed now): ${left.join(', ')}`);
  // uvu's total counts the tests that ran; skipped ones are apart.
  const failed = total - passed + (left.length ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 ? 1 : code ?? 1);
});
