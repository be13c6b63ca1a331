/**
 * Per-user token bucket: a user may fire `capacity` requests at once, then one more every
 * `refillMs`. Keeps one user from monopolising the bot (each question may cost an LLM call).
 */
export interface RateLimiter {
  /** Takes a token for `userId`; false when the bucket is empty (the user must slow down). */
  take(userId: string): boolean;
  /** Milliseconds until `userId` has a token again (0 when it has one now). */
  retryAfterMs(userId: string): number;
}

export interface RateLimitOptions {
  readonly capacity?: number;
  readonly refillMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_RATE_LIMIT = { capacity: 5, refillMs: 6000 } as const;

export function createRateLimiter(options: RateLimitOptions = {}): RateLimiter {
  const capacity = options.capacity ?? DEFAULT_RATE_LIMIT.capacity;
  const refillMs = options.refillMs ?? DEFAULT_RATE_LIMIT.refillMs;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const refill = (userId: string) => {
    const t = now();
    const bucket = buckets.get(userId) ?? { tokens: capacity, at: t };
    const tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) / refillMs);
    const next = { tokens, at: t };
    buckets.set(userId, next);
    // Full buckets carry no information: forget them so the map stays small.
    if (buckets.size > 10_000) {
      for (const [id, b] of buckets) if (b.tokens >= capacity) buckets.delete(id);
    }
    return next;
  };

  return {
    take(userId) {
      const bucket = refill(userId);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    retryAfterMs(userId) {
      const bucket = refill(userId);
      return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) * refillMs);
    },
  };
}
