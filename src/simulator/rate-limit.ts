/**
 * API Gateway style throttling: a token bucket per path group on the injected clock. A bucket holds
 * one second's worth of requests and refills continuously, so a burst of `perSecond` passes and the
 * next one in the same second gets 429 APIGW.0308 (no Retry-After: the gateway documents none).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSecond: number | undefined) {}

  /** Takes one token from the group's bucket; false when it is empty. */
  take(group: string, nowMs: number): boolean {
    const rate = this.perSecond;
    if (rate === undefined || rate <= 0) return true;
    const bucket = this.buckets.get(group) ?? { tokens: rate, at: nowMs };
    // A clock that goes backwards (tests set it freely) refills nothing.
    const elapsed = Math.max(0, nowMs - bucket.at);
    bucket.tokens = Math.min(rate, bucket.tokens + (elapsed * rate) / 1000);
    bucket.at = Math.max(bucket.at, nowMs);
    this.buckets.set(group, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.buckets.clear();
  }
}
