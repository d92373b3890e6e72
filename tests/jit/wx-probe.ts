// Child process for the W^X test: runs a program with the JIT forced on, then reports every
// protection change the code caches made and the permissions of their pages in /proc/self/maps.
import fs from 'node:fs';
import path from 'node:path';
import { PROTECTION_LOG } from '../../src/loader/memory.js';
import { runNative } from '../../src/jit/run.js';
import { compileForTest } from '../helpers/tiers.js';

const file = process.argv[2];
process.chdir(path.dirname(file));
const compiled = compileForTest(path.basename(file));
if ('error' in compiled) throw new Error(compiled.error.stderr);
const run = { code: runNative(compiled.mod, { args: [], threshold: 1, programName: file }).status };
// Each code cache region: from its base to the end of the last page it ever protected.
const regions = new Map<bigint, bigint>();
for (const p of PROTECTION_LOG) {
  const end = p.base + BigInt(p.offset + p.length);
  if ((regions.get(p.base) ?? 0n) < end) regions.set(p.base, end);
}
const maps = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').filter(Boolean).map((l) => {
  const [range, perms] = l.split(' ');
  const [lo, hi] = range.split('-').map((h) => BigInt('0x' + h));
  return { lo, hi, perms };
});
const ours = maps.filter((m) => [...regions].some(([lo, hi]) => m.hi > lo && m.lo < hi));
console.log(JSON.stringify({
  code: run.code,
  log: PROTECTION_LOG.map((p) => ({ ...p, base: p.base.toString() })),
  maps: ours.map((m) => m.perms),
}));
