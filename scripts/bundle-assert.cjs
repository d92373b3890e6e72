'use strict';
// node:assert as the CLI bundle has it (scripts/bundle.mjs): yargs uses two of its functions for
// internal checks, and loading the real module opens stderr (3–4 ms of every start).
const fail = (message) => { throw new Error(message ?? 'assertion failed'); };
exports.strictEqual = (a, b, message) => { if (a !== b) fail(message); };
exports.notStrictEqual = (a, b, message) => { if (a === b) fail(message); };
