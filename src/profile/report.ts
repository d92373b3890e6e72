// The report `bpjit profile` prints (to stderr): the functions ranked by self time with their
// total time, counts and tier; the hottest lines with how often they ran; and the source of the
// hottest functions with time and counts in the margin. Colour only when asked (color.ts decides).
import type { ProfileData } from './data.js';
import { annotate, hotFunctions, hotLines, hotStretches, rankFunctions, sampledMs, type AnnotatedLine, type Row, type SourceLines } from './rank.js';
import { CLASSES, MODES, count, counted, ms, pct, placeOf, tierText } from './style.js';

export interface ReportOptions {
  color: boolean;
  /** How many functions, lines and annotated functions to show. */
  functions?: number;
  lines?: number;
  annotated?: number;
  source: SourceLines;
}

type Paint = (sgr: string, text: string) => string;
const painter = (on: boolean): Paint => (sgr, text) => (on && sgr && text ? `\x1b[${sgr}m${text}\x1b[0m` : text);

/** A table cell: its text, or its text and colour. */
type Cell = string | [string, string];

/**
 * Lays out a table: `align` per column ('l' or 'r'); the last column is not padded. Colour goes
 * around the text only, so escape codes count for no width and trailing blanks trim alike.
 */
function table(head: string[], rows: Cell[][], align: string, paint: Paint): string[] {
  const text = (c: Cell) => (typeof c === 'string' ? c : c[0]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i]).length)));
  const line = (r: Cell[], all?: string) => r.map((c, i) => {
    const t = text(c), pad = i === r.length - 1 ? '' : ' '.repeat(widths[i] - t.length);
    const painted = paint(all ?? (typeof c === 'string' ? '' : c[1]), t);
    return align[i] === 'r' ? pad + painted : painted + pad;
  }).join('  ').replace(/\s+$/, '');
  return [line(head, '1'), ...rows.map((r) => line(r))];
}

function functionTable(p: ProfileData, rows: Row[], paint: Paint): string[] {
  const whole = sampledMs(p);
  const dash = '-';
  return table(
    ['function', 'self ms', 'self%', 'total ms', 'total%', 'calls', 'loop trips', 'instructions', 'tier'],
    rows.map((r) => {
      const f = r.fn;
      return [r.name, ms(r.selfMs), pct(r.selfMs, whole), ms(r.totalMs), pct(r.totalMs, whole),
        f ? count(f.calls) : dash, f ? count(f.loops.reduce((s, l) => s + l.trips, 0)) : dash, f ? count(f.instructions) : dash,
        [f ? tierText(f) : CLASSES[r.cls].label, CLASSES[r.cls].sgr]];
    }),
    'lrrrrrrrl', paint);
}

/** What a line did besides its time and runs: the trips of the loop it heads. */
export const lineNote = (l: Pick<AnnotatedLine, 'trips'>): string => (l.trips !== undefined ? `loop: ${count(l.trips)} trips` : '');

function hotLinesTable(p: ProfileData, n: number, source: SourceLines, paint: Paint): string[] {
  const whole = sampledMs(p);
  const lines = hotLines(p, n);
  if (!lines.length) return [];
  const rows = lines.map((l) => {
    const text = source(l.fn.file)?.[l.line - 1]?.trim() ?? '';
    return [`${l.fn.file.split('/').pop()}:${l.line}`, l.fn.name, ms(l.selfMs), pct(l.selfMs, whole), ms(l.totalMs), count(l.count),
      [lineNote(l), '2'], text] as Cell[];
  });
  return ['', paint('1', 'Hottest lines') + ' (self and total as for functions; runs: times the line ran):',
    ...table(['line', 'function', 'self ms', 'self%', 'total ms', 'runs', '', 'source'], rows, 'llrrrrll', paint).map((l) => '  ' + l)];
}

function annotated(p: ProfileData, n: number, source: SourceLines, paint: Paint): string[] {
  const out: string[] = [];
  for (const fn of hotFunctions(p, n)) {
    const lines = annotate(fn, source);
    out.push('', `${paint('1', fn.name)}  ${placeOf(fn)}  ${paint(CLASSES[fn.tier].sgr, tierText(fn))}  self ${ms(fn.selfMs)} ms, total ${ms(fn.totalMs)} ms, ${counted(fn.calls, 'call')}`);
    if (!lines) {
      out.push(`  (source of ${fn.file} not available)`);
      continue;
    }
    const shown = hotStretches(lines, 40);
    // The note (loop trips) follows the line's text: it is the last column, so it is not padded.
    const rows = shown.map((l) => (l ? [
      l.profile?.selfMs ? ms(l.profile.selfMs) : '', l.profile?.totalMs ? ms(l.profile.totalMs) : '', l.profile?.count ? count(l.profile.count) : '',
      String(l.line), paint(l.profile?.selfMs ? '1' : '', l.text) + (lineNote(l) && paint('2', `  # ${lineNote(l)}`)),
    ] : ['', '', '', '⋮', '']) as Cell[]);
    out.push(...table(['self ms', 'total ms', 'runs', 'line', 'source'], rows, 'rrrrl', paint).map((l) => '  ' + l));
  }
  return out.length ? ['', paint('1', 'Annotated source') + ' of the hottest functions:', ...out] : [];
}

/** The whole report, ending with a newline. */
export function formatReport(p: ProfileData, opts: ReportOptions): string {
  const paint = painter(opts.color);
  const rows = rankFunctions(p);
  const whole = sampledMs(p);
  const head = [
    `${paint('1', `Profile of ${p.program}`)}: ran on ${MODES[p.mode]}.`,
    `${ms(p.wallMs)} ms in all; ${p.samples ? `${count(p.samples)} samples, one every ${p.intervalMs.toFixed(2)} ms (${ms(whole)} ms of the run)` : 'no samples (the run was shorter than the sampling interval): no times, ranked by instructions'}; ${count(p.totalInstructions)} bytecode instructions executed.`,
    `self: time in the function's own code; total: with everything it calls (a recursive function counts once per sample).`,
    'Counts are exact on every tier: calls; loop trips (times a loop went back to its start); bytecode instructions executed.',
    '',
  ];
  const top = opts.functions ?? 15;
  const more = rows.length > top ? [`  (${rows.length - top} more functions; the .bpprof has them all)`] : [];
  return [...head, ...functionTable(p, rows.slice(0, top), paint), ...more,
    ...hotLinesTable(p, opts.lines ?? 10, opts.source, paint), ...annotated(p, opts.annotated ?? 3, opts.source, paint)].join('\n') + '\n';
}
