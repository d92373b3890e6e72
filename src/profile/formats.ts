// The sampled stacks in the formats other tools read: folded stacks (one `frame;frame;frame count`
// line per distinct stack, outermost first: flamegraph.pl, inferno, speedscope) and speedscope's
// own JSON file format (https://www.speedscope.app/file-format-schema.json, a "sampled" profile).
import type { Frame, FunctionProfile, ProfileData } from './data.js';

/** A frame of a stack that has none the sampler could name (flamegraph.pl's word for it). */
export const UNKNOWN = '[unknown]';

/**
 * A frame's name as folded stacks spell it: the separators (space, ';'), line breaks and '%'
 * itself are percent-escaped, so every name survives and none is split. (The compiler's names —
 * `main`, `geom.area`, `main$lambda1`, `<globals>$lambda1` — never need it.)
 */
export const foldedName = (name: string): string => name.replace(/[%; \t\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

/**
 * Folded stacks: per distinct stack of frame names (tiers and lines merged), its sample count.
 * Heaviest first; no empty line and no empty stack (a sample without frames is `[unknown]`).
 */
export function foldedStacks(p: ProfileData): string {
  const counts = new Map<string, number>();
  for (const { frames, count } of p.stacks) {
    const key = frames.length ? frames.map((f) => foldedName(f.name)).join(';') : UNKNOWN;
    counts.set(key, (counts.get(key) ?? 0) + count);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}\n`).join('');
}

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

export interface SpeedscopeFile {
  $schema: typeof SPEEDSCOPE_SCHEMA;
  shared: { frames: { name: string; file?: string; line?: number }[] };
  profiles: { type: 'sampled'; name: string; unit: 'milliseconds'; startValue: number; endValue: number; samples: number[][]; weights: number[] }[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

/**
 * A speedscope file: one sampled profile, a sample per distinct stack weighted by its time (ms).
 * A frame is a function (its file and definition line) or a runtime routine; tiers are merged,
 * as a function is one thing to a reader whichever tier ran it.
 */
export function speedscope(p: ProfileData, exporter: string): SpeedscopeFile {
  const byName = new Map<string, FunctionProfile>(p.functions.map((f) => [f.name, f]));
  const frames: SpeedscopeFile['shared']['frames'] = [];
  const index = new Map<string, number>();
  const frameOf = (f: Frame | undefined): number => {
    const key = f ? `${f.kind}:${f.name}` : UNKNOWN;
    let i = index.get(key);
    if (i === undefined) {
      const fn = f?.kind === 'bp' ? byName.get(f.name) : undefined;
      index.set(key, (i = frames.length));
      frames.push(fn ? { name: fn.name, file: fn.file, line: fn.defLine } : { name: f ? (f.kind === 'bpjit' ? 'bpjit itself' : f.name) : UNKNOWN });
    }
    return i;
  };
  const stacks = p.stacks.filter((s) => s.count > 0);
  const samples = stacks.map((s) => (s.frames.length ? s.frames.map(frameOf) : [frameOf(undefined)]));
  const weights = stacks.map((s) => s.count * p.intervalMs);
  const name = p.program.split('/').pop() ?? p.program;
  return {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: { frames },
    profiles: [{ type: 'sampled', name, unit: 'milliseconds', startValue: 0, endValue: weights.reduce((s, w) => s + w, 0), samples, weights }],
    name, activeProfileIndex: 0, exporter,
  };
}
