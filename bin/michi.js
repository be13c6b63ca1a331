#!/usr/bin/env node
/**
 * The `michi` command. Runs the compiled CLI in dist/ (`npm run build`; `npm ci` and
 * `npm install` build it through `prepare`), which starts about half a second sooner than the
 * TypeScript sources through tsx. When any source is newer than the build (a checkout being
 * edited), it runs the sources through tsx instead, so an edit is never hidden behind a stale
 * build.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return newest; // no sources (an installed package): the build is all there is
  }
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(".ts")) {
      newest = Math.max(newest, mtimeOf(path.join(entry.parentPath, entry.name)));
    }
  }
  return newest;
}

const built = mtimeOf(path.join(root, "dist/cli/main.js"));
if (built >= 0 && built >= newestSource(path.join(root, "src"))) {
  await import("../dist/cli/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
