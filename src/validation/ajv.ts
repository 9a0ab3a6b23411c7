/** One configured ajv for every schema in the project: strict, all errors collected, rule annotations allowed. */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { ANNOTATION_KEYWORDS } from '../workspace/order-schema.js';

// ajv-formats is CommonJS; under NodeNext its callable export sits on `.default`.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

let shared: Ajv | undefined;

export function sharedAjv(): Ajv {
  if (shared) return shared;
  const ajv = new Ajv({ strict: true, allErrors: true, verbose: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword, schemaType: 'string' });
  shared = ajv;
  return ajv;
}

const cache = new WeakMap<object, ValidateFunction>();

/** Compile once per schema object; schemas are built once at module load, so this is a cheap lookup. */
export function compile<T>(schema: TSchema): ValidateFunction<T> {
  let fn = cache.get(schema);
  if (!fn) {
    fn = sharedAjv().compile(schema);
    cache.set(schema, fn);
  }
  return fn as ValidateFunction<T>;
}
