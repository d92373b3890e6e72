// Child-process runner for the JIT differential tests: runs each program named on the command
// line (relative to the directory given first) with the JIT tier forced on (threshold 1) and
// prints one JSON line per program. A fault in native code would kill this process, not the
// test runner; the parent then reports the programs that produced no line.
import fs from 'node:fs';
import path from 'node:path';
import { argsOf, runVM } from './tiers.js';

const [dir, ...files] = process.argv.slice(2);
for (const file of files) {
  const base = path.join(dir, file.replace(/\.bp$/, ''));
  const read = (ext: string) => (fs.existsSync(base + ext) ? fs.readFileSync(base + ext) : undefined);
  const args = argsOf(read('.args'));
  const r = runVM(file, { cwd: dir, args, stdin: read('.stdin'), jit: 1 });
  // Byte strings stay bytes: non-ASCII characters are escaped so the line is pure ASCII.
  fs.writeSync(1, JSON.stringify({ file, ...r }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
}
