/** `npm run deploy-commands`: register the bot's slash commands (same as `michi deploy-commands`). */
import { runCli } from "../src/cli/program.js";

process.exitCode = await runCli(["deploy-commands", ...process.argv.slice(2)], {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
