/**
 * What a line typed into `michi chat` is: a chat command people expect to work without a slash
 * (exit, quit, clear, help), a `/`-command, or a question. Only questions reach the answerer and
 * the question log, so "quit" never shows up in the digest as a question with no answer.
 */

export type ChatInput =
  | { readonly kind: "empty" }
  | { readonly kind: "quit" }
  | { readonly kind: "clear" }
  | { readonly kind: "help" }
  /** Any other `/word …`: a learning command, or an unknown one (which gets the help). */
  | { readonly kind: "slash"; readonly name: string }
  | { readonly kind: "question"; readonly text: string };

const QUIT = new Set(["exit", "quit", "q", ":q", ":q!", ":wq", ":quit", "bye", "終了", "終わり"]);
const CLEAR = new Set(["clear", "cls", "reset", "クリア"]);
const HELP = new Set(["help", "?", "ヘルプ"]);

export function classifyChatInput(line: string): ChatInput {
  const text = line.trim();
  if (text === "") return { kind: "empty" };
  // A bare word, or the same word as a slash command (`/quit`, `/clear`, `/help`).
  const word = text.toLowerCase().replace(/^\//, "");
  if (QUIT.has(word)) return { kind: "quit" };
  if (CLEAR.has(word)) return { kind: "clear" };
  if (HELP.has(word)) return { kind: "help" };
  const slash = /^\/(\S*)/.exec(text);
  if (slash) return { kind: "slash", name: slash[1] ?? "" };
  return { kind: "question", text };
}
