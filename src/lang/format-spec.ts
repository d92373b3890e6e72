// f-string format specifications (bpjit, spec §8.2): Python's format mini-language
//   [[fill]align][sign][#][0][width][grouping][.precision][type]
// parsed once here; the checker validates them against the value's type and the VM and the
// runtime format with the parsed record.

export interface FormatSpec {
  fill: string;
  align: '<' | '>' | '^' | '=' | null;
  sign: '+' | '-' | ' ' | null;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: ',' | '_' | null;
  precision: number | null;
  type: string | null;
}

const INT_TYPES = 'bcdoxXn';
const FLOAT_TYPES = 'eEfFgG%';

/** Parses `spec` for a value of type kind `kind`; returns an error message when invalid. */
export function parseFormatSpec(spec: string, kind: string): FormatSpec | string {
  const s: FormatSpec = { fill: ' ', align: null, sign: null, alt: false, zero: false, width: 0, grouping: null, precision: null, type: null };
  let i = 0;
  const isAlign = (c: string | undefined) => c === '<' || c === '>' || c === '^' || c === '=';
  if (spec.length >= 2 && isAlign(spec[1])) { s.fill = spec[0]; s.align = spec[1] as FormatSpec['align']; i = 2; }
  else if (isAlign(spec[0])) { s.align = spec[0] as FormatSpec['align']; i = 1; }
  if (spec[i] === '+' || spec[i] === '-' || spec[i] === ' ') s.sign = spec[i++] as FormatSpec['sign'];
  if (spec[i] === '#') { s.alt = true; i++; }
  if (spec[i] === '0') { s.zero = true; i++; }
  const w = /^\d+/.exec(spec.slice(i));
  if (w) { s.width = Number(w[0]); i += w[0].length; }
  if (spec[i] === ',' || spec[i] === '_') s.grouping = spec[i++] as FormatSpec['grouping'];
  if (spec[i] === '.') {
    const p = /^\d+/.exec(spec.slice(i + 1));
    if (!p) return `invalid format spec '${spec}': expected digits after '.'`;
    s.precision = Number(p[0]);
    i += 1 + p[0].length;
  }
  if (i < spec.length) s.type = spec[i++];
  if (i < spec.length) return `invalid format spec '${spec}'`;
  if (s.width > 1000 || (s.precision ?? 0) > 100) return `format spec '${spec}': width or precision too large`;
  const numeric = s.sign !== null || s.alt || s.grouping !== null || (s.zero && s.align === null) || s.align === '=';
  const t = s.type;
  switch (kind) {
    case 'error': return s;
    case 'int':
      if (t !== null && !INT_TYPES.includes(t) && !FLOAT_TYPES.includes(t)) return `format type '${t}' is not valid for int`;
      if (s.precision !== null && (t === null || INT_TYPES.includes(t))) return 'precision is not allowed in an integer format spec';
      return s;
    case 'float':
      if (t !== null && !FLOAT_TYPES.includes(t)) return `format type '${t}' is not valid for float`;
      return s;
    default:
      if (t !== null && t !== 's') return `format type '${t}' is only valid for numbers (value is ${kind})`;
      if (numeric) return `sign, '#', '0', '=' and grouping are only valid for numbers (value is ${kind})`;
      return s;
  }
}
