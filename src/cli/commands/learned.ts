/** `michi learned TOPIC`: mark the item TOPIC names as known. */
import type { Command } from "../command.js";
import { runStatusChange } from "../status-change.js";

interface LearnedOptions {
  note?: string;
  pick?: string;
  json?: boolean;
}

export const learned = {
  name: "learned",
  register(program, ctx) {
    program
      .command("learned")
      .description("mark the unknown or partial item TOPIC names as known (re-indexes that note)")
      .argument("<topic...>", "words from the item, e.g. Deployment")
      .option("--note <text>", 'also write the sub-item "learned YYYY-MM-DD: TEXT" under it')
      .option("--pick <n>", "when TOPIC names no one item clearly, take candidate N")
      .option("--json", "print the outcome as JSON")
      .action(async (words: string[], options: LearnedOptions) => {
        const topic = words.join(" ");
        await runStatusChange(
          ctx,
          "michi learned",
          topic,
          options,
          (pick) => ctx.app().learned(topic, { note: options.note, pick }),
          (id, to) => ctx.app().setStatus(id, to, { note: options.note }),
        );
      });
  },
} satisfies Command;
