/** `npm run ingest`: index the notes (same as `michi ingest`, arguments passed through). */
import { runCli } from "../src/cli/program.js";

process.exitCode = await runCli(["ingest", ...process.argv.slice(2)], {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
