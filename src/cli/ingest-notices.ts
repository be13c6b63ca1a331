/**
 * The one-line notices the index's state calls for in commands that ingest on the way (ask,
 * chat, ingest): an empty notes folder, and notes left out of the index, whose questions would
 * otherwise answer 🕳️ without a word. Each note's own warnings are shown by `ingest` when it
 * reads the note, and kept in `status`.
 */
import type { App } from "../app.js";
import type { FileRecord } from "../index/store.js";
import { plural } from "../learning/render.js";
import type { CliContext } from "./context.js";
import { writeLine } from "./context.js";

function ingestNotices(
  files: Iterable<Pick<FileRecord, "file" | "ok">>,
  notesDir: string,
): string[] {
  const all = [...files];
  const skipped = all.filter((f) => !f.ok).length;
  const notices: string[] = [];
  if (all.length === 0) {
    notices.push(
      `no notes (.md files) in ${notesDir}: add some, or point --notes (MICHI_NOTES_DIR) at your notes`,
    );
  }
  if (skipped > 0) notices.push(`${plural(skipped, "file")} skipped — michi status`);
  return notices;
}

/** The notices for the index as the last ingest left it. */
export async function indexNotices(app: App, notesDir: string): Promise<string[]> {
  return ingestNotices((await app.store()).files().values(), notesDir);
}

/** Writes the notices to stderr, one `michi: …` line each. */
export function reportNotices(ctx: CliContext, notices: readonly string[]): void {
  for (const notice of notices) writeLine(ctx.io.stderr, `michi: ${notice}`);
}
