/** Runs one ingest in a child process so a test can kill it mid-write (a real crash). */
import { ingest } from "../../src/index/ingest.js";
import { LocalEmbeddings } from "../../src/index/local-embeddings.js";
import { openStore } from "../../src/index/store.js";

const [notesDir, dataDir] = process.argv.slice(2) as [string, string];
const embedder = new LocalEmbeddings();
const store = openStore(dataDir, {
  name: embedder.info.signature,
  dimensions: embedder.info.dimensions,
});
process.stdout.write("started\n");
await ingest({ notesDir, store, embedder, batchSize: 64 });
process.stdout.write("done\n");
