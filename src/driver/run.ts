// bpjit run: a program in the in-process native tier (src/jit/run.ts: the native interpreter,
// with hot functions compiled behind it), or on the TypeScript VM with --vm, off x86-64 Linux,
// or for a .bpc holding an instruction native code cannot run (null references: the compiler
// never emits them).
import { HEAP_LIMIT_VAR, heapLimit } from '../bytecode/limits.js';
import type { BytecodeModule } from '../bytecode/module.js';
import { installVmFfi } from '../loader/ffi.js';
import { nodeRequire } from '../vm/memory.js';
import { VM } from '../vm/interp.js';
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

/**
 * The heap limit every tier uses (BPJIT_HEAP_LIMIT, see bytecode/limits.ts): a value that is not
 * a size is refused before anything runs, as a bad --jit-threshold is.
 */
export function checkHeapLimit(inv: Invocation): void {
  const value = process.env[HEAP_LIMIT_VAR];
  if (heapLimit(value, 0) === null) throw new UsageError(`${HEAP_LIMIT_VAR} must be a size such as 512M or 4G, not '${value}'`, inv.command.name);
}

/**
 * The TypeScript VM's objects live in V8's heap, whose own limit (about 4 GiB) is fixed when the
 * process starts: for a larger BPJIT_HEAP_LIMIT, the VM runs in a Node started with room for it.
 */
function vmWithRoom(mod: BytecodeModule, args: string[]): number {
  // (loaded here: node:child_process takes 5 ms to load, and is needed only for a large heap)
  const { spawnSync } = nodeRequire('node:child_process') as typeof import('node:child_process');
  const os = nodeRequire('node:os') as typeof import('node:os');
  const v8 = nodeRequire('node:v8') as typeof import('node:v8');
  const want = heapLimit(process.env[HEAP_LIMIT_VAR], os.totalmem())!;
  if (want <= 0.75 * v8.getHeapStatistics().heap_size_limit || process.env.BPJIT_VM_HEAP) return new VM(mod, { args }).run();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${Math.ceil(want / 0.75 / 2 ** 20)}`, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, BPJIT_VM_HEAP: '1' },
  });
  return r.status ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0);
}

export default async function run(inv: Invocation): Promise<number> {
  const threshold = jitThreshold(inv);
  checkHeapLimit(inv);
  const file = inv.operands[0];
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  const args = inv.programArgs;
  installVmFfi();
  if (inv.opts.vm === true || !nativeTierAvailable()) return vmWithRoom(mod, args);
  const { runNative, NotNative } = await import('../jit/run.js');
  try {
    const r = runNative(mod, { args, threshold, programName: file, perf: inv.opts['perf-map'] === true || undefined });
    return r.status;
  } catch (e) {
    // Something native code cannot run: the whole program runs on the VM.
    if (!(e instanceof NotNative)) throw e;
    if (process.env.BPJIT_JIT_LOG) process.stderr.write(`[jit] running on the TypeScript VM: ${e.message}\n`);
    return new VM(mod, { args }).run();
  }
}
