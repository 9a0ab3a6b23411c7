/** Reading user files safely (size, encoding, symlinks) and parsing YAML documents that remember their positions. */
export * from './files.js';
export * from './yaml.js';
export * from './lines.js';
