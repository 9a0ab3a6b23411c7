/** `POST /v2/{project_id}/periodic/subscribe/order`: validate exactly as the order API page says, then place. */
import { orderBodyProblems } from '../workspace/order-rules.js';
import type { OrderBody } from '../workspace/order-schema.js';
import { ApiError, CODES, problemMessage, problemsError } from './api-error.js';
import { ok, type RouteContext } from './context.js';
import type { SimResponse } from './types.js';

/** The body as JSON, or the reason it is not. */
export function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false; text: string; reason: string } {
  const text = body.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, text, reason: error instanceof Error ? error.message : String(error) };
  }
}

export function placeOrder(ctx: RouteContext): SimResponse {
  if (ctx.req.body.toString('utf8').trim() === '') {
    // The wording of WKS.0001 in the Workspace code table.
    throw new ApiError(400, CODES.parameter, 'The request message input by the interface is empty.');
  }
  const parsed = parseJsonBody(ctx.req.body);
  if (!parsed.ok) {
    throw new ApiError(400, CODES.parameter, problemMessage({ path: [], rule: 'json', message: `the request body is not valid JSON: ${parsed.reason}`, allowed: 'a JSON object' }));
  }
  const problems = orderBodyProblems(parsed.value, ctx.world.domainType);
  if (problems.length > 0) throw problemsError(CODES.parameter, problems);
  // orderBodyProblems found nothing, so the value is a valid OrderBody.
  const entry = ctx.world.accept(parsed.value as OrderBody, ctx.now);
  return ok({ order_id: entry.order_id, job_id: entry.job_id });
}
