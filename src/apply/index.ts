/** Placing orders safely: the journal protocol, evidence for in-doubt orders, apply and reconcile. */
export { reconcile, applySavedPlan, type RunContext, type RunReport, type Round, type PolicyGate, type ReconcileOptions } from './run.js';
export { executeOrders, type OrderResult, type OrderResultStatus } from './executor.js';
export { resolveWithEvidence, liveEvidence, CLOCK_SKEW_MS, DEFAULT_SETTLE_MS } from './evidence.js';
export { Ledger } from './ledger.js';
export type { WaitOptions, WaitReport } from './wait.js';
