// bpjit run: a program in the in-process native tier (src/jit/run.ts: the native interpreter,
// with hot functions compiled behind it), or on the TypeScript VM with --vm, off x86-64 Linux,
// or for a .bpc holding an instruction native code cannot run (null references: the compiler
// never emits them).
import { installVmFfi } from '../loader/ffi.js';
import { VM } from '../vm/interp.js';
import { OutputError } from '../vm/output.js';
import type { Invocation } from './args.js';
import { EXIT, UsageError } from './exit-codes.js';
import { loadModule } from './load.js';
import { koffi } from '../loader/koffi.js';

/** The JIT threshold: --jit-threshold, else BPJIT_JIT_THRESHOLD, else the reference's 100 calls; null with --no-jit. */
export function jitThreshold(inv: Invocation): number | null {
  const flag = inv.opts['jit-threshold'];
  const env = process.env.BPJIT_JIT_THRESHOLD;
  if (typeof flag !== 'string' && env !== undefined && !/^[1-9]\d*$/.test(env)) {
    throw new UsageError(`BPJIT_JIT_THRESHOLD must be a whole number of at least 1, not '${env}'`, inv.command.name);
  }
  return inv.opts.jit === false ? null : Number(typeof flag === 'string' ? flag : env ?? 100);
}

/**
 * The in-process tier needs x86-64 Linux and koffi's native module (an install whose module
 * could not be built or downloaded has none); elsewhere, or with BPJIT_VM=1, the TypeScript VM
 * runs (BPJIT_JIT_LOG=1 says why).
 */
export function nativeTierAvailable(): boolean {
  if (process.arch !== 'x64' || process.platform !== 'linux' || process.env.BPJIT_VM) return false;
  try {
    koffi();
    return true;
  } catch (e) {
    if (process.env.BPJIT_JIT_LOG) process.stderr.write(`[jit] running on the TypeScript VM: koffi does not load (${(e as Error).message})\n`);
    return false;
  }
}

export default async function run(inv: Invocation): Promise<number> {
  const threshold = jitThreshold(inv);
  const file = inv.operands[0];
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  const args = inv.programArgs;
  installVmFfi();
  if (inv.opts.vm === true || !nativeTierAvailable()) return new VM(mod, { args }).run();
  const { runNative, NotNative } = await import('../jit/run.js');
  try {
    const r = runNative(mod, { args, threshold, programName: file, perf: inv.opts['perf-map'] === true || undefined });
    if (r.outputErrno) throw OutputError.ofErrno(r.outputErrno);
    return r.status;
  } catch (e) {
    // Something native code cannot run: the whole program runs on the VM.
    if (!(e instanceof NotNative)) throw e;
    if (process.env.BPJIT_JIT_LOG) process.stderr.write(`[jit] running on the TypeScript VM: ${e.message}\n`);
    return new VM(mod, { args }).run();
  }
}
