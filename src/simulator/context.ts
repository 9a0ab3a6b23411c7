/** What a route handler gets: the request, its path parameters and query, the time, and the tenant. */
import type { QueryParams } from './query.js';
import type { SimRequest, SimResponse } from './types.js';
import type { World } from './world.js';

export interface RouteContext {
  req: SimRequest;
  params: Record<string, string>;
  query: QueryParams;
  now: Date;
  world: World;
}

export type Handler = (ctx: RouteContext) => SimResponse;

export function ok(body: unknown, status = 200): SimResponse {
  return { status, body };
}
