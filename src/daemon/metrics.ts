/**
 * The daemon's counters and gauges, written out in the Prometheus text exposition format (0.0.4) by
 * hand: a dozen series do not justify a client library. Labels carry only fixed words and order
 * types, never a path, a URL or anything a user typed, so nothing secret can leak through them.
 */
import { RUN_RESULTS, type RunResult, type TriggerDecision, type TriggerSource } from './runner.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds; runs range from a second (nothing to do) to many minutes (thousands of orders). */
const DURATION_BUCKETS = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface RunStats {
  result: RunResult;
  durationMs: number;
  finishedAt: Date;
  /** Orders placed in this run, by order type. */
  placed: Record<string, number>;
  failed: Record<string, number>;
  /** Known only when the run got as far as reading the state or planning. */
  inDoubt?: number;
  pending?: number;
  blocked?: number;
}

type Labels = Record<string, string>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function series(name: string, labels: Labels, value: number): string {
  const keys = Object.keys(labels);
  const text = keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(',')}}`;
  return `${name}${text} ${Number.isFinite(value) ? String(value) : 'NaN'}`;
}

function add(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export class DaemonMetrics {
  private readonly runs = new Map<string, number>(RUN_RESULTS.map((r) => [r, 0]));
  private readonly triggers = new Map<string, number>();
  private readonly placed = new Map<string, number>();
  private readonly failed = new Map<string, number>();
  private readonly buckets = DURATION_BUCKETS.map(() => 0);
  private durationSum = 0;
  private durationCount = 0;
  private running = 0;
  private inDoubt: number | undefined;
  private pending: number | undefined;
  private blocked: number | undefined;
  private lastSuccess: Date | undefined;
  private lastRun: Date | undefined;

  constructor(private readonly info: { version: string; mode: string }) {}

  triggered(source: TriggerSource, decision: TriggerDecision): void {
    add(this.triggers, `${source}\u0000${decision}`);
  }

  runStarted(): void {
    this.running = 1;
  }

  runFinished(stats: RunStats): void {
    this.running = 0;
    add(this.runs, stats.result);
    for (const [type, n] of Object.entries(stats.placed)) add(this.placed, type, n);
    for (const [type, n] of Object.entries(stats.failed)) add(this.failed, type, n);
    const seconds = stats.durationMs / 1000;
    this.durationSum += seconds;
    this.durationCount++;
    DURATION_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i]!++;
    });
    if (stats.inDoubt !== undefined) this.inDoubt = stats.inDoubt;
    if (stats.pending !== undefined) this.pending = stats.pending;
    if (stats.blocked !== undefined) this.blocked = stats.blocked;
    this.lastRun = stats.finishedAt;
    if (stats.result === 'success') this.lastSuccess = stats.finishedAt;
  }

  render(): string {
    const out: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string, lines: string[]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    };
    const seconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : 0);
    metric('workspace_gitops_daemon_info', 'gauge', 'The daemon and its mode.', [series('workspace_gitops_daemon_info', { version: this.info.version, mode: this.info.mode }, 1)]);
    metric('workspace_gitops_runs_total', 'counter', 'Reconcile runs finished, by result.', [...this.runs].map(([result, n]) => series('workspace_gitops_runs_total', { result }, n)));
    metric(
      'workspace_gitops_triggers_total',
      'counter',
      'Triggers received, by source and what became of them (started, queued, coalesced into the queued run, deferred by back-off).',
      [...this.triggers].sort().map(([key, n]) => {
        const [source, decision] = key.split('\u0000') as [string, string];
        return series('workspace_gitops_triggers_total', { source, decision }, n);
      }),
    );
    metric('workspace_gitops_orders_placed_total', 'counter', 'Orders placed, by order type.', [...this.placed].sort().map(([type, n]) => series('workspace_gitops_orders_placed_total', { type }, n)));
    metric('workspace_gitops_orders_failed_total', 'counter', 'Orders the API refused, by order type.', [...this.failed].sort().map(([type, n]) => series('workspace_gitops_orders_failed_total', { type }, n)));
    const gauges: [string, string, number | undefined][] = [
      ['workspace_gitops_orders_in_doubt', 'Orders in doubt after the last run: not ordered again until evidence or an operator settles them.', this.inDoubt],
      ['workspace_gitops_changes_pending', 'Changes the last run planned but did not order (plan-only mode, a denial, or failed orders).', this.pending],
      ['workspace_gitops_changes_blocked', 'Changes the last plan blocked: not expressible as an order, or waiting for an earlier one.', this.blocked],
    ];
    for (const [name, help, value] of gauges) {
      if (value !== undefined) metric(name, 'gauge', help, [series(name, {}, value)]);
    }
    metric('workspace_gitops_run_in_progress', 'gauge', '1 while a run is in progress.', [series('workspace_gitops_run_in_progress', {}, this.running)]);
    metric('workspace_gitops_last_run_timestamp_seconds', 'gauge', 'When the last run finished (0: none yet).', [series('workspace_gitops_last_run_timestamp_seconds', {}, seconds(this.lastRun))]);
    metric('workspace_gitops_last_success_timestamp_seconds', 'gauge', 'When the last successful run finished (0: none yet).', [series('workspace_gitops_last_success_timestamp_seconds', {}, seconds(this.lastSuccess))]);
    const name = 'workspace_gitops_run_duration_seconds';
    metric(name, 'histogram', 'How long runs took.', [
      ...DURATION_BUCKETS.map((le, i) => series(`${name}_bucket`, { le: String(le) }, this.buckets[i]!)),
      series(`${name}_bucket`, { le: '+Inf' }, this.durationCount),
      series(`${name}_sum`, {}, this.durationSum),
      series(`${name}_count`, {}, this.durationCount),
    ]);
    return `${out.join('\n')}\n`;
  }
}
