/**
 * Edits a message as text streams in, at most once per `intervalMs` and never two edits at
 * once: Discord rate-limits edits (about five per five seconds per channel), and an edit per
 * token would both hit that limit and flicker.
 */
export interface ThrottledEditor {
  /** The text so far; an edit happens now or when the interval allows. */
  update(text: string): void;
  /** Stops editing and waits for an edit under way (the caller then sends the final message). */
  finish(): Promise<void>;
}

export const STREAM_EDIT_INTERVAL_MS = 1200;

export function createThrottledEditor(
  edit: (text: string) => Promise<unknown>,
  options: { intervalMs?: number; now?: () => number; onError?: (error: unknown) => void } = {},
): ThrottledEditor {
  const intervalMs = options.intervalMs ?? STREAM_EDIT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let latest: string | null = null;
  let lastEditAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let finished = false;

  const run = () => {
    timer = null;
    if (finished || inFlight !== null || latest === null) return;
    const wait = lastEditAt + intervalMs - now();
    if (wait > 0) {
      timer = setTimeout(run, wait);
      return;
    }
    const text = latest;
    latest = null;
    lastEditAt = now();
    inFlight = edit(text)
      .then(
        () => undefined,
        (error: unknown) => options.onError?.(error),
      )
      .finally(() => {
        inFlight = null;
        if (latest !== null && timer === null) run();
      });
  };

  return {
    update(text) {
      if (finished) return;
      latest = text;
      if (timer === null) run();
    },
    async finish() {
      finished = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
  };
}
