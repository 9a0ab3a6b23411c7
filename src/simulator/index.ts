/** The local Workspace + BSS API simulator: a strict stand-in for the real API, for tests and `--simulate`. */
export { startSimulator, MAX_BODY_BYTES, type RunningSimulator } from './server.js';
export { Simulator } from './simulator.js';
export type { FaultConfig, OneShotFault } from './faults.js';
export { CODES as SIMULATOR_ERROR_CODES } from './api-error.js';
export { DataFileError } from './persistence.js';
export type {
  OrderRequestOutcome,
  OrderRequestRecord,
  SimRequest,
  SimResponse,
  SimResult,
  SimulatedOrder,
  SimulatorOptions,
  UserSharerRecord,
} from './types.js';
