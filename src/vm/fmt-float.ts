// C's printf for doubles — `%g`, `%.*g`, `%.*e`, `%.*f` — exactly as glibc prints them: rounded
// from the exact binary value with ties to even (JavaScript's toPrecision rounds exact ties up),
// two-digit exponents, `inf`, `nan` and `-nan` by the sign bit. The exact path expands the double
// into all of its decimal digits with BigInt; the fast path trusts toPrecision/toFixed whenever
// the digit after the cut is not a 5, where no tie is possible.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const u64 = new BigUint64Array(f64.buffer);

export type Conv = 'g' | 'e' | 'f';

/** All decimal digits of |x| (finite, nonzero): value = 0.DIGITS × 10^point. */
function exactDigits(x: number): { digits: string; point: number } {
  f64[0] = x;
  const bits = u64[0];
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e: number;
  if (expBits === 0) e = -1074;
  else { mant |= 1n << 52n; e = expBits - 1075; }
  let digits: string;
  let point: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    point = digits.length;
  } else {
    // mant / 2^-e = mant * 5^-e / 10^-e
    digits = (mant * 5n ** BigInt(-e)).toString();
    point = digits.length + e;
  }
  const trimmed = digits.replace(/0+$/, '');
  return { digits: trimmed || '0', point };
}

/** Rounds a digit string to `n` digits (n ≥ 0), half to even; returns the digits and a carry. */
function roundDigits(digits: string, n: number): { digits: string; carry: boolean } {
  if (n >= digits.length) return { digits: digits.padEnd(n, '0'), carry: false };
  if (n < 0) return { digits: '', carry: false };
  const head = digits.slice(0, n);
  const next = digits.charCodeAt(n) - 48;
  const rest = digits.slice(n + 1);
  const prevOdd = n > 0 && (digits.charCodeAt(n - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || prevOdd));
  if (!up) return { digits: head, carry: false };
  const arr = head.split('').map(Number);
  let i = arr.length - 1;
  while (i >= 0 && arr[i] === 9) arr[i--] = 0;
  if (i < 0) return { digits: '1' + arr.join(''), carry: true };
  arr[i]++;
  return { digits: arr.join(''), carry: false };
}

function expText(e: number): string {
  const a = Math.abs(e);
  return (e < 0 ? 'e-' : 'e+') + (a < 10 ? '0' + a : String(a));
}

/** %.{p}e of |x| > 0 exactly; also returns the decimal exponent of the result. */
function exactE(x: number, p: number): { text: string; exp: number } {
  const { digits, point } = exactDigits(x);
  let { digits: d, carry } = roundDigits(digits, p + 1);
  let exp = point - 1;
  if (carry) { exp++; d = d.slice(0, p + 1); }
  return { text: d[0] + (p > 0 ? '.' + d.slice(1) : '') + expText(exp), exp };
}

/** %.{p}f of |x| exactly. */
function exactF(x: number, p: number): string {
  if (x === 0) return p > 0 ? '0.' + '0'.repeat(p) : '0';
  const { digits, point } = exactDigits(x);
  // Digits before the cut: `point` integer digits plus p fraction digits.
  const n = point + p;
  if (n < 0) return p > 0 ? '0.' + '0'.repeat(p) : '0';
  let { digits: d, carry } = roundDigits(digits, n);
  let intLen = point;
  if (carry) intLen++;
  if (d.length === 0) d = '0';
  let intPart: string, frac: string;
  if (intLen <= 0) {
    const all = '0'.repeat(-intLen) + d;
    intPart = '0';
    frac = all.padEnd(p, '0').slice(0, p);
  } else {
    intPart = d.slice(0, intLen).padEnd(intLen, '0');
    frac = d.slice(intLen).padEnd(p, '0').slice(0, p);
  }
  return p > 0 ? `${intPart}.${frac}` : intPart;
}

/** Whether JS's rounding of |x| at that cut might be a tie (the next digit is a 5). */
function maybeTie(s: string): boolean {
  return s.endsWith('5');
}

function eText(x: number, p: number): { text: string; exp: number } {
  if (x === 0) return { text: (p > 0 ? '0.' + '0'.repeat(p) : '0') + 'e+00', exp: 0 };
  if (p <= 99) {
    const probe = x.toExponential(Math.min(100, p + 1));
    if (!maybeTie(probe.slice(0, probe.indexOf('e')))) {
      const s = x.toExponential(p);
      const at = s.indexOf('e');
      const exp = Number(s.slice(at + 1));
      return { text: s.slice(0, at) + expText(exp), exp };
    }
  }
  return exactE(x, p);
}

function fText(x: number, p: number): string {
  if (x < 1e21 && p <= 99) {
    const probe = x.toFixed(Math.min(100, p + 1));
    if (!maybeTie(probe)) return x.toFixed(p);
  }
  return exactF(x, p);
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  const e = s.indexOf('e');
  const mant = e < 0 ? s : s.slice(0, e);
  const tail = e < 0 ? '' : s.slice(e);
  return mant.replace(/0+$/, '').replace(/\.$/, '') + tail;
}

/** printf("%.{precision}{conv}", x). */
export function formatFloat(x: number, conv: Conv, precision: number): string {
  f64[0] = x;
  const neg = u32[1] >>> 31 === 1;
  if (x !== x) return neg ? '-nan' : 'nan';
  if (x === Infinity || x === -Infinity) return neg ? '-inf' : 'inf';
  const a = neg ? -x : x;
  const sign = neg ? '-' : '';
  if (conv === 'e') return sign + eText(a, precision).text;
  if (conv === 'f') return sign + fText(a, precision);
  const P = precision === 0 ? 1 : precision;
  if (a === 0) return sign + '0';
  const { text, exp } = eText(a, P - 1);
  if (exp < -4 || exp >= P) return sign + stripZeros(text);
  return sign + stripZeros(fText(a, P - 1 - exp));
}

/** printf("%g", x): the conversion print and to_str use for floats (spec §4.5). */
export function formatG(x: number): string {
  return formatFloat(x, 'g', 6);
}
