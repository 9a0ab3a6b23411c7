/** Where the recorded state lives, from `--state` or `state:` in workspace-gitops.yaml, and the store for it. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateError } from '../errors.js';
import { FileStateStore, type FileStoreDeps } from './file-store.js';
import type { StateStore } from './types.js';

export type StateLocation = { kind: 'file'; path: string } | { kind: 'postgres'; url: string };

/** A store the caller owns and must close when done. */
export type OpenedStateStore = StateStore & { close(): Promise<void> };

const ALLOWED = 'file:PATH, a plain path, or postgres://… (postgresql://…)';

/** `file:PATH` and bare paths resolve against `baseDir` (the config file's directory). */
export function parseStateLocation(value: string, baseDir: string): StateLocation {
  const trimmed = value.trim();
  if (trimmed === '') throw invalid(value, 'it is empty');
  if (/^postgres(?:ql)?:\/\//i.test(trimmed)) return { kind: 'postgres', url: trimmed };
  if (/^file:\/\//i.test(trimmed)) {
    try {
      return { kind: 'file', path: fileURLToPath(trimmed) };
    } catch (err) {
      throw invalid(value, (err as Error).message);
    }
  }
  if (/^file:/i.test(trimmed)) {
    const path = trimmed.slice('file:'.length);
    if (path === '') throw invalid(value, 'the path after file: is empty');
    return { kind: 'file', path: resolve(baseDir, path) };
  }
  // A scheme of two letters or more that we do not know; one letter is a Windows drive (C:\…).
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(trimmed)?.[1];
  if (scheme !== undefined) throw invalid(value, `the scheme "${scheme}:" is not supported`);
  return { kind: 'file', path: resolve(baseDir, trimmed) };
}

export function openStateStore(location: StateLocation, deps: FileStoreDeps): OpenedStateStore {
  if (location.kind === 'file') return new FileStateStore(location.path, deps);
  throw new StateError(
    'STATE_BACKEND_UNSUPPORTED',
    `the PostgreSQL state backend (${redactUrl(location.url)}) is not available yet in this version of workspace-gitops`,
    'use a file state for now: --state file:.workspace-gitops/state.json',
  );
}

/** The password never reaches a message. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

function invalid(value: string, problem: string): StateError {
  return new StateError('STATE_LOCATION_INVALID', `state location "${value}" is not valid: ${problem}`, `use ${ALLOWED}`);
}
