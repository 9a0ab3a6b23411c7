/**
 * `/_simulator/…`: the test and operator window into the simulator. Never authenticated, never
 * throttled, never faulted, so a test can always see what happened and change what happens next.
 */
import { API_NOT_FOUND, CODES, errorResponse } from './api-error.js';
import { faultConfigProblems, type FaultConfig } from './faults.js';
import { parseJsonBody } from './ordering.js';
import type { Simulator } from './simulator.js';
import type { SimRequest, SimResponse } from './types.js';

export function handleAdmin(sim: Simulator, req: SimRequest): SimResponse {
  const key = `${req.method} ${req.path.replace(/\/+$/, '')}`;
  switch (key) {
    case 'GET /_simulator/health':
      return { status: 200, body: { status: 'ok', orders: sim.orders().length } };
    case 'GET /_simulator/orders':
      return { status: 200, body: { orders: sim.orders() } };
    case 'GET /_simulator/requests':
      return { status: 200, body: { requests: sim.requests() } };
    case 'GET /_simulator/user-sharers':
      return { status: 200, body: { user_sharers: sim.userSharers() } };
    case 'GET /_simulator/faults':
      return { status: 200, body: sim.faults() };
    case 'PUT /_simulator/faults': {
      const parsed = parseJsonBody(req.body);
      if (!parsed.ok) return errorResponse(400, CODES.parameter, `the fault configuration is not valid JSON: ${parsed.reason}`);
      const problems = faultConfigProblems(parsed.value);
      if (problems.length > 0) return errorResponse(400, CODES.parameter, problems[0]!, problems.join('\n'));
      sim.setFaults(parsed.value as FaultConfig);
      return { status: 200, body: sim.faults() };
    }
    case 'POST /_simulator/reset':
      sim.reset();
      return { status: 204 };
    default:
      return API_NOT_FOUND();
  }
}
