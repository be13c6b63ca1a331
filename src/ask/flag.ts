import type { Flag, Source } from "./index.js";

/**
 * The answer's flag (SPEC §3): the status of the primary source, or "none" when no source is
 * relevant. In extractive mode the primary source is the top-ranked one; in LLM mode the caller
 * passes the cited sources in citation order.
 */
export function flagFromSources(sources: readonly Source[]): Flag {
  return sources[0]?.status ?? "none";
}
