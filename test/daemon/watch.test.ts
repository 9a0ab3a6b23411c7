/**
 * --watch on a local folder (plan-only, no cloud): a burst of edits to a desired-state file makes
 * exactly one run, and files the loader never reads (hidden, not YAML) make none.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CONFIG_YAML, desktopYaml, metric, removeTemps, tempDir, waitFor, writeFiles } from './support.js';
import { startTestDaemon, type TestDaemon } from './in-process.js';

const daemons: TestDaemon[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
});
afterAll(removeTemps);

const DEBOUNCE_MS = 300;
/** Longer than debounce + chokidar's write-stability wait, with room for a slow machine. */
const QUIET_WINDOW_MS = 1_500;

const runsFinished = (d: TestDaemon) => d.logs.filter((l) => l.msg === 'run finished').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('--watch', () => {
  it('turns a burst of edits into exactly one run, and ignores files the loader does not read', async () => {
    const folder = tempDir('watch');
    writeFiles(folder, { 'workspace-gitops.yaml': CONFIG_YAML, 'desired-state/a.yaml': desktopYaml('alice-dev', 'alice'), 'policies/.keep': '' });
    const config = path.join(folder, 'workspace-gitops.yaml');
    const daemon = await startTestDaemon(folder, {
      overrides: { mode: 'plan-only', watch: { paths: [path.join(folder, 'desired-state'), path.join(folder, 'policies'), config], debounceMs: DEBOUNCE_MS, stabilityMs: 100 } },
    });
    daemons.push(daemon);
    await waitFor('the startup run', () => (runsFinished(daemon) === 1 ? true : undefined));

    // An editor-like burst: write, rewrite, append, all within the debounce window.
    const file = path.join(folder, 'desired-state/a.yaml');
    writeFileSync(file, `${desktopYaml('alice-dev', 'alice')}---\n`);
    writeFileSync(file, `${desktopYaml('alice-dev', 'alice')}---\n${desktopYaml('bob-dev', 'bob')}`);
    appendFileSync(file, '# bob joined\n');
    await waitFor('the watch-triggered run', () => (runsFinished(daemon) === 2 ? true : undefined));
    // Proving that no second run follows needs a quiet period; nothing else can show an absence.
    await sleep(QUIET_WINDOW_MS);
    expect(runsFinished(daemon)).toBe(2);
    const text = daemon.metrics.render();
    expect(metric(text, 'workspace_gitops_triggers_total', { source: 'watch', decision: 'started' })).toBe(1);
    expect(metric(text, 'workspace_gitops_triggers_total', { source: 'watch', decision: 'queued' })).toBeUndefined();
    expect(metric(text, 'workspace_gitops_changes_pending')).toBe(2);
    const plans = daemon.logs.filter((l) => l.msg === 'plan');
    expect(plans.map((p) => p['create'])).toEqual([1, 2]);

    // Neither a README nor an editor's hidden swap file is desired state.
    writeFileSync(path.join(folder, 'desired-state/README.md'), '# notes\n');
    writeFileSync(path.join(folder, 'desired-state/.a.yaml.swp'), 'swap');
    await sleep(QUIET_WINDOW_MS);
    expect(runsFinished(daemon)).toBe(2);
    // A plan-only daemon never orders and never takes the lock.
    expect(daemon.logs.some((l) => l.msg === 'order placed')).toBe(false);
  });
});
