// Whether what bpjit writes gets ANSI colours. One rule for every output that colours
// (diagnostics, the profile report, and scripts/run-tests.mjs): --color, else FORCE_COLOR (on
// unless 0 or false), else NO_COLOR (off when set and not empty), else on for a terminal
// whose TERM is not dumb.
import { nodeRequire } from '../vm/memory.js';

export function colorEnabled(when: string | undefined, env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (when === 'always' || when === 'never') return when === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}

let when: string | undefined;

/** Records --color for this run. */
export function setColor(w: string | undefined): void {
  when = w;
}

/** Colours on stderr, where diagnostics and reports go. (node:tty is loaded only when asked: it costs 2 ms.) */
export const stderrColor = (): boolean => colorEnabled(when, process.env, (nodeRequire('node:tty') as typeof import('node:tty')).isatty(2));
