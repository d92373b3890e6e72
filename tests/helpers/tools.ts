// The tools some tests need besides Node (nasm, gcc, binutils, gdb). A test whose tool is
// missing is registered with uvu's skip, so the summary counts it as skipped — never as passed —
// and a line says which test and why.
import fs from 'node:fs';
import path from 'node:path';
import type { Callback, Test } from 'uvu';

/** Whether `tool` is an executable on PATH. */
export function have(tool: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).some((dir) => {
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `test` when every one of `tools` is installed; otherwise a test that is skipped and says so. */
export function needs(test: Test, ...tools: string[]): (name: string, fn: Callback<Record<string, unknown>>) => void {
  const missing = tools.filter((t) => !have(t));
  if (missing.length === 0) return test;
  return (name) => {
    console.log(`skipped (${missing.join(', ')} not found): ${name}`);
    test.skip(name);
  };
}
