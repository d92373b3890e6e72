// f-string format specifications (Python's mini-language, spec §8.2) applied to VM values.
import { Kind } from '../bytecode/opcodes.js';
import { kindOf } from '../bytecode/tdesc.js';
import { FormatSpec, parseFormatSpec } from '../lang/format-spec.js';
import { formatFloat } from './fmt-float.js';
import { Int, big, toFloat } from './int64.js';
import { display } from './values.js';

const cache = new Map<string, FormatSpec>();

export function formatValue(v: unknown, desc: string, specText: string): string {
  const kind = kindOf(desc);
  const kname = kind === Kind.Int ? 'int' : kind === Kind.Float ? 'float' : kind === Kind.Bool ? 'bool' : desc === 's' ? 'str' : 'other';
  const key = kname + '|' + specText;
  let spec = cache.get(key);
  if (!spec) {
    const p = parseFormatSpec(specText, kname);
    if (typeof p === 'string') throw new Error(p);
    spec = p;
    cache.set(key, spec);
  }
  let body: string;
  let sign = '';
  let prefix = '';
  let numeric = false;
  const t = spec.type;
  if (kind === Kind.Int && (t === null || 'bcdoxXn'.includes(t))) {
    numeric = true;
    let n = big(v as Int);
    if (n < 0n) { sign = '-'; n = -n; }
    switch (t) {
      case 'x': body = n.toString(16); prefix = spec.alt ? '0x' : ''; break;
      case 'X': body = n.toString(16).toUpperCase(); prefix = spec.alt ? '0X' : ''; break;
      case 'o': body = n.toString(8); prefix = spec.alt ? '0o' : ''; break;
      case 'b': body = n.toString(2); prefix = spec.alt ? '0b' : ''; break;
      case 'c': body = String.fromCharCode(Number(n) & 255); numeric = false; break;
      default: body = n.toString(10);
    }
    if (spec.grouping) body = group(body, spec.grouping, t === 'x' || t === 'X' || t === 'o' || t === 'b' ? 4 : 3);
  } else if (kind === Kind.Int || kind === Kind.Float) {
    numeric = true;
    let x = kind === Kind.Int ? toFloat(v as Int) : (v as number);
    const negative = x < 0 || Object.is(x, -0) || (x !== x && signBit(x));
    if (negative) { sign = '-'; x = -x; }
    const p = spec.precision ?? 6;
    switch (t) {
      case 'f': case 'F': body = formatFloat(x, 'f', p); break;
      case 'e': case 'E': body = formatFloat(x, 'e', p); break;
      case 'g': case 'G': body = formatFloat(x, 'g', spec.precision === 0 ? 1 : p); break;
      case '%': body = formatFloat(x * 100, 'f', p) + '%'; break;
      default: body = spec.precision !== null ? formatFloat(x, 'g', Math.max(1, p)) : formatFloat(x, 'g', 6);
    }
    if (body.startsWith('-')) body = body.slice(1);
    if (t === 'E' || t === 'F' || t === 'G') body = body.toUpperCase();
    if (spec.grouping) {
      const dot = body.search(/[.e%]/);
      const intPart = dot < 0 ? body : body.slice(0, dot);
      if (/^\d+$/.test(intPart)) body = group(intPart, spec.grouping, 3) + (dot < 0 ? '' : body.slice(dot));
    }
  } else {
    body = display(v, kind);
    if (spec.precision !== null) body = body.slice(0, spec.precision);
  }
  if (numeric && sign === '') sign = spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  const content = sign + prefix + body;
  const width = spec.width;
  if (content.length >= width) return content;
  const pad = width - content.length;
  let align = spec.align ?? (numeric ? '>' : '<');
  let fill = spec.fill;
  if (spec.zero && spec.align === null && numeric) { align = '='; fill = '0'; }
  switch (align) {
    case '<': return content + fill.repeat(pad);
    case '>': return fill.repeat(pad) + content;
    case '^': return fill.repeat(pad >> 1) + content + fill.repeat(pad - (pad >> 1));
    default: return sign + prefix + fill.repeat(pad) + body;
  }
}

function group(digits: string, sep: string, every: number): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % every === 0) out += sep;
    out += digits[i];
  }
  return out;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function signBit(x: number): boolean {
  f64[0] = x;
  return u32[1] >>> 31 === 1;
}
