/**
 * Collects the YAML files of a folder, refusing what could hurt: files over a size limit, bytes that are
 * not UTF-8, and symlinks that lead out of the folder. Problems are diagnostics, never exceptions.
 */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { LineIndex } from './lines.js';

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface SourceFile {
  /** Path shown to users: relative to the display root, forward slashes. */
  file: string;
  absolutePath: string;
  text: string;
}

export interface ReadResult {
  files: SourceFile[];
  diagnostics: Diagnostic[];
}

export interface ReadOptions {
  /** Paths in diagnostics are shown relative to this folder (the repository root). */
  displayRoot: string;
  maxFileBytes?: number;
}

export function displayPath(absolutePath: string, displayRoot: string): string {
  const rel = path.relative(displayRoot, absolutePath);
  const shown = rel === '' ? path.basename(absolutePath) : rel.startsWith('..') ? absolutePath : rel;
  return shown.split(path.sep).join('/');
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Files read at once. Reading them all concurrently opens one descriptor per file and fails with
 * EMFILE past the process limit (1024 by default on Linux, 256 on macOS) in large repositories.
 */
const MAX_OPEN_FILES = 32;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function problem(file: string, rule: string, message: string, allowed?: string, line = 1, column = 1): Diagnostic {
  return { file, line, column, severity: 'error', rule, message, ...(allowed === undefined ? {} : { allowed }) };
}

/**
 * Line and column of the first byte that is not valid UTF-8, for the error message. The lossy decoding
 * marks each invalid sequence with U+FFFD; walking it beside the bytes tells a replacement from a real
 * U+FFFD written in the file (EF BF BD). Linear, and only run on files that failed to decode.
 */
function firstInvalidUtf8(bytes: Buffer): { line: number; column: number } {
  const lossy = bytes.toString('utf8');
  let offset = 0;
  for (let i = 0; i < lossy.length; i++) {
    const code = lossy.charCodeAt(i);
    if (code === 0xfffd && !(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) {
      return new LineIndex(lossy).position(i);
    }
    // UTF-8 length of this UTF-16 unit; a surrogate pair is 4 bytes, counted on its first half.
    offset += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 4 : code >= 0xdc00 && code <= 0xdfff ? 0 : 3;
  }
  return { line: 1, column: 1 };
}

async function readOne(absolutePath: string, shown: string, maxBytes: number): Promise<SourceFile | Diagnostic> {
  const info = await stat(absolutePath);
  if (info.size > maxBytes) {
    return problem(shown, 'file-too-large', `the file has ${info.size} bytes`, `at most ${maxBytes} bytes per file; split it into several files`);
  }
  const bytes = await readFile(absolutePath);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return problem(shown, 'encoding', 'the file contains bytes that are not valid UTF-8', 'UTF-8 text', at.line, at.column);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { file: shown, absolutePath, text };
}

/**
 * Every `*.yaml` / `*.yml` under `folder`, in a stable order (sorted by path). Hidden entries (dot
 * files and folders) are skipped. Symlinks are followed only while they stay inside the folder.
 */
export async function readYamlFolder(folder: string, options: ReadOptions): Promise<ReadResult> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const shownFolder = displayPath(folder, options.displayRoot);
  let root: string;
  try {
    root = await realpath(folder);
    if (!(await stat(root)).isDirectory()) {
      return { files, diagnostics: [problem(shownFolder, 'folder', 'is not a folder', 'a folder of *.yaml files')] };
    }
  } catch {
    return { files, diagnostics: [problem(shownFolder, 'folder', 'the folder does not exist', 'a folder of *.yaml files (set desired_state / policies in workspace-gitops.yaml or use --dir / --policies)')] };
  }
  const visited = new Set<string>([root]);
  const candidates: { absolutePath: string; shown: string }[] = [];

  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const shown = displayPath(full, options.displayRoot);
      let target = full;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          target = await realpath(full);
        } catch {
          diagnostics.push(problem(shown, 'symlink', 'the symlink points to nothing', 'symlinks to files inside the folder'));
          continue;
        }
        if (target !== root && !target.startsWith(root + path.sep)) {
          diagnostics.push(problem(shown, 'symlink-outside', `the symlink leads outside ${shownFolder} (to ${target})`, `symlinks to files inside ${shownFolder}`));
          continue;
        }
        const info = await lstat(target);
        isDir = info.isDirectory();
        isFile = info.isFile();
      }
      if (isDir) {
        if (visited.has(target)) continue;
        visited.add(target);
        await walk(full);
      } else if (isFile && YAML_FILE.test(entry.name)) {
        candidates.push({ absolutePath: full, shown });
      }
    }
  }
  await walk(folder);
  candidates.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  const results = await mapLimit(candidates, MAX_OPEN_FILES, (c) => readOne(c.absolutePath, c.shown, maxBytes));
  for (const r of results) {
    if ('text' in r) files.push(r);
    else diagnostics.push(r);
  }
  return { files, diagnostics };
}

/** Read a single YAML file (the config), with the same size and encoding rules. */
export async function readYamlFile(absolutePath: string, options: ReadOptions): Promise<SourceFile | Diagnostic> {
  return readOne(absolutePath, displayPath(absolutePath, options.displayRoot), options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
}
