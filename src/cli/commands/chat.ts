import { cursorTo } from "node:readline";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { createChatHistory } from "../../ask/turns.js";
import { isMichiError } from "../../errors.js";
import { plural } from "../../learning/render.js";
import { classifyChatInput } from "../chat-input.js";
import { createLearningChat, LEARNING_CHAT_HELP } from "../chat-learning.js";
import type { Command as CliCommand } from "../command.js";
import type { CliContext } from "../context.js";
import { writeLine } from "../context.js";
import { indexNotices, reportNotices } from "../ingest-notices.js";
import { withIngestProgress } from "../progress.js";
import { renderAnswer } from "../render.js";

/** Turns of conversation kept for follow-up questions. */
const HISTORY_TURNS = 4;

const HELP = `Ask anything about your notes. Commands:
  /help, help                    this help
  /quit, exit, Ctrl-D            leave (also quit, :q)
  /clear, clear                  forget the conversation so far (and clear the screen)
${LEARNING_CHAT_HELP}`;

/**
 * The terminal chat: every line is a question, except the commands people type to leave, clear
 * or get help (see chat-input.ts); `/`-commands mirror the Discord ones.
 */
export async function runChat(ctx: CliContext): Promise<void> {
  const { stdout, stdin } = ctx.io;
  const app = ctx.app();
  const summary = await withIngestProgress(ctx.io.stderr, (onProgress) =>
    app.ingest({ onProgress }),
  );
  reportNotices(ctx, await indexNotices(app, ctx.config().notesDir));
  const { known, partial, unknown, unmarked } = summary.items;
  writeLine(
    stdout,
    `michi: ${plural(summary.notes, "note")}, ${plural(known + partial + unknown + unmarked, "item")} (✅ ${known} 🔺 ${partial} ❓ ${unknown} 📝 ${unmarked}). /help for commands.`,
  );
  const rl = createInterface({ input: stdin, output: stdout, terminal: stdin.isTTY === true });
  // Recent turns, so an LLM can read a follow-up ("why?") as a standalone question.
  let history = createChatHistory(HISTORY_TURNS);
  const learning = createLearningChat(ctx);
  rl.setPrompt("› ");
  rl.prompt();
  for await (const line of rl) {
    const input = classifyChatInput(line);
    if (input.kind === "quit") break;
    try {
      if (input.kind === "help") writeLine(stdout, HELP);
      else if (input.kind === "clear") {
        history = history.clear();
        if (stdout.isTTY) {
          // Erase the screen and home the cursor, as the shell's `clear` does.
          stdout.write("\x1b[2J");
          cursorTo(stdout, 0, 0);
        }
        writeLine(stdout, "Conversation cleared.");
      } else if (input.kind === "slash") {
        const reply = await learning.handle(line);
        writeLine(stdout, reply ?? `Unknown command /${input.name}.\n${HELP}`);
      } else if (input.kind === "question") {
        const question = input.text;
        let streamed = false;
        const answer = await app.ask(question, {
          history: history.turns,
          onToken: (token) => {
            streamed = true;
            stdout.write(token);
          },
        });
        history = history.add({ question, answer: answer.answer });
        if (streamed) writeLine(stdout);
        writeLine(stdout, renderAnswer(answer, { streamed, suggest: "chat" }));
      }
    } catch (error) {
      if (!isMichiError(error)) throw error;
      writeLine(ctx.io.stderr, `michi: ${error.message}`);
    }
    rl.prompt();
  }
  rl.close();
}

function registerChat(program: Command, ctx: CliContext): void {
  program
    .command("chat")
    .description("chat with your notes in the terminal")
    .action(() => runChat(ctx));
}

export const chat = { name: "chat", register: registerChat } satisfies CliCommand;
