// Child-process runner for the differential tests of the in-process tier: runs each program
// named on the command line (relative to the directory given first) on the native interpreter,
// with the compiler at the given threshold ('none': interpreter only), and prints one JSON line
// per program. Native code writes to file descriptors 1 and reads 0 itself, so around each run
// those are pointed at temporary files; a fault would kill this process, not the test runner
// (the parent reports the programs that produced no line).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NotNative, runNative } from '../../src/jit/run.js';
import { koffi } from '../../src/loader/koffi.js';
import { argsOf, compileForTest, runVM } from './tiers.js';

const [dir, thresholdArg, ...files] = process.argv.slice(2);
const threshold = thresholdArg === 'none' ? null : Number(thresholdArg);
const libc = koffi().load('libc.so.6');
const dup = libc.func('int dup(int)') as (fd: number) => number;
const dup2 = libc.func('int dup2(int, int)') as (a: number, b: number) => number;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-native-'));

try {
  for (const file of files) {
    const base = path.join(dir, file.replace(/\.bp$/, ''));
    const read = (ext: string) => (fs.existsSync(base + ext) ? fs.readFileSync(base + ext) : undefined);
    const out = path.join(tmp, 'out'), input = path.join(tmp, 'in');
    fs.writeFileSync(input, read('.stdin') ?? '');
    const old = process.cwd();
    process.chdir(dir);
    let result: { stdout: string; stderr: string; code: number };
    try {
      const compiled = compileForTest(file);
      if ('error' in compiled) result = compiled.error;
      else {
        let stderr = '';
        const [o, i] = [fs.openSync(out, 'w'), fs.openSync(input, 'r')];
        const [saved1, saved0] = [dup(1), dup(0)];
        dup2(o, 1);
        dup2(i, 0);
        let code = -1;
        let fallback = false;
        try {
          const r = runNative(compiled.mod, { args: argsOf(read('.args')), threshold, programName: file, stderr: (s) => { stderr += s; } });
          code = r.status;
          r.program.dispose();
        } catch (e) {
          // What native code cannot run yet runs on the VM, as `bpjit run` does.
          if (!(e instanceof NotNative)) throw e;
          fallback = true;
        } finally {
          dup2(saved1, 1);
          dup2(saved0, 0);
          for (const fd of [o, i, saved1, saved0]) fs.closeSync(fd);
        }
        result = fallback ? runVM(file, { cwd: '.', args: argsOf(read('.args')), stdin: read('.stdin') }) : { stdout: fs.readFileSync(out).toString('latin1'), stderr, code };
      }
    } finally {
      process.chdir(old);
    }
    // Byte strings stay bytes: non-ASCII characters are escaped so the line is pure ASCII.
    fs.writeSync(1, JSON.stringify({ file, ...result }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
