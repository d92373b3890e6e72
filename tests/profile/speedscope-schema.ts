// What speedscope's published schema (https://www.speedscope.app/file-format-schema.json, JSON
// Schema draft 6) asks of a file with sampled profiles — its types, required fields and enums,
// written out here because tests never fetch anything — and a checker for that subset of JSON
// Schema (type, required, properties, items, enum, $ref, anyOf).
export { SPEEDSCOPE_SCHEMA } from '../../src/profile/formats.js';

type Schema = { type?: string; required?: string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; $ref?: string; anyOf?: Schema[] };

const num: Schema = { type: 'number' }, str: Schema = { type: 'string' };
const DEFINITIONS: Record<string, Schema> = {
  'FileFormat.File': {
    type: 'object', required: ['$schema', 'profiles', 'shared'],
    properties: {
      $schema: { type: 'string', enum: ['https://www.speedscope.app/file-format-schema.json'] },
      shared: { type: 'object', required: ['frames'], properties: { frames: { type: 'array', items: { $ref: '#/definitions/FileFormat.Frame' } } } },
      profiles: { type: 'array', items: { anyOf: [{ $ref: '#/definitions/FileFormat.EventedProfile' }, { $ref: '#/definitions/FileFormat.SampledProfile' }] } },
      name: str, activeProfileIndex: num, exporter: str,
    },
  },
  'FileFormat.Frame': { type: 'object', required: ['name'], properties: { name: str, file: str, line: num, col: num } },
  'FileFormat.EventedProfile': {
    type: 'object', required: ['endValue', 'events', 'name', 'startValue', 'type', 'unit'],
    properties: { type: { type: 'string', enum: ['evented'] }, name: str, unit: { $ref: '#/definitions/FileFormat.ValueUnit' }, startValue: num, endValue: num, events: { type: 'array' } },
  },
  'FileFormat.SampledProfile': {
    type: 'object', required: ['endValue', 'name', 'samples', 'startValue', 'type', 'unit', 'weights'],
    properties: {
      type: { type: 'string', enum: ['sampled'] }, name: str, unit: { $ref: '#/definitions/FileFormat.ValueUnit' }, startValue: num, endValue: num,
      samples: { type: 'array', items: { type: 'array', items: num } }, weights: { type: 'array', items: num },
    },
  },
  'FileFormat.ValueUnit': { type: 'string', enum: ['bytes', 'microseconds', 'milliseconds', 'nanoseconds', 'none', 'seconds'] },
};

const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** The problems of `value` against `schema` (the file's schema by default); none when it conforms. */
export function checkSchema(value: unknown, schema: Schema = { $ref: '#/definitions/FileFormat.File' }, at = '$'): string[] {
  if (schema.$ref) return checkSchema(value, DEFINITIONS[schema.$ref.replace('#/definitions/', '')], at);
  if (schema.anyOf) return schema.anyOf.some((s) => checkSchema(value, s, at).length === 0) ? [] : [`${at}: matches none of its alternatives`];
  if (schema.type && typeOf(value) !== schema.type) return [`${at}: a ${typeOf(value)}, not a ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  const out: string[] = [];
  if (typeOf(value) === 'object') {
    const o = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in o)) out.push(`${at}: lacks ${r}`);
    for (const [k, s] of Object.entries(schema.properties ?? {})) if (k in o) out.push(...checkSchema(o[k], s, `${at}.${k}`));
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...checkSchema(v, schema.items!, `${at}[${i}]`)));
  return out;
}
