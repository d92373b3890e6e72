// "Did you mean" suggestions: the candidate closest to a misspelt name by edit distance
// (insertions, deletions, substitutions and swaps of neighbours each cost 1), accepted when the
// distance is at most a third of the name's length (at least 1), as rustc does; a difference of
// case alone always qualifies.
import type { Note } from './diag.js';

export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The best match for `name` among `candidates`, or null. */
export function closest(name: string, candidates: Iterable<string>): string | null {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | null = null, bestD = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = c.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, c, limit);
    if (d <= limit && d < bestD) { best = c; bestD = d; }
  }
  return best;
}

/** A `help: did you mean ...?` note when some candidate is close; `what` names its kind. */
export function didYouMean(name: string, candidates: Iterable<string>, what?: string): Note[] {
  const best = closest(name, candidates);
  return best ? [{ kind: 'help', message: `did you mean ${what ? `the ${what} ` : ''}'${best}'?` }] : [];
}
