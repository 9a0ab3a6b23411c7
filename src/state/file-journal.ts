/**
 * The order journal as an append-only JSON-lines file. Appends go through one open file descriptor
 * and are fdatasync'd before they resolve: the apply layer sends an order only after its intent is
 * on disk, so a crash at any point leaves the intent visible as in doubt.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateError } from '../errors.js';
import type { Logger } from '../log.js';
import { appendDurable, fsyncDir, isErrno, writeAll, writeFileAtomic, type FileHandle } from './durable-fs.js';
import type { FileLock } from './file-lock.js';
import { JournalIndex } from './journal-rules.js';
import { formatJournalLine, intentIdOf, parseJournal, type ParsedJournal } from './journal-lines.js';
import { groupByIntent, settle } from './settlement.js';
import type { Journal, JournalEntry, LockHandle, OrderIntent, OrderOutcome, OrderResolution } from './types.js';

/** `state.json` → `state.journal.jsonl` and `state.journal-archive.jsonl`; other names get the suffixes appended. */
export function journalPaths(stateFile: string): { journal: string; archive: string } {
  const base = stateFile.endsWith('.json') ? stateFile.slice(0, -'.json'.length) : stateFile;
  return { journal: `${base}.journal.jsonl`, archive: `${base}.journal-archive.jsonl` };
}

/** The open append descriptor, and what we know the file holds through it. */
interface Tail {
  handle: FileHandle;
  dev: number;
  ino: number;
  size: number;
  index: JournalIndex;
}

export class FileJournal implements Journal {
  private tail: Tail | undefined;
  /** Appends, reads and compaction run one at a time, so a reader never sees our own half-written line. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    readonly archiveFile: string,
    private readonly lock: FileLock,
    private readonly deps: { randomId: () => string; logger: Logger },
  ) {}

  recordIntent(intent: OrderIntent, lock: LockHandle): Promise<void> {
    const problem = intentProblem(intent);
    if (problem) return Promise.reject(new StateError('STATE_INVALID_ENTRY', `order intent ${intent.id}: ${problem}`));
    return this.append(intent, lock, 'record an order intent');
  }

  recordOutcome(outcome: OrderOutcome, lock: LockHandle): Promise<void> {
    return this.append(outcome, lock, 'record an order outcome');
  }

  recordResolution(resolution: OrderResolution, lock: LockHandle): Promise<void> {
    return this.append(resolution, lock, 'record a resolution');
  }

  entries(): Promise<JournalEntry[]> {
    return this.serially(async () => (await this.readParsed()).entries);
  }

  async inDoubt(): Promise<OrderIntent[]> {
    return groupByIntent(await this.entries())
      .filter((group) => settle(group).result === 'in-doubt')
      .map((group) => group.intent);
  }

  /**
   * Two steps, archive first: (1) append the settled intents' entries to the archive and fsync it,
   * (2) atomically replace the live journal with the rest. A crash between them leaves those entries
   * in both files, which is harmless: folding is idempotent, and the next compaction archives them
   * again (the archive is an audit trail, so a repeated entry is just a repeated line). The caller
   * must have folded the intents into the state it wrote before compacting them away.
   * Ids still in doubt are kept in the live journal whatever the caller asks, and so is an intent
   * behind a kept older intent for one of its resources: per resource, the live journal stays the tail
   * of its history, which is what lets foldJournal skip what it folded before.
   */
  compact(settledIntentIds: readonly string[], lock: LockHandle): Promise<void> {
    return this.serially(async () => {
      await this.lock.assertHeld(lock, 'compact the order journal');
      const { entries } = await this.readParsed();
      const move = archivable(entries, new Set(settledIntentIds));
      const present = new Set(entries.filter((e) => e.kind === 'intent').map(intentIdOf));
      const kept = settledIntentIds.filter((id) => present.has(id) && !move.has(id));
      if (kept.length > 0) this.deps.logger.warn('kept intents in the journal: in doubt, or behind an older intent for the same resource', { file: this.file, intents: kept });
      const archived = entries.filter((e) => move.has(intentIdOf(e)));
      if (archived.length === 0) return;
      await appendDurable(this.archiveFile, archived.map(formatJournalLine).join(''));
      const live = entries.filter((e) => !move.has(intentIdOf(e)));
      await this.closeTail(); // the rename below replaces the file our descriptor points at
      await writeFileAtomic(this.file, live.map(formatJournalLine).join(''), this.deps.randomId);
    });
  }

  close(): Promise<void> {
    return this.serially(() => this.closeTail());
  }

  private append(entry: JournalEntry, lock: LockHandle, action: string): Promise<void> {
    return this.serially(async () => {
      await this.lock.assertHeld(lock, action);
      const tail = await this.openTail();
      tail.index.check(entry, this.file);
      const line = formatJournalLine(entry);
      await writeAll(tail.handle, line);
      // fdatasync, not fsync: the data and the file size are what must survive; timestamps need not.
      await tail.handle.datasync();
      tail.size += Buffer.byteLength(line, 'utf8');
      tail.index.add(entry);
    });
  }

  /**
   * Reuse the descriptor while the file is the one we opened and as long as we left it; otherwise
   * (first use, compaction, another store instance appended) reopen and re-read it. Only the lock
   * holder appends, so nothing can change between this check and our write.
   */
  private async openTail(): Promise<Tail> {
    const current = await statOrUndefined(this.file);
    const tail = this.tail;
    if (tail && current && current.dev === tail.dev && current.ino === tail.ino && current.size === tail.size) return tail;
    await this.closeTail();
    const handle = await open(this.file, 'a+');
    try {
      const bytes = await handle.readFile();
      const parsed = parseJournal(bytes, this.file);
      if (parsed.tornLine !== undefined) {
        this.warnTorn(parsed);
        // The torn line was never acknowledged, so no order went out for it: drop it so our line starts clean.
        await handle.truncate(parsed.validLength);
        await handle.datasync();
      }
      if (current === undefined) await fsyncDir(dirname(this.file)); // the new file's entry must be durable too
      const { dev, ino } = await handle.stat();
      this.tail = { handle, dev, ino, size: parsed.validLength, index: JournalIndex.of(parsed.entries) };
      return this.tail;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  private async closeTail(): Promise<void> {
    const tail = this.tail;
    this.tail = undefined;
    await tail?.handle.close();
  }

  private async readParsed(): Promise<ParsedJournal> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return { entries: [], validLength: 0 };
      throw err;
    }
    const parsed = parseJournal(bytes, this.file);
    if (parsed.tornLine !== undefined) this.warnTorn(parsed);
    return parsed;
  }

  private warnTorn(parsed: ParsedJournal): void {
    this.deps.logger.warn('ignoring a torn last line in the order journal (the writer died mid-write)', {
      file: this.file,
      line: parsed.tornLine,
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The requested intents that may leave the live journal, in the rules of `compact`. */
function archivable(entries: readonly JournalEntry[], requested: ReadonlySet<string>): Set<string> {
  const move = new Set<string>();
  const blocked = new Set<string>();
  for (const group of groupByIntent(entries)) {
    const { id, addresses } = group.intent;
    const ok = requested.has(id) && settle(group).result !== 'in-doubt' && !addresses.some((a) => blocked.has(a));
    if (ok) move.add(id);
    else for (const address of addresses) blocked.add(address);
  }
  return move;
}

function intentProblem(intent: OrderIntent): string | undefined {
  if (typeof intent.id !== 'string' || intent.id === '') return 'it has no id';
  if (intent.addresses.length === 0) return 'it names no addresses';
  const missing = intent.addresses.filter((address) => intent.targets[address] === undefined);
  if (missing.length > 0) return `it has no target for ${missing.join(', ')}`;
  return undefined;
}

async function statOrUndefined(file: string): Promise<{ dev: number; ino: number; size: number } | undefined> {
  try {
    return await stat(file);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}
