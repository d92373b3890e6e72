// The lowering's tables against the opcode table: the `native` column says which opcodes the
// lowering takes (always, for some types, never), and the lowering tables must say the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OP_DEFS } from '../../src/bytecode/opcodes.js';
import { BUILTINS } from '../../src/lang/builtins.js';
import { LOWER } from '../../src/native/lower.js';
import { NATIVE_CHECKS } from '../../src/native/unsupported.js';

test('an opcode has a lowering exactly when its native column is not "never"', () => {
  OP_DEFS.forEach((d, op) => assert.is(LOWER[op] !== undefined, d.native !== 'never', d.name));
});

test('an opcode has a type check exactly when its native column is "typed"', () => {
  OP_DEFS.forEach((d, op) => assert.is(NATIVE_CHECKS[op] !== undefined, d.native === 'typed', d.name));
});

test('comparisons and conditional branches on ints carry their relation', () => {
  for (const d of OP_DEFS) {
    if (/^(j?(lt|le|gt|ge|eq|ne)_[if]k?|for(lt|gt))$/.test(d.name)) assert.ok(d.rel, d.name);
    else assert.is(d.rel, undefined, d.name);
  }
});

test('a builtin compiled to an instruction names an opcode of its shape: a result, then its arguments', () => {
  for (const b of BUILTINS.values()) {
    if (!b.op) continue;
    const def = OP_DEFS.find((d) => d.name === b.op);
    assert.ok(def, `${b.name}: no opcode ${b.op}`);
    assert.is(def!.ops, 'd' + 'r'.repeat(b.params.length), b.name);
  }
});

test.run();
