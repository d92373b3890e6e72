// bpjit profile: runs the program as `bpjit run` would (native code with the JIT, the native
// interpreter with --no-jit, the TypeScript VM with --vm), counting every call, loop trip, branch
// and call site and sampling the stack for time; then prints the report (stderr), writes the
// profile data (JSON, in the current directory unless -o says otherwise) and the pictures and
// exports asked for (the OUTPUTS table).
import fs from 'node:fs';
import type { BytecodeModule } from '../bytecode/module.js';
import { installVmFfi } from '../loader/ffi.js';
import { applySamples, countsProfile, type ProfileData, type Tier } from '../profile/data.js';
import { foldedStacks, speedscope } from '../profile/formats.js';
import { annotatedHtml } from '../profile/html.js';
import type { SourceLines } from '../profile/rank.js';
import { formatReport } from '../profile/report.js';
import { flameGraphSvg } from '../profile/svg.js';
import { VM } from '../vm/interp.js';
import { writeAll } from '../vm/output.js';
import { VmSampler } from '../vm/sampler.js';
import type { Invocation } from './args.js';
import { stderrColor } from './color.js';
import { packageVersion } from './help.js';
import { EXIT } from './exit-codes.js';
import { loadModule, outputPath, refuseOverwrite, userError, type Output } from './load.js';
import { checkHeapLimit, jitThreshold, nativeTierAvailable } from './run.js';

/** The files `bpjit profile` writes on request: option, what it is, and how it is made. */
const OUTPUTS: { option: string; what: string; render(p: ProfileData, source: SourceLines): string }[] = [
  { option: 'svg', what: 'flame graph', render: (p) => flameGraphSvg(p) },
  { option: 'html', what: 'annotated source', render: (p, source) => annotatedHtml(p, source) },
  { option: 'folded', what: 'folded stacks', render: (p) => foldedStacks(p) },
  { option: 'speedscope', what: 'speedscope profile', render: (p) => JSON.stringify(speedscope(p, `bpjit ${packageVersion()}`)) + '\n' },
];

/** To stderr, by its file descriptor (process.stderr, a stream, takes 5 ms to make). */
const report = (text: string) => writeAll(2, Buffer.from(text));

export default async function profile(inv: Invocation): Promise<number> {
  const file = inv.operands[0];
  const threshold = jitThreshold(inv);
  checkHeapLimit(inv);
  const data: Output = outputPath(inv.opts.output, file, '.bpprof', 'profile', true);
  const asked = OUTPUTS.filter((o) => typeof inv.opts[o.option] === 'string').map((o) => ({ ...o, file: inv.opts[o.option] as string }));
  const outputs: Output[] = [data, ...asked.map((o): Output => [`--${o.option}`, o.file])];
  refuseOverwrite(outputs, [file], 'profile');
  const mod = loadModule(file);
  if (!mod) return EXIT.ERROR;
  refuseOverwrite(outputs, mod.files, 'profile');
  const t0 = process.hrtime.bigint();
  const r = inv.opts.vm === true || !nativeTierAvailable() ? onVm(mod, file, inv.programArgs) : await native(mod, file, inv.programArgs, threshold);
  r.data.wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const source = sourceLines();
  report(formatReport(r.data, { color: stderrColor(), source }));
  try {
    fs.writeFileSync(data[1], JSON.stringify(r.data, null, 1) + '\n');
    report(`profile written to ${data[1]}\n`);
    for (const o of asked) {
      fs.writeFileSync(o.file, o.render(r.data, source));
      report(`${o.what} written to ${o.file}\n`);
    }
  } catch (e) {
    userError(`cannot write the profile: ${(e as Error).message}`, file);
    return r.status || EXIT.ERROR;
  }
  return r.status;
}

/** The program's source files, read once each (a program from standard input has none to show). */
function sourceLines(): SourceLines {
  const cache = new Map<string, string[] | null>();
  return (f) => {
    if (!cache.has(f)) {
      let lines: string[] | null = null;
      if (f !== '<stdin>') {
        try { lines = fs.readFileSync(f, 'utf8').split(/\r?\n/); } catch { /* moved or removed since: shown without source */ }
      }
      cache.set(f, lines);
    }
    return cache.get(f)!;
  };
}

async function native(mod: BytecodeModule, file: string, args: string[], threshold: number | null): Promise<{ status: number; data: ProfileData }> {
  const { profileNative, NotNative } = await import('../jit/run.js');
  try {
    const r = profileNative(mod, { args, threshold, programName: file });
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
