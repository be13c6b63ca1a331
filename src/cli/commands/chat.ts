import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { createChatHistory } from "../../ask/turns.js";
import { isMichiError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { renderAnswer } from "../render.js";
import { createLearningChat, LEARNING_CHAT_HELP } from "./learned.js";

/** Turns of conversation kept for follow-up questions. */
const HISTORY_TURNS = 4;

const HELP = `Ask anything about your notes. Commands:
  /help            this help
  /quit            leave (or Ctrl-D)
${LEARNING_CHAT_HELP}`;

/** The terminal chat: every line is a question; `/`-commands mirror the Discord ones. */
export async function runChat(ctx: CliContext): Promise<void> {
  const { stdout, stdin } = ctx.io;
  const app = ctx.app();
  const summary = await app.ingest();
  const { known, partial, unknown, unmarked } = summary.items;
  writeLine(
    stdout,
    `michi: ${summary.notes} note${summary.notes === 1 ? "" : "s"}, ${known + partial + unknown + unmarked} items (✅ ${known} 🔺 ${partial} ❓ ${unknown} 📝 ${unmarked}). /help for commands.`,
  );
  const rl = createInterface({ input: stdin, output: stdout, terminal: stdin.isTTY === true });
  // Recent turns, so an LLM can read a follow-up ("why?") as a standalone question.
  let history = createChatHistory(HISTORY_TURNS);
  const learning = createLearningChat(ctx);
  rl.setPrompt("› ");
  rl.prompt();
  for await (const line of rl) {
    const input = line.trim();
    if (input === "/quit" || input === "/exit") break;
    try {
      const reply = input.startsWith("/") ? await learning.handle(input) : null;
      if (reply !== null) writeLine(stdout, reply);
      else if (input === "/help") writeLine(stdout, HELP);
      else if (input !== "") {
        let streamed = false;
        const answer = await app.ask(input, {
          history: history.turns,
          onToken: (token) => {
            streamed = true;
            stdout.write(token);
          },
        });
        history = history.add({ question: input, answer: answer.answer });
        if (streamed) writeLine(stdout);
        writeLine(stdout, renderAnswer(answer, { streamed }));
      }
    } catch (error) {
      if (!isMichiError(error)) throw error;
      writeLine(ctx.io.stderr, `michi: ${error.message}`);
    }
    rl.prompt();
  }
  rl.close();
}

export function registerChat(program: Command, ctx: CliContext): void {
  program
    .command("chat")
    .description("chat with your notes in the terminal")
    .action(() => runChat(ctx));
}
