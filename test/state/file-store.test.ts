import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../../src/log.js';
import { FileStateStore, foldJournal, journalPaths, LockedError, type FileStoreDeps, type StateSnapshot } from '../../src/state/index.js';
import { describeStateStoreContract } from './contract.js';
import { bigSnapshot, fakeClock, intent, outcome, record, snapshotOf } from './helpers.js';

const DIST_STATE = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/state/index.js');

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'wsgo-state-'));
}

describeStateStoreContract('file', async (clock) => {
  const dir = await tempDir();
  const file = join(dir, '.workspace-gitops', 'state.json');
  const opened: FileStateStore[] = [];
  const open = (deps: FileStoreDeps) => {
    const store = new FileStateStore(file, deps);
    opened.push(store);
    return store;
  };
  return {
    store: open(clock),
    reopen: (otherClock = fakeClock()) => Promise.resolve(open(otherClock)),
    cleanup: async () => {
      await Promise.all(opened.map((s) => s.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
});

/** Captures warnings so a test can check what the operator would be told. */
function recordingLogger() {
  const warnings: { message: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, fields) => warnings.push({ message, ...(fields ? { fields } : {}) }),
    error: () => undefined,
    child: () => logger,
  };
  return { logger, warnings };
}

describe('FileStateStore', () => {
  let dir: string;
  let file: string;
  const stores: FileStateStore[] = [];

  function open(deps: Partial<FileStoreDeps> = {}): FileStateStore {
    const store = new FileStateStore(file, { now: fakeClock().now, ...deps });
    stores.push(store);
    return store;
  }

  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir, 'state.json');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  describe('reading a damaged state file', () => {
    it('reports invalid JSON as STATE_CORRUPT, naming the file, and leaves the bytes alone', async () => {
      const bytes = '{"format_version": 1, "lineage": "x", "serial": 3, "resources": {';
      await writeFile(file, bytes);
      const error = await open().read().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringContaining(file) });
      expect((error as Error).message).toContain('not valid JSON');
      expect(await readFile(file, 'utf8')).toBe(bytes);
    });

    it('reports a wrong shape, naming what is wrong', async () => {
      const bad = { format_version: 1, lineage: 'x', serial: 2, resources: { 'Desktop/a': { ...record('Desktop/a'), status: 'exploded' } } };
      const bytes = JSON.stringify(bad);
      await writeFile(file, bytes);
      await expect(open().read()).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringMatching(/Desktop\/a.*status "exploded"/) });
      await writeFile(file, JSON.stringify({ format_version: 1, lineage: 'x', serial: '2', resources: {} }));
      await expect(open().read()).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringContaining('serial') });
    });

    it('refuses a newer format, saying to upgrade', async () => {
      await writeFile(file, JSON.stringify({ format_version: 2, lineage: 'x', serial: 9, resources: [], something_new: true }));
      const error = await open().read().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'STATE_NEWER_FORMAT', hint: expect.stringContaining('upgrade workspace-gitops') });
    });

    it('does not write over a corrupt state', async () => {
      await writeFile(file, 'not json');
      const store = open();
      const lock = await store.acquireLock({ operation: 'apply' });
      await expect(store.write(snapshotOf([], { serial: 1 }), lock)).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
      expect(await readFile(file, 'utf8')).toBe('not json');
    });
  });

  describe('writing', () => {
    it('leaves no temporary files behind and writes deterministic, one-resource-per-line JSON', async () => {
      const store = open();
      const lock = await store.acquireLock({ operation: 'apply' });
      const a = record('Desktop/b-desk');
      const b = record('Desktop/a-desk', { status: 'ordered' });
      await store.write(snapshotOf([a, b], { serial: 1 }), lock);
      const first = await readFile(file, 'utf8');
      // Same content, other key order: same bytes.
      const reordered = Object.fromEntries(Object.entries(b).reverse()) as typeof b;
      await store.write(snapshotOf([reordered, a], { serial: 2 }), lock);
      const second = await readFile(file, 'utf8');
      expect(second).toBe(first.replace('"serial": 1', '"serial": 2'));
      expect(second.split('\n').filter((l) => l.includes('"address"'))).toHaveLength(2);
      expect(second.indexOf('Desktop/a-desk')).toBeLessThan(second.indexOf('Desktop/b-desk'));
      await store.releaseLock(lock);
      expect(await readdir(dir)).toEqual(['state.json']);
    });

    it('creates missing parent directories', async () => {
      file = join(dir, 'deep', 'er', 'state.json');
      const store = open();
      const lock = await store.acquireLock({ operation: 'apply' });
      await store.write(snapshotOf([], { serial: 1 }), lock);
      expect((await store.read()).serial).toBe(1);
    });

    it('refuses a snapshot with a broken shape before touching the file', async () => {
      const store = open();
      const lock = await store.acquireLock({ operation: 'apply' });
      const broken = { ...snapshotOf([], { serial: 1 }), resources: { 'Desktop/a': { address: 'Desktop/b' } } } as unknown as StateSnapshot;
      await expect(store.write(broken, lock)).rejects.toMatchObject({ code: 'STATE_INVALID_SNAPSHOT' });
      expect(existsSync(file)).toBe(false);
    });

    it('writes and reads 10,000 resources without a pathological slowdown', async () => {
      const store = open();
      const lock = await store.acquireLock({ operation: 'apply' });
      const big = bigSnapshot(10_000);
      const started = performance.now();
      await store.write(big, lock);
      const writeMs = performance.now() - started;
      const readStarted = performance.now();
      await store.read();
      const readMs = performance.now() - readStarted;
      // Typically 150-300 ms to write and 40-80 ms to read on a loaded 2-CPU machine; the bound leaves room
      // for slow CI runners and only catches something going quadratic.
      expect(writeMs).toBeLessThan(2_000);
      expect(readMs).toBeLessThan(2_000);
    });
  });

  describe('lock', () => {
    it('says when the holder pid is not running on this host, and still does not break the lock', async () => {
      const holder = open({ hostname: 'build-01', pid: 4242 });
      const held = await holder.acquireLock({ operation: 'apply' });
      const other = open({ hostname: 'build-01', isProcessAlive: (pid) => pid !== 4242 });
      const error = await other.acquireLock({ operation: 'plan' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockedError);
      expect((error as LockedError).message).toContain('pid 4242 is not running on this host');
      expect(await other.readLock()).toEqual(held.info);
    });

    it('does not call a holder on another host stale', async () => {
      const holder = open({ hostname: 'build-01', pid: 4242 });
      await holder.acquireLock({ operation: 'apply' });
      const other = open({ hostname: 'build-02', isProcessAlive: () => false });
      const error = (await other.acquireLock({ operation: 'plan' }).catch((e: unknown) => e)) as LockedError;
      expect(error.message).not.toContain('not running');
    });

    it('reports an unreadable lock file instead of guessing', async () => {
      await writeFile(`${file}.lock`, '');
      await expect(open().readLock()).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringContaining('state.json.lock') });
    });
  });

  describe('journal file', () => {
    it('sits next to the state file', () => {
      expect(journalPaths('/x/state.json')).toEqual({ journal: '/x/state.journal.jsonl', archive: '/x/state.journal-archive.jsonl' });
      expect(journalPaths('/x/ledger')).toEqual({ journal: '/x/ledger.journal.jsonl', archive: '/x/ledger.journal-archive.jsonl' });
    });

    it('ignores a torn last line with a warning, and drops it before the next append', async () => {
      const { logger, warnings } = recordingLogger();
      const store = open({ logger });
      const lock = await store.acquireLock({ operation: 'apply' });
      const i1 = intent('i-1', ['Desktop/a']);
      await store.journal.recordIntent(i1, lock);
      const journal = journalPaths(file).journal;
      await appendFile(journal, '{"kind":"intent","id":"i-2","addre');
      const reader = open({ logger });
      expect(await reader.journal.entries()).toEqual([i1]);
      expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('torn last line'), fields: { file: journal, line: 2 } })]);
      // Invalid JSON on the last line, even with its newline, is a torn line too.
      await appendFile(journal, '\n');
      expect(await reader.journal.entries()).toEqual([i1]);
      const i3 = intent('i-3', ['Desktop/c']);
      await reader.journal.recordIntent(i3, lock);
      expect(await readFile(journal, 'utf8')).toBe(`${JSON.stringify(i1)}\n${JSON.stringify(i3)}\n`);
    });

    it('reports a corrupt line in the middle with its line number', async () => {
      const journal = journalPaths(file).journal;
      const i1 = intent('i-1', ['Desktop/a']);
      const bytes = `${JSON.stringify(i1)}\nnot json at all\n${JSON.stringify(outcome('i-1', 'placed'))}\n`;
      await writeFile(journal, bytes);
      const store = open();
      await expect(store.journal.entries()).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringMatching(/state\.journal\.jsonl.*line 2/) });
      const lock = await store.acquireLock({ operation: 'apply' });
      await expect(store.journal.recordIntent(intent('i-2', ['Desktop/b']), lock)).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
      expect(await readFile(journal, 'utf8')).toBe(bytes);
    });

    it('refuses an intent without a target for each address', async () => {
      const store = open();
      const lock = await store.acquireLock({ operation: 'apply' });
      const bad = { ...intent('i-1', ['Desktop/a']), addresses: ['Desktop/a', 'Desktop/b'] };
      await expect(store.journal.recordIntent(bad, lock)).rejects.toMatchObject({ code: 'STATE_INVALID_ENTRY', message: expect.stringContaining('Desktop/b') });
    });

    it('moves compacted entries to the archive, and a crash between the two steps stays correct', async () => {
      const store = open();
      const lock = await store.acquireLock({ operation: 'apply' });
      const i1 = intent('i-1', ['Desktop/a']);
      const o1 = outcome('i-1', 'placed', { orderId: 'CS1' });
      const i2 = intent('i-2', ['Desktop/b']);
      await store.journal.recordIntent(i1, lock);
      await store.journal.recordOutcome(o1, lock);
      await store.journal.recordIntent(i2, lock);
      const now = new Date('2025-03-02T00:00:00Z');
      const folded = foldJournal(snapshotOf([], { serial: 0, lineage: '' }), await store.journal.entries(), now);
      await store.journal.compact(['i-1'], lock);
      const { journal, archive } = journalPaths(file);
      expect(await readFile(archive, 'utf8')).toBe(`${JSON.stringify(i1)}\n${JSON.stringify(o1)}\n`);
      expect(await store.journal.entries()).toEqual([i2]);
      // Simulate a crash after step 1 of a compaction: the archived entries are still live as well.
      await writeFile(journal, [i1, o1, i2].map((e) => `${JSON.stringify(e)}\n`).join(''));
      const refolded = foldJournal(folded, await store.journal.entries(), now);
      expect(refolded).toEqual(folded);
      await store.journal.compact(['i-1'], lock);
      expect(await store.journal.entries()).toEqual([i2]);
    });

    it('keeps an intent queued behind an older intent for the same resource that stays', async () => {
      const { logger, warnings } = recordingLogger();
      const store = open({ logger });
      const lock = await store.acquireLock({ operation: 'apply' });
      await store.journal.recordIntent(intent('i-1', ['Desktop/a']), lock);
      await store.journal.recordOutcome(outcome('i-1', 'failed'), lock);
      await store.journal.recordIntent(intent('i-2', ['Desktop/a']), lock);
      await store.journal.recordOutcome(outcome('i-2', 'placed'), lock);
      await store.journal.compact(['i-2'], lock);
      expect((await store.journal.entries()).map((e) => e.kind)).toHaveLength(4);
      expect(warnings[0]?.fields).toMatchObject({ intents: ['i-2'] });
      await store.journal.compact(['i-1', 'i-2'], lock);
      expect(await store.journal.entries()).toEqual([]);
    });
  });

  describe('a process killed mid-apply', () => {
    it('leaves its intent in doubt and a stale lock naming the dead pid', async () => {
      expect(existsSync(DIST_STATE), `${DIST_STATE} is missing: run \`npm run build\` first`).toBe(true);
      const script = join(dir, 'crash.mjs');
      const i1 = intent('i-crash', ['Desktop/alice']);
      await writeFile(
        script,
        [
          `import { FileStateStore } from ${JSON.stringify(DIST_STATE)};`,
          `const store = new FileStateStore(${JSON.stringify(file)}, { now: () => new Date() });`,
          `const lock = await store.acquireLock({ operation: 'apply' });`,
          `await store.journal.recordIntent(${JSON.stringify(i1)}, lock);`,
          `process.kill(process.pid, 'SIGKILL');`,
        ].join('\n'),
      );
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, sig) => done(sig)));
      expect(signal, stderr).toBe('SIGKILL');

      const store = open();
      expect(await store.journal.inDoubt()).toEqual([i1]);
      const lock = await store.readLock();
      expect(lock).toMatchObject({ pid: child.pid, operation: 'apply' });
      expect(lock?.who.endsWith(`@${hostname()}`)).toBe(true);
      const error = await store.acquireLock({ operation: 'apply' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockedError);
      expect((error as LockedError).message).toContain(`pid ${child.pid} is not running on this host`);
      expect((error as LockedError).hint).toContain(`workspace-gitops state unlock ${lock?.id}`);
    });
  });
});
