// f-string format specifications (bpjit, spec §8.2): Python's format mini-language
//   [[fill]align][sign][#][0][width][grouping][.precision][type]
// parsed once here; the checker validates them against the value's type and the VM and the
// runtime format with the parsed record.
import { MessageArg, MessageName, formatMessage, messageRow } from './messages.js';

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

/** What is wrong with a spec: a row of the diagnostics table and its arguments. */
export interface FormatProblem {
  readonly problem: MessageName;
  readonly args: readonly MessageArg[];
}

/** Parses `spec` for a value of type kind `kind`; returns an error message when invalid. */
export function parseFormatSpec(spec: string, kind: string): FormatSpec | string {
  const r = checkFormatSpec(spec, kind);
  return 'problem' in r ? formatMessage(messageRow(r.problem).text, r.args) : r;
}

/** Parses `spec` for a value of type kind `kind`, or says what is wrong with it. */
export function checkFormatSpec(spec: string, kind: string): FormatSpec | FormatProblem {
  const fail = (problem: MessageName, ...args: MessageArg[]): FormatProblem => ({ problem, args });
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
    if (!p) return fail('format-precision-digits', spec);
    s.precision = Number(p[0]);
    i += 1 + p[0].length;
  }
  if (i < spec.length) s.type = spec[i++];
  if (i < spec.length) return fail('format-spec-invalid', spec);
  if (s.width > 1000 || (s.precision ?? 0) > 100) return fail('format-spec-too-large', spec);
  const numeric = s.sign !== null || s.alt || s.grouping !== null || (s.zero && s.align === null) || s.align === '=';
  const t = s.type;
  switch (kind) {
    case 'error': return s;
    case 'int':
      if (t !== null && !INT_TYPES.includes(t) && !FLOAT_TYPES.includes(t)) return fail('format-type-invalid', t, 'int');
      if (s.precision !== null && (t === null || INT_TYPES.includes(t))) return fail('format-int-precision');
      return s;
    case 'float':
      if (t !== null && !FLOAT_TYPES.includes(t)) return fail('format-type-invalid', t, 'float');
      return s;
    default:
      if (t !== null && t !== 's') return fail('format-type-non-number', t, kind);
      if (numeric) return fail('format-flags-non-number', kind);
      return s;
  }
}
