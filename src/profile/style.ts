// What the report and the pictures share: the class of a frame (the tier a function of the program
// ran in, or the runtime, or bpjit itself) with its colour on a terminal and in SVG/HTML, and how
// numbers, times and markup are written.
import type { Frame, FunctionProfile, ProfileData } from './data.js';

/** What a frame is drawn as: a function of the program by its tier, or native code not of the program. */
export type FrameClass = 'native' | 'interpreter' | 'vm' | 'runtime' | 'bpjit';

export const frameClass = (f: Pick<Frame, 'kind' | 'tier'>): FrameClass => (f.kind === 'bp' ? f.tier ?? 'vm' : f.kind);

/** Per class: the legend's words, an SGR colour, and an HSL hue and saturation for the pictures. */
export const CLASSES: Record<FrameClass, { label: string; sgr: string; hue: number; sat: number }> = {
  native: { label: 'native (compiled)', sgr: '32', hue: 110, sat: 55 },
  interpreter: { label: 'native interpreter', sgr: '33', hue: 40, sat: 85 },
  vm: { label: 'TypeScript VM', sgr: '35', hue: 275, sat: 55 },
  runtime: { label: 'runtime (builtins, collector)', sgr: '36', hue: 190, sat: 60 },
  bpjit: { label: 'bpjit itself (the JIT, the loader)', sgr: '2', hue: 0, sat: 0 },
};

/** How the run was made, in words, by ProfileData.mode. */
export const MODES: Record<ProfileData['mode'], string> = {
  native: 'native code: the native interpreter, and functions compiled by the JIT once hot',
  interpreter: 'the native interpreter alone (--no-jit)',
  vm: 'the TypeScript VM',
};

/** A fill for a frame: its class's hue, lightness varied by name so neighbours stand apart. */
export function fillOf(cls: FrameClass, name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  const c = CLASSES[cls];
  return `hsl(${(c.hue + (h % 13) + 354) % 360},${c.sat}%,${55 + (h % 17)}%)`;
}

/** Where a function's tier is said: 'native', or where it stayed and why. */
export const tierText = (f: FunctionProfile): string => (f.tier === 'native' ? 'native' : `${f.tier}: ${f.reason ?? 'never hot'}`);

/** 48315633 → '48,315,633'. (Not toLocaleString: its first call loads ICU's data, 15 ms.) */
export const count = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ',');
/** 1 → '1 call', 2 → '2 calls'. */
export const counted = (n: number, what: string): string => `${count(n)} ${what}${n === 1 ? '' : 's'}`;
export const ms = (t: number): string => t.toFixed(1);
export const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');

/** Text for XML and HTML (element content and attribute values). */
export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A function's place in the source: 'fib.bp:3'. */
export const placeOf = (f: FunctionProfile): string => `${f.file.split('/').pop()}:${f.defLine}`;
