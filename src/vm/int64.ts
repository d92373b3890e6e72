// 64-bit two's-complement integers in JavaScript. A BetterPython int is held in its canonical
// form: a JS number when |v| < 2^53 (exact, fast), a BigInt otherwise. Every operation takes
// the number fast path when both operands are numbers and the exact result stays below 2^53,
// and falls back to BigInt arithmetic wrapped to 64 bits — so results are bit-exact (a hash
// function multiplying past 2^63 matches native code) while loops over small ints stay fast.

export type Int = number | bigint;

const MAX_SAFE = 9007199254740991;
export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Canonical form of a 64-bit value given as BigInt (wrapped first). */
export function canon(v: bigint): Int {
  const w = BigInt.asIntN(64, v);
  return w >= -9007199254740991n && w <= 9007199254740991n ? Number(w) : w;
}

export const big = (v: Int): bigint => (typeof v === 'number' ? BigInt(v) : v);

export function add(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
  }
  return canon(big(a) + big(b));
}

export function sub(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
  }
  return canon(big(a) - big(b));
}

export function mul(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    // |r| < 2^53 as a double means the exact product is below 2^53 too (rounding is monotone).
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r + 0; // + 0 turns -0 into 0
  }
  return canon(big(a) * big(b));
}

/** Truncating division; the caller has checked b != 0. MIN / -1 wraps to MIN. */
export function div(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') return (a - (a % b)) / b + 0;
  return canon(big(a) / big(b));
}

/** Remainder with the sign of the dividend; the caller has checked b != 0. */
export function mod(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') return (a % b) + 0;
  return canon(big(a) % big(b));
}

export function neg(a: Int): Int {
  return typeof a === 'number' ? 0 - a : canon(-a);
}

const isI32 = (v: Int): v is number => typeof v === 'number' && (v | 0) === v;

export function and(a: Int, b: Int): Int {
  return isI32(a) && isI32(b) ? a & b : canon(big(a) & big(b));
}

export function or(a: Int, b: Int): Int {
  return isI32(a) && isI32(b) ? a | b : canon(big(a) | big(b));
}

export function xor(a: Int, b: Int): Int {
  return isI32(a) && isI32(b) ? a ^ b : canon(big(a) ^ big(b));
}

export function not(a: Int): Int {
  return isI32(a) ? ~a : canon(~big(a));
}

/** Shift count as x86 uses it: the low 6 bits. */
function count(n: Int): number {
  return typeof n === 'number' ? ((n % 64) + 64) % 64 : Number(BigInt.asUintN(6, n));
}

export function shl(a: Int, n: Int): Int {
  const c = count(n);
  if (typeof a === 'number' && c < 32) {
    const r = a * 2 ** c;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
  }
  return canon(big(a) << BigInt(c));
}

export function shr(a: Int, n: Int): Int {
  const c = count(n);
  if (typeof a === 'number') return Math.floor(a / 2 ** c);
  return canon(a >> BigInt(c));
}

/** int → float, rounding to nearest even like cvtsi2sd. */
export function toFloat(a: Int): number {
  return typeof a === 'number' ? a : Number(a);
}

/** float → int, truncating; NaN, ±inf and out-of-range values give MIN (as cvttsd2si does). */
export function fromFloat(x: number): Int {
  if (!(x >= -9223372036854775808 && x < 9223372036854775808)) return INT64_MIN;
  const t = Math.trunc(x) + 0;
  if (t <= MAX_SAFE && t >= -MAX_SAFE) return t;
  return canon(BigInt(t));
}

export function cmp(a: Int, b: Int): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The low 32 bits and high 32 bits (signed) of v, for typed-array storage. */
export function split(v: Int, out: Int32Array, at: number): void {
  if (typeof v === 'number') {
    if ((v | 0) === v) {
      out[at] = v;
      out[at + 1] = v >> 31;
      return;
    }
    const hi = Math.floor(v / 4294967296);
    out[at] = v - hi * 4294967296;
    out[at + 1] = hi;
    return;
  }
  out[at] = Number(BigInt.asIntN(32, v));
  out[at + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** Reads an int stored as a low/high int32 pair. */
export function join(buf: Int32Array, at: number): Int {
  const lo = buf[at], hi = buf[at + 1];
  if (hi === lo >> 31) return lo;
  if (hi >= -2097152 && hi < 2097152) {
    const v = hi * 4294967296 + (lo >>> 0);
    if (v >= -9007199254740991) return v;
  }
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}
