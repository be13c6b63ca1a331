/** Takes the ingest lock of a data directory and holds it until killed (a real holder). */
import { withIngestLock } from "../../src/index/lock.js";

const [dataDir] = process.argv.slice(2) as [string];
await withIngestLock(dataDir, async () => {
  process.stdout.write("locked\n");
  await new Promise(() => setInterval(() => undefined, 1_000));
});
