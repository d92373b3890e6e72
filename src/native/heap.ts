// THE heap object layout native code shares with the runtime (runtime-asm): header bits, object
// tags, and the fields of strings, arrays, raw stores, structs, maps and ptr values. The
// lowering, the native interpreter and the in-process loader read these tables, and
// scripts/gen-runtime-inc.ts writes runtime-asm/layout.inc from them, so no number is kept in
// sync by hand.
import { Kind } from '../bytecode/opcodes.js';

/** Every heap object starts with a 64-bit header word. */
export const HEADER = {
  /** Bits 0–7: the object's tag (TAG). */
  tagMask: 0xff,
  /** Bit 8: marked live by the collector (runtime-asm/heap.asm). */
  mark: 0x100,
  /**
   * Bit 9: a container being printed or compared (str.asm, equal.asm): met again inside itself,
   * it prints as a placeholder ([...]) and compares as equal, so cycles end.
   */
  busy: 0x200,
  /** Maps: bits 16–23 the key kind, bits 24–31 the value kind (KIND). */
  mapKeyShift: 16,
  mapValueShift: 24,
  /** Class instances (tag struct): bits 32–63 the class index (its vtable, its name). */
  classShift: 32,
  /** Bit 63: a static object (string constants), never collected. */
  static: 1n << 63n,
} as const;

/** Header tags of heap objects. */
export const TAG = { str: 1, array: 2, arrayRef: 3, raw: 4, struct: 5, map: 6 } as const;

/** What the elements, keys or values of a container are (the bytecode's register kinds). */
export const KIND = { int: Kind.Int, float: Kind.Float, bool: Kind.Bool, ref: Kind.Ref } as const;

/** A string: header, length in bytes, the bytes, a NUL not counted in the length. */
export const STR = { len: 8, data: 16 } as const;

/**
 * An array: header, length, capacity, pointer to the elements (8 bytes each); arrays the
 * runtime allocates keep the elements inline from `inline` on, until they outgrow that room.
 */
export const ARRAY = { len: 8, cap: 16, data: 24, inline: 32 } as const;

/** A raw store (tag raw: an array's outgrown elements, a map's entries and index): header, capacity, data. */
export const RAW = { cap: 8, data: 16 } as const;

/** A struct-shaped object: header, field count, mask of the fields that are references (the first 64), fields. */
export const STRUCT = { count: 8, refs: 16, fields: 24 } as const;

/**
 * A map (runtime-asm/map.asm): header (with the key and value kinds), live entries, entries
 * used, the entries store and its capacity, the index store and its capacity; `size` bytes.
 */
export const MAP = { count: 8, used: 16, entries: 24, ecap: 32, index: 40, icap: 48, size: 56 } as const;

/**
 * A ptr value is a struct of two plain fields: what it is (a C pointer an extern returned, a
 * mutex, a condition variable) and its payload (the address; the mutex's locked flag).
 */
export const PTR = { kind: 0, payload: 8, c: 0, mutex: 1, cond: 2 } as const;

/** The collector's heap is made of blocks of 2^HEAP_BLOCK_SHIFT bytes (runtime-asm/heap.asm). */
export const HEAP_BLOCK_SHIFT = 16;

/** Header word of a static (never collected) string object. */
export const STATIC_STR_HEADER = HEADER.static | BigInt(TAG.str);

/** The header word of a new map whose keys and values have these kinds. */
export function mapHeaderWord(key: Kind, value: Kind): bigint {
  return BigInt(TAG.map) | (BigInt(key) << BigInt(HEADER.mapKeyShift)) | (BigInt(value) << BigInt(HEADER.mapValueShift));
}

/** The header word of an instance of class `index`. */
export function objectHeaderWord(index: number): bigint {
  return BigInt(TAG.struct) | (BigInt(index) << BigInt(HEADER.classShift));
}
