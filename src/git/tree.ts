/**
 * The desired-state files of another revision, read from git's object store (no checkout, no working
 * tree touched) with the same rules as a folder on disk: *.yaml/*.yml only, hidden entries skipped,
 * the size limit, and UTF-8 or a diagnostic.
 */
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { Diagnostic } from '../diagnostics.js';
import { InputError, UsageError } from '../errors.js';
import { DEFAULT_MAX_FILE_BYTES, displayPath, type ReadResult, type SourceFile } from '../source/index.js';

const YAML_FILE = /\.ya?ml$/i;
const SYMLINK_MODE = '120000';

export interface GitCheckout {
  git: SimpleGit;
  /** Top level of the work tree. */
  top: string;
}

export async function openCheckout(dir: string): Promise<GitCheckout> {
  const git = simpleGit({ baseDir: dir });
  let top: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    throw new UsageError(`--base needs a git repository, and ${dir} is not inside one`, 'run it in a clone of the desired-state repository');
  }
  return { git: simpleGit({ baseDir: top }), top };
}

/** The full commit id of `ref`, or an error saying how to make it available (CI clones are often shallow). */
export async function resolveCommit(checkout: GitCheckout, ref: string): Promise<string> {
  if (ref.trim() === '' || ref.startsWith('-')) throw new UsageError(`--base ${ref} is not a git revision`, 'e.g. --base origin/main or --base HEAD~1');
  // simple-git resolves a failed command that wrote nothing to stderr, so the answer itself is checked.
  const commit = await checkout.git.raw(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]).then(
    (out) => out.trim(),
    () => '',
  );
  if (/^[0-9a-f]{40,64}$/.test(commit)) return commit;
  throw new InputError(`git revision ${ref} is not in this clone`, [], 'fetch it first: in GitHub Actions use actions/checkout with fetch-depth: 0, or run git fetch origin main; in GitLab set GIT_DEPTH: 0');
}

function problem(file: string, rule: string, message: string, allowed: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { file, line: 1, column: 1, severity, rule, message, allowed };
}

function hidden(relativeToFolder: string): boolean {
  return relativeToFolder.split('/').some((segment) => segment.startsWith('.'));
}

interface TreeEntry {
  mode: string;
  size: number;
  object: string;
  path: string;
}

function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    // "<mode> <type> <object> <size>\t<path>" with --long; paths are verbatim with -z.
    const tab = record.indexOf('\t');
    const [mode, type, object, size] = record.slice(0, tab).trim().split(/\s+/) as [string, string, string, string];
    if (type !== 'blob') continue;
    entries.push({ mode, object, size: Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

export interface FolderAtRevisionOptions {
  /** The folder on disk whose content at `commit` is wanted (absolute). */
  folder: string;
  /** Paths in diagnostics are shown relative to this folder, as for files on disk. */
  displayRoot: string;
  maxFileBytes?: number;
}

/** Every YAML file under `folder` as it was at `commit`, sorted by path; an absent folder is empty. */
export async function readFolderAtRevision(checkout: GitCheckout, commit: string, options: FolderAtRevisionOptions): Promise<ReadResult> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const rel = path.relative(checkout.top, options.folder).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new UsageError(`the desired-state folder ${options.folder} is outside the git repository ${checkout.top}`, 'keep desired_state inside the repository to plan with --base');
  }
  const prefix = rel === '' ? '' : `${rel}/`;
  const listing = await checkout.git.raw(['ls-tree', '-r', '-z', '--long', '--full-tree', commit, '--', rel === '' ? '.' : rel]);
  const files: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const entries = parseLsTree(listing)
    .filter((e) => e.path.startsWith(prefix) && YAML_FILE.test(e.path) && !hidden(e.path.slice(prefix.length)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of entries) {
    const absolutePath = path.join(checkout.top, ...entry.path.split('/'));
    const shown = displayPath(absolutePath, options.displayRoot);
    if (entry.mode === SYMLINK_MODE) {
      diagnostics.push(problem(shown, 'symlink', `is a symlink at ${commit.slice(0, 12)}; symlinks are not followed when reading a git revision`, 'regular files', 'warning'));
      continue;
    }
    if (entry.size > maxBytes) {
      diagnostics.push(problem(shown, 'file-too-large', `the file has ${entry.size} bytes`, `at most ${maxBytes} bytes per file; split it into several files`));
      continue;
    }
    const bytes = (await checkout.git.binaryCatFile(['blob', entry.object])) as Buffer;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      diagnostics.push(problem(shown, 'encoding', 'the file contains bytes that are not valid UTF-8', 'UTF-8 text'));
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    files.push({ file: shown, absolutePath: `${commit}:${entry.path}`, text });
  }
  return { files, diagnostics };
}
