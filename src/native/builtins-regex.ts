// Runtime builtins of built executables: see runtime-builtins.ts for the conventions.
// Regular expressions (runtime-asm/regexlib.asm), a port of src/vm/regex.ts. An invalid pattern
// is no error (the VM answers no match, -1, the text, [text], []); regex_match and regex_search
// are `located` only to report running out of memory for the compiled pattern.
import type { RuntimeBuiltin } from './runtime-builtins.js';

export const BUILTINS_REGEX: Readonly<Record<string, RuntimeBuiltin>> = {
  regex_match: { symbol: 'bp_rt_regex_match', located: true },
  regex_search: { symbol: 'bp_rt_regex_search', located: true },
  regex_replace: { symbol: 'bp_rt_regex_replace', allocates: true },
  regex_split: { symbol: 'bp_rt_regex_split', allocates: true },
  regex_find_all: { symbol: 'bp_rt_regex_find_all', allocates: true },
};
