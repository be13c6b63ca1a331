/**
 * Ctrl-C and SIGTERM for the command line. Without handlers Node dies wherever it is; with them
 * the running command stops at its next step (an AbortSignal reaches every ingest), the last
 * committed index stays in force, and michi exits 130 / 143 with one line. A command that does
 * not stop within a few seconds (or a second signal) exits at once.
 */
import { writeLine } from "./context.js";

const CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof CODES;
const STOP_SIGNALS: readonly StopSignal[] = ["SIGINT", "SIGTERM"];

/** How long a command may take to reach its next step after a signal. */
const GRACE_MS = 3_000;

export interface Interrupts {
  readonly signal: AbortSignal;
  /** The signal received, with its exit code and the line to print; null if none. */
  received(): { readonly code: number; readonly line: string } | null;
  dispose(): void;
}

export function listenForInterrupts(stderr: NodeJS.WritableStream): Interrupts {
  const controller = new AbortController();
  let got: StopSignal | null = null;
  let timer: NodeJS.Timeout | null = null;
  const lineFor = (name: StopSignal) =>
    `michi: stopped by ${name === "SIGINT" ? "Ctrl-C" : name}; the index is as of the last completed ingest`;
  const exitNow = (name: StopSignal) => {
    writeLine(stderr, lineFor(name));
    process.exit(CODES[name]);
  };
  const handlerFor = (name: StopSignal) => () => {
    if (got !== null) exitNow(name);
    got = name;
    controller.abort(new Error(`stopped by ${name}`));
    timer = setTimeout(() => exitNow(name), GRACE_MS);
  };
  const handlers = new Map(STOP_SIGNALS.map((name) => [name, handlerFor(name)] as const));
  for (const [name, handler] of handlers) process.on(name, handler);
  return {
    signal: controller.signal,
    received: () => (got === null ? null : { code: CODES[got], line: lineFor(got) }),
    dispose() {
      if (timer !== null) clearTimeout(timer);
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
