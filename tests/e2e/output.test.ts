// Standard output failing, on every tier alike: a reader that goes away (EPIPE) ends the program
// quietly with status 141 — also a program that would print forever — and a failed write (a
// full disk: /dev/full) ends it with "error: cannot write to standard output: no space left on
// device" and status 1, whatever the program would have returned. Never a signal death.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BROKEN_PIPE_STATUS } from '../../src/bytecode/limits.js';
import { childEnv, runProcess } from '../helpers/child.js';
import { TIERS, prepare } from '../helpers/tier-commands.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bpjit-output-'));
const write = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };
const FOREVER = write('forever.bp', 'def main() -> int:\n    let i: int = 0\n    while i >= 0:\n        print("line", i)\n        i = i + 1\n    return 0\n');
const TWO = write('two.bp', 'def main() -> int:\n    print("hello")\n    print("world")\n    return 3\n');
const FULL = 'error: cannot write to standard output: no space left on device\n';

/** Runs cmd with stdout a pipe closed after the first bytes arrive; how it ended. */
function brokenPipe([file, args]: [string, string[]]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() as NodeJS.ProcessEnv });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    // A program that ignored the broken pipe would print forever: stopped here, a failure below.
    const stop = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => { clearTimeout(stop); resolve({ code, signal, stderr }); });
  });
}

for (const tier of TIERS) {
  test(`${tier.name}: a reader that goes away ends the program quietly with ${BROKEN_PIPE_STATUS}`, async () => {
    const p = prepare(tier, FOREVER, tmp);
    assert.ok('exe' in p, JSON.stringify(p));
    const r = await brokenPipe(tier.command(FOREVER, (p as { exe: string }).exe));
    assert.equal([r.code, r.signal, r.stderr], [BROKEN_PIPE_STATUS, null, '']);
  });

  test(`${tier.name}: a failed write is reported, exit 1`, () => {
    for (const program of [TWO, FOREVER]) {
      const p = prepare(tier, program, tmp);
      assert.ok('exe' in p, JSON.stringify(p));
      const [file, args] = tier.command(program, (p as { exe: string }).exe);
      const r = runProcess(file, args, { stdoutFile: '/dev/full' });
      assert.equal([r.code, r.stderr], [1, FULL], `${path.basename(program)}: ${r.stderr}`);
    }
  });
}

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
test.run();
