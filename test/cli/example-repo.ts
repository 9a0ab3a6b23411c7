/** The project's example repository (config, desired state, policies) copied where a test may change it. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Copies workspace-gitops.yaml, desired-state/ and policies/ of the example repository into `dir`. */
export function copyExampleRepo(dir: string): string {
  for (const entry of ['workspace-gitops.yaml', 'desired-state', 'policies']) cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

/** A fresh copy of the example repository in a temp folder outside any git work tree, removed after the file's tests. */
export function exampleCopy(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return copyExampleRepo(dir);
}
