/**
 * Every API path the simulator serves, at the real API's paths. The group names a route's throttling
 * bucket; the kind decides which faults apply; Workspace routes carry the project id, BSS routes none.
 */
import { listCustomerOrders, payOrder, showCustomerOrder } from './bss.js';
import type { Handler } from './context.js';
import type { RequestKind } from './faults.js';
import { placeOrder } from './ordering.js';
import { listBandwidths, listDesktops, listEips, listHosts, listPools, showDesktop, showJob, showPool } from './reads.js';

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  group: string;
  kind: RequestKind;
  handler: Handler;
}

function route(method: Route['method'], template: string, group: string, handler: Handler): Route {
  // `{name}` becomes a named group; the rest is matched literally.
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => `(?<${name}>[^/]+)`);
  const kind: RequestKind = group === 'order' ? 'order' : method === 'GET' ? 'read' : 'other';
  return { method, pattern: new RegExp(`^${source}$`), group, kind, handler };
}

export const ROUTES: readonly Route[] = [
  route('POST', '/v2/{project_id}/periodic/subscribe/order', 'order', placeOrder),
  route('GET', '/v2/{project_id}/desktops/detail', 'desktops-list', listDesktops),
  route('GET', '/v2/{project_id}/desktops/{desktop_id}', 'desktop-show', showDesktop),
  route('GET', '/v2/{project_id}/desktop-pools', 'pools-list', listPools),
  route('GET', '/v2/{project_id}/desktop-pools/{pool_id}', 'pool-show', showPool),
  route('GET', '/v2/{project_id}/bandwidths', 'bandwidths-list', listBandwidths),
  route('GET', '/v2/{project_id}/eips', 'eips-list', listEips),
  route('GET', '/v2/{project_id}/hosts', 'hosts-list', listHosts),
  route('GET', '/v2/{project_id}/workspace-jobs/{job_id}', 'job-show', showJob),
  route('GET', '/v2/orders/customer-orders', 'bss-orders-list', listCustomerOrders),
  route('GET', '/v2/orders/customer-orders/details/{order_id}', 'bss-order-show', showCustomerOrder),
  route('POST', '/v3/orders/customer-orders/pay', 'bss-pay', payOrder),
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

function decodeParam(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The route for a method and path; a known path with another method is no route (404, like the gateway). */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeParam(v);
    return { route: r, params };
  }
  return undefined;
}
