'use strict';
// string-width as the CLI bundle has it (scripts/bundle.mjs): the real module creates an
// Intl.Segmenter as it loads, about 30 ms of every start, for yargs's help layout, which bpjit
// does not use. Printable ASCII is as wide as it is long; anything else loads the real module.
let real;
module.exports = function stringWidth(s, options) {
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  real ??= require('../node_modules/string-width/index.js').default;
  return real(s, options);
};
