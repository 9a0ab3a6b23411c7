/** Where the daemon reads the desired state from on every run: a git branch or a local folder. */

export interface SourceSnapshot {
  /** The folder the config is looked up from for this run. */
  root: string;
  /** The commit this run reconciles; undefined when the source cannot say (read it from the folder). */
  revision?: string;
}

export interface Source {
  readonly kind: 'git' | 'local';
  /** The checkout the daemon resets, which the state must stay out of; undefined for a local folder. */
  readonly checkout: string | undefined;
  /** The branch a git source follows (webhook pushes to other branches are ignored). */
  readonly branch: string | undefined;
  /** Brings the folder up to date; a git source fetches and hard-resets. */
  sync(): Promise<SourceSnapshot>;
  /** Safe to log: no credentials. */
  describe(): Record<string, string>;
}

/** A folder on disk, read as it is (with --watch, or edited by something else). */
export class LocalSource implements Source {
  readonly kind = 'local';
  readonly checkout = undefined;
  readonly branch = undefined;
  constructor(private readonly root: string) {}

  sync(): Promise<SourceSnapshot> {
    return Promise.resolve({ root: this.root });
  }

  describe(): Record<string, string> {
    return { source: 'local', folder: this.root };
  }
}
