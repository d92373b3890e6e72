// The flame graph's geometry: the sampled stacks merged into a tree (children of a frame with the
// same name and class are one), then laid out as boxes whose widths are samples — a box is as
// wide as the samples that had its frame (and the frames below it) on the stack.
import type { FunctionProfile, ProfileData } from './data.js';
import { frameClass, type FrameClass } from './style.js';
import { UNKNOWN } from './formats.js';

export interface FlameNode {
  name: string;
  cls: FrameClass;
  /** Samples with this frame (and its ancestors) on the stack, and those with it innermost. */
  samples: number;
  self: number;
  /** Samples per line this frame was executing. */
  lines: Map<number, number>;
  children: FlameNode[];
}

const node = (name: string, cls: FrameClass): FlameNode => ({ name, cls, samples: 0, self: 0, lines: new Map(), children: [] });

/** The merged stacks under a root named `all`; children in name order, as flamegraph.pl draws them. */
export function flameTree(p: ProfileData): FlameNode {
  const root = node('all', 'bpjit');
  const index = new Map<FlameNode, Map<string, FlameNode>>();
  for (const { frames, count } of p.stacks) {
    root.samples += count;
    let at = root;
    const path = frames.length ? frames : [{ name: UNKNOWN, kind: 'bpjit' as const }];
    for (const f of path) {
      const cls = frameClass(f), key = `${cls}:${f.name}`;
      const kids = index.get(at) ?? index.set(at, new Map()).get(at)!;
      let next = kids.get(key);
      if (!next) {
        kids.set(key, (next = node(f.name, cls)));
        at.children.push(next);
      }
      next.samples += count;
      if ('line' in f && f.line) next.lines.set(f.line, (next.lines.get(f.line) ?? 0) + count);
      at = next;
    }
    at.self += count;
  }
  const order = (n: FlameNode): void => {
    n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.cls < b.cls ? -1 : 1));
    n.children.forEach(order);
  };
  order(root);
  return root;
}

export interface FlameBox {
  node: FlameNode;
  /** Left edge and width in samples; depth 0 is the root. */
  x: number;
  width: number;
  depth: number;
}

/** Every frame's box, parents before children. */
export function flameBoxes(root: FlameNode): FlameBox[] {
  const out: FlameBox[] = [];
  const walk = (n: FlameNode, x: number, depth: number) => {
    out.push({ node: n, x, width: n.samples, depth });
    let at = x;
    for (const c of n.children) {
      walk(c, at, depth + 1);
      at += c.samples;
    }
  };
  walk(root, 0, 0);
  return out;
}

/** The line a frame spent most samples on. */
export const hottestLine = (n: FlameNode): number | undefined => [...n.lines].sort((a, b) => b[1] - a[1])[0]?.[0];

/** What a box's tooltip says: name, where, time and share. */
export function describe(n: FlameNode, p: ProfileData, fns: Map<string, FunctionProfile>, label: string): string {
  const ms = (n.samples * p.intervalMs).toFixed(1);
  const share = p.samples ? ((100 * n.samples) / p.samples).toFixed(1) : '0';
  const fn = n.cls === 'runtime' || n.cls === 'bpjit' ? undefined : fns.get(n.name);
  const line = hottestLine(n);
  const where = fn ? ` — ${fn.file}:${fn.defLine}${line ? `, most at line ${line}` : ''}` : '';
  return `${n.name} (${label})${where} — ${ms} ms, ${share}% (${n.samples} samples, ${(n.self * p.intervalMs).toFixed(1)} ms self)`;
}
