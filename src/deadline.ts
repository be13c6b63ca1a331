/**
 * One time budget for a whole answer (question rewrite, query embedding, model call, retries):
 * every step takes what is left instead of its own full timeout, so a failing or hanging server
 * costs at most the budget before the answer falls back to what michi can do alone.
 */
export interface Deadline {
  /** Aborts when the budget is spent. */
  readonly signal: AbortSignal;
  /** Milliseconds left (0 once spent). */
  remainingMs(): number;
  /** The whole budget, for messages. */
  readonly totalMs: number;
}

/** A deadline `ms` from now, on the monotonic clock. */
export function createDeadline(ms: number, now: () => number = () => performance.now()): Deadline {
  const end = now() + ms;
  return {
    signal: AbortSignal.timeout(Math.max(0, Math.ceil(ms))),
    remainingMs: () => Math.max(0, end - now()),
    totalMs: ms,
  };
}

/** A signal that aborts after `ms` or with `outer`, whichever comes first. */
export function timeoutSignal(ms: number, outer?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(Math.max(0, Math.ceil(ms)));
  return outer ? AbortSignal.any([timeout, outer]) : timeout;
}

/** Waits `ms`, or less when `signal` aborts first (then it resolves, not rejects). */
export function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
