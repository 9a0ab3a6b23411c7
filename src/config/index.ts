/** Loading workspace-gitops.yaml into a typed Config (flags and environment applied). */
export * from './config.js';
export * from './schema.js';
