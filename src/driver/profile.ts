// bpjit profile: runs a program on the TypeScript VM with every function sampled, then prints the
// report (stderr) and writes the profile data (JSON) and, when asked, folded stacks. The tier
// column says where `bpjit run` puts each function once it is hot.
import fs from 'node:fs';
import { installVmFfi } from '../loader/ffi.js';
import { VM } from '../vm/interp.js';
import { collectProfile, formatReport, StackSampler } from '../vm/profile.js';
import type { Invocation } from './args.js';
import { stderrColor } from './color.js';
import { EXIT } from './exit-codes.js';
import { loadModule, outputPath, refuseOverwrite, userError, type Output } from './load.js';

export default async function profile(inv: Invocation): Promise<number> {
  const file = inv.operands[0];
  const jit = inv.opts.jit !== false;
  const [label, out] = outputPath(inv.opts.output, file, '.bpprof', 'profile');
  const folded = inv.opts.folded as string | undefined;
  const outputs: Output[] = [[label, out], ...(folded ? [['--folded', folded] as Output] : [])];
  refuseOverwrite(outputs, [file], 'profile');
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  refuseOverwrite(outputs, mod.files, 'profile');
  installVmFfi();
  const sampler = new StackSampler();
  const vm: VM = new VM(mod, {
    args: inv.programArgs,
    onTick: (fn) => { sampler.tick(vm, fn); },
  });
  const t0 = process.hrtime.bigint();
  const code = vm.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const { unsupportedIn } = await import('../native/lower.js');
  const tiers = new Map(mod.functions.map((fn, i) => {
    const why = jit ? unsupportedIn(mod, fn) : null;
    return [i, !jit ? { tier: 'vm' as const, reason: 'the JIT is off (--no-jit)' } : why ? { tier: 'vm' as const, reason: `${why.reason} (line ${why.line})` } : { tier: 'native' as const }];
  }));
  const data = collectProfile(mod, vm.fns, file, tiers);
  process.stderr.write(formatReport(data, ms, 15, stderrColor()));
  try {
    fs.writeFileSync(out, JSON.stringify(data, null, 1) + '\n');
    process.stderr.write(`profile written to ${out}\n`);
    if (folded) {
      fs.writeFileSync(folded, sampler.folded());
      process.stderr.write(`folded stacks written to ${folded}\n`);
    }
  } catch (e) {
    userError(`cannot write the profile: ${(e as Error).message}`);
    return code || EXIT.ERROR;
  }
  return code;
}
