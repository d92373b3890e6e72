// Signed 64-bit division by a constant as a multiplication (Hacker's Delight, 10-1; what gcc
// emits): n / d = ((hi64(n * m) [± n]) >> s) + (1 if that is negative). An `idiv` takes 40–90
// cycles; the sequence takes about 5. `x % 1000000007` and `seed % 12` are everywhere.

export interface Magic {
  /** The multiplier, as a signed 64-bit value. */
  m: bigint;
  /** The arithmetic right shift of the high half. */
  s: number;
  /** Add n to the high half (m < 0 < d), subtract it (d < 0 < m), or neither. */
  fix: 1 | -1 | 0;
}

const TWO63 = 1n << 63n, TWO64 = 1n << 64n;

/** The magic multiplier for divisor d, 2 ≤ |d| < 2^62. */
export function magic(d: bigint): Magic {
  const ad = d < 0n ? -d : d;
  const t = TWO63 + (d < 0n ? 1n : 0n);
  const anc = t - 1n - (t % ad);
  let p = 63;
  let q1 = TWO63 / anc, r1 = TWO63 - q1 * anc;
  let q2 = TWO63 / ad, r2 = TWO63 - q2 * ad;
  let delta: bigint;
  do {
    p++;
    q1 *= 2n; r1 *= 2n;
    if (r1 >= anc) { q1++; r1 -= anc; }
    q2 *= 2n; r2 *= 2n;
    if (r2 >= ad) { q2++; r2 -= ad; }
    delta = ad - r2;
  } while (q1 < delta || (q1 === delta && r1 === 0n));
  let m = q2 + 1n;
  if (m >= TWO63) m -= TWO64;
  if (d < 0n) m = -m;
  return { m, s: p - 64, fix: d > 0n && m < 0n ? 1 : d < 0n && m > 0n ? -1 : 0 };
}

/** Whether division by d is done with a magic multiplier (else with idiv). */
export function hasMagic(d: bigint): boolean {
  const ad = d < 0n ? -d : d;
  return ad >= 2n && ad < 1n << 62n;
}

/** The quotient the emitted sequence computes, in BigInt (for tests). */
export function magicQuotient(n: bigint, d: bigint): bigint {
  const { m, s, fix } = magic(d);
  let hi = (n * m) >> 64n; // floor, as the signed high half of imul
  if (fix === 1) hi += n;
  if (fix === -1) hi -= n;
  hi = BigInt.asIntN(64, hi) >> BigInt(s);
  return BigInt.asIntN(64, hi + (hi < 0n ? 1n : 0n));
}
