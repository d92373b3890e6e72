// NaN sign bits. x86 arithmetic produces the "default NaN" with the sign bit set, which C's
// printf shows as -nan (spec §4.4); JS engines mostly keep NaN bits but constant folding and
// some libm ports produce the positive NaN, so the VM forces the sign where glibc would differ.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

const NEG_NAN = (() => {
  u32[0] = 0;
  u32[1] = 0xfff80000;
  return f64[0];
})();

/** The x86 default NaN (sign bit set). */
export function negNaN(): number {
  return NEG_NAN;
}

export function signBit(x: number): boolean {
  f64[0] = x;
  return u32[1] >>> 31 === 1;
}
