/** Loading the desired state the config points at, as every command does. */
import type { Config } from '../config/index.js';
import { loadDesiredState, type LoadOptions, type LoadResult, type ParseCache } from '../desired/index.js';

export function desiredLoadOptions(config: Config, cache?: ParseCache): LoadOptions {
  return {
    displayRoot: config.root,
    domainType: config.domainType,
    billing: config.billing,
    enterpriseProjectId: config.enterpriseProjectId,
    ...(cache ? { cache } : {}),
  };
}

export function loadDesired(config: Config, cache?: ParseCache): Promise<LoadResult> {
  return loadDesiredState(config.desiredStateDir, desiredLoadOptions(config, cache));
}
