/** Git facts about the desired-state repository: the commit a plan was made from, files at another revision. */
import { simpleGit } from 'simple-git';

/** The commit checked out in `dir`, or null when `dir` is not inside a git work tree (or has no commit yet). */
export async function gitRevision(dir: string): Promise<string | null> {
  try {
    const git = simpleGit({ baseDir: dir });
    if (!(await git.checkIsRepo())) return null;
    const rev = await git.revparse(['HEAD']);
    return /^[0-9a-f]{40,64}$/.test(rev.trim()) ? rev.trim() : null;
  } catch {
    return null;
  }
}

export { openCheckout, resolveCommit, readFolderAtRevision, type GitCheckout, type FolderAtRevisionOptions } from './tree.js';
