// The machine code of one function of a program held in memory, as nasm text (tests/native).
import * as assert from 'uvu/assert';
import { compileProgram } from '../../src/bytecode/compile.js';
import { lowerFunction } from '../../src/native/lower.js';
import { check } from './front.js';

/** The listing of function `name` of `src`, lowered for executables. */
export function listing(src: string, name: string): string[] {
  const { program, errors } = check(src);
  assert.equal(errors, []);
  const mod = compileProgram(program!);
  const r = lowerFunction(mod, mod.functions.findIndex((f) => f.name === name), { wholeProgram: true, listing: true });
  assert.ok(r.ok);
  return r.ok ? r.mf.listing!.map((l) => l.text) : [];
}
