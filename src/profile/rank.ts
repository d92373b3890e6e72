// What the report and the HTML page show, computed once from a profile: every function that took
// time or ran — the program's with their counts, the runtime's and bpjit's with their time only —
// ranked by self time; the hottest lines; and a function's source lines with their time and
// counts in the margin (the annotated-source view).
import type { Frame, FunctionProfile, LineProfile, ProfileData } from './data.js';
import { frameClass, type FrameClass } from './style.js';

export interface Row {
  name: string;
  cls: FrameClass;
  selfMs: number;
  totalMs: number;
  /** The program's functions: their counts and tier. */
  fn?: FunctionProfile;
}

/** The sampled time of the profile (samples × interval): what shares are shares of. */
export const sampledMs = (p: ProfileData): number => p.samples * p.intervalMs;

/**
 * The functions by self time (then total time, then executed instructions: a run too short to be
 * sampled still ranks by work). Frames not of the program are timed from the stacks as
 * applySamples times the program's: self when innermost, total once per sample when on it.
 */
export function rankFunctions(p: ProfileData): Row[] {
  const rows = new Map<string, Row>();
  for (const f of p.functions) if (f.calls > 0 || f.totalMs > 0) rows.set(`bp:${f.name}`, { name: f.name, cls: frameClass({ kind: 'bp', tier: f.tier }), selfMs: f.selfMs, totalMs: f.totalMs, fn: f });
  for (const { frames, count } of p.stacks) {
    const t = count * p.intervalMs;
    const other = (fr: Frame): Row | undefined => {
      if (fr.kind === 'bp') return undefined;
      const key = `${fr.kind}:${fr.name}`;
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { name: fr.name, cls: frameClass(fr), selfMs: 0, totalMs: 0 }));
      return r;
    };
    const leaf = frames[frames.length - 1];
    const self = leaf && other(leaf);
    if (self) self.selfMs += t;
    for (const r of new Set(frames.map(other))) if (r) r.totalMs += t;
  }
  return [...rows.values()].sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs || (b.fn?.instructions ?? 0) - (a.fn?.instructions ?? 0));
}

export interface HotLine extends LineProfile {
  fn: FunctionProfile;
  /** Back-edge trips of the loops whose header is this line. */
  trips?: number;
}

const tripsAt = (f: FunctionProfile, line: number): number | undefined => {
  const ls = f.loops.filter((l) => l.line === line);
  return ls.length ? ls.reduce((s, l) => s + l.trips, 0) : undefined;
};

/** The `n` hottest lines of the program: those with self time by it (unsampled: by how often they ran). */
export function hotLines(p: ProfileData, n: number): HotLine[] {
  return p.functions
    .flatMap((fn) => fn.lines.map((l) => ({ ...l, fn, trips: tripsAt(fn, l.line) })))
    .filter((l) => (p.samples ? l.selfMs > 0 : l.count > 0))
    .sort((a, b) => b.selfMs - a.selfMs || b.count - a.count)
    .slice(0, n);
}

/** The program's functions worth annotating: those with self time, or (unsampled) the most work. */
export function hotFunctions(p: ProfileData, n: number): FunctionProfile[] {
  return rankFunctions(p).flatMap((r) => (r.fn && (r.selfMs > 0 || (p.samples === 0 && r.fn.instructions > 0)) ? [r.fn] : [])).slice(0, n);
}

/** A source line of an annotated function: the text, and what ran there (absent: no code). */
export interface AnnotatedLine {
  line: number;
  text: string;
  profile?: LineProfile;
  trips?: number;
}

/** Reads a source file's lines; null when it cannot be read (a program from standard input, a moved file). */
export type SourceLines = (file: string) => string[] | null;

/** The lines of `fn` (its definition through its last line with code), or null without its source. */
export function annotate(fn: FunctionProfile, source: SourceLines): AnnotatedLine[] | null {
  const text = source(fn.file);
  if (!text) return null;
  const out: AnnotatedLine[] = [];
  for (let line = fn.defLine; line <= Math.min(fn.lastLine, text.length); line++) {
    const profile = fn.lines.find((l) => l.line === line);
    out.push({ line, text: text[line - 1].replace(/\s+$/, ''), profile, trips: tripsAt(fn, line) });
  }
  return out;
}

/**
 * The lines worth showing of a long function: those with the most time (or, unsampled, the most
 * run), with `context` lines around each; null marks an elided stretch.
 */
export function hotStretches(lines: AnnotatedLine[], keep: number, context = 1): (AnnotatedLine | null)[] {
  if (lines.length <= keep) return lines;
  const timed = lines.some((l) => l.profile?.totalMs);
  const weight = (l: AnnotatedLine) => (timed ? l.profile?.totalMs : l.profile?.count) ?? 0;
  const hot = new Set(lines.filter((l) => weight(l) > 0).sort((a, b) => weight(b) - weight(a)).slice(0, Math.max(1, Math.floor(keep / (2 * context + 1)))).map((l) => l.line));
  hot.add(lines[0].line);
  const shown = lines.filter((l) => [...hot].some((h) => Math.abs(h - l.line) <= context));
  const out: (AnnotatedLine | null)[] = [];
  shown.forEach((l, i) => {
    if (i > 0 && l.line !== shown[i - 1].line + 1) out.push(null);
    out.push(l);
  });
  if (shown[shown.length - 1].line !== lines[lines.length - 1].line) out.push(null);
  return out;
}
