/**
 * The daemon: reconciles a git branch or a local folder on a cron schedule, on a webhook or on a file
 * change, one run at a time, with health, readiness and Prometheus metrics over HTTP.
 */
export { startDaemon, type DaemonOptions, type RunningDaemon, type WatchSettings } from './daemon.js';
export { runCycle, outcomeOfReport, enginePolicyGate, type CycleDeps, type CycleOutcome, type CloudHandle, type DaemonMode, type PolicyGateFactory } from './cycle.js';
export { Runner, backoffDelay, realTimers, RUN_RESULTS, type RunResult, type TriggerSource, type TriggerDecision, type Timers, type BackoffOptions, type RunnerStatus } from './runner.js';
export { DaemonMetrics, METRICS_CONTENT_TYPE, type RunStats } from './metrics.js';
export { createHandler, startHttpServer, parseListen, MAX_BODY_BYTES, type Listen, type HandlerDeps } from './http.js';
export type { Handler, HttpRequest, HttpResponse } from './http-types.js';
export { handleGitHook, checkSignature, signBody, SIGNATURE_HEADER, type WebhookDeps } from './webhook.js';
export { readiness, lockIsStuck, type Readiness } from './health.js';
export { parseSchedule, startSchedule } from './schedule.js';
export { startWatcher } from './watch.js';
export { LocalSource, type Source, type SourceSnapshot } from './source.js';
export { GitSource, normalizeRepo, parseBranch, redactUrl, urlSecrets, gitEnvironment } from './git-source.js';
export { loadDaemonConfig, resolveStateFlag, checkStateOutsideCheckout, isInside } from './config.js';
