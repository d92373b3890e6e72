// bpjit profile: runs the program as `bpjit run` would (native code with the JIT, the native
// interpreter with --no-jit, the TypeScript VM with --vm), counting every call, loop trip, branch
// and call site and sampling the stack for time; then prints the report (stderr) and writes the
// profile data (JSON) and, when asked, folded stacks.
import fs from 'node:fs';
import type { BytecodeModule } from '../bytecode/module.js';
import { installVmFfi } from '../loader/ffi.js';
import { applySamples, countsProfile, formatReport, type ProfileData, type Tier } from '../profile/data.js';
import { VM } from '../vm/interp.js';
import { OutputError } from '../vm/output.js';
import { VmSampler } from '../vm/sampler.js';
import type { Invocation } from './args.js';
import { stderrColor } from './color.js';
import { EXIT } from './exit-codes.js';
import { loadModule, outputPath, refuseOverwrite, userError, type Output } from './load.js';
import { jitThreshold, nativeTierAvailable } from './run.js';

export default async function profile(inv: Invocation): Promise<number> {
  const file = inv.operands[0];
  const threshold = jitThreshold(inv);
  const [label, out] = outputPath(inv.opts.output, file, '.bpprof', 'profile');
  const folded = inv.opts.folded as string | undefined;
  const outputs: Output[] = [[label, out], ...(folded ? [['--folded', folded] as Output] : [])];
  refuseOverwrite(outputs, [file], 'profile');
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  refuseOverwrite(outputs, mod.files, 'profile');
  const t0 = process.hrtime.bigint();
  const { status, data } = inv.opts.vm === true || !nativeTierAvailable() ? onVm(mod, file, inv.programArgs) : await native(mod, file, inv.programArgs, threshold);
  data.wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stderr.write(formatReport(data, data.wallMs, 15, stderrColor()));
  try {
    fs.writeFileSync(out, JSON.stringify(data, null, 1) + '\n');
    process.stderr.write(`profile written to ${out}\n`);
    if (folded) {
      fs.writeFileSync(folded, data.stacks.map((s) => `${s.frames.map((f) => f.name).join(';')} ${s.count}`).join('\n') + '\n');
      process.stderr.write(`folded stacks written to ${folded}\n`);
    }
  } catch (e) {
    userError(`cannot write the profile: ${(e as Error).message}`);
    return status || EXIT.ERROR;
  }
  return status;
}

async function native(mod: BytecodeModule, file: string, args: string[], threshold: number | null): Promise<{ status: number; data: ProfileData }> {
  const { profileNative, NotNative } = await import('../jit/run.js');
  try {
    const r = profileNative(mod, { args, threshold, programName: file });
    if (r.outputErrno) throw OutputError.ofErrno(r.outputErrno);
    return r;
  } catch (e) {
    // Something native code cannot do yet: the program is profiled on the VM, where it runs.
    if (!(e instanceof NotNative)) throw e;
    return onVm(mod, file, args, `runs on the TypeScript VM: ${e.message}`);
  }
}

function onVm(mod: BytecodeModule, file: string, args: string[], reason = 'profiled on the TypeScript VM (--vm)'): { status: number; data: ProfileData } {
  installVmFfi();
  const sampler = new VmSampler();
  const vm: VM = new VM(mod, { args, onTick: (fn, pc) => sampler.tick(vm, fn, pc) });
  const t0 = process.hrtime.bigint();
  const status = vm.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const tiers = new Map<number, { tier: Tier; reason?: string }>(mod.functions.map((_, i) => [i, { tier: 'vm', reason }]));
  const data = countsProfile(mod, vm.fns.map((f) => ({ calls: f.calls, prof: f.prof })), file, 'vm', tiers);
  const stacks = sampler.stacks();
  const samples = stacks.reduce((n, s) => n + s.count, 0);
  applySamples(data, stacks, samples ? ms / samples : 0);
  return { status, data };
}
