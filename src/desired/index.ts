/** Desired state: YAML files → validated, normalized resources (profiles applied) with their source positions. */
export * from './kinds.js';
export * from './model.js';
export * from './schemas.js';
export { buildDesiredState, loadDesiredState, ParseCache, type LoadOptions, type LoadResult } from './load.js';
