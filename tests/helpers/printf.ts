// glibc's printf as an oracle: a tiny C program (compiled with gcc into a temporary directory)
// reads doubles as hex bit patterns and prints each with one conversion.
import { execaSync } from 'execa';
import fs from 'node:fs';
import path from 'node:path';

const SOURCE = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
int main(int argc, char **argv) {
  char line[64], fmt[16];
  snprintf(fmt, sizeof fmt, "%%.%d%c\\n", atoi(argv[2]), argv[1][0]);
  while (fgets(line, sizeof line, stdin)) { uint64_t b = strtoull(line, 0, 16); double d; memcpy(&d, &b, 8); printf(fmt, d); }
  return 0;
}
`;

export function printfOracle(dir: string): (conv: string, precision: number, bits: bigint[]) => string[] {
  const src = path.join(dir, 'printf.c'), exe = path.join(dir, 'printf');
  fs.writeFileSync(src, SOURCE);
  execaSync('gcc', ['-O2', '-o', exe, src]);
  return (conv, precision, bits) => {
    const input = bits.map((b) => b.toString(16)).join('\n') + '\n';
    return execaSync(exe, [conv, String(precision)], { input, maxBuffer: 1 << 28, stripFinalNewline: false }).stdout.split('\n');
  };
}

/** Seeded doubles: random bit patterns, short decimals, exact ties, wide magnitudes, edges. */
export function sampleDoubles(n: number, seed: number): bigint[] {
  const f = new Float64Array(1), u = new BigUint64Array(f.buffer);
  let s = seed >>> 0;
  const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 4294967296; };
  const out: bigint[] = [0x0n, 0x8000000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x1n, 0xfffffffffffffn, 0x10000000000000n, 0x7fefffffffffffffn];
  for (let i = 0; out.length < n; i++) {
    switch (i % 5) {
      case 0: u[0] = (BigInt(Math.floor(rnd() * 2 ** 32)) << 32n) | BigInt(Math.floor(rnd() * 2 ** 32)); break;
      case 1: f[0] = Math.round(rnd() * 1e7) / 10 ** Math.floor(rnd() * 8); break;
      case 2: f[0] = (Math.floor(rnd() * 2e6) + 0.5) * 10 ** (Math.floor(rnd() * 12) - 6); break;
      case 3: f[0] = (rnd() - 0.5) * 10 ** (Math.floor(rnd() * 40) - 20); break;
      default: f[0] = 2 ** (Math.floor(rnd() * 2000) - 1000) * (rnd() < 0.5 ? -1 : 1);
    }
    out.push(u[0]);
  }
  return out;
}
