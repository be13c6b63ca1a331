/**
 * A conversation's recent turns, kept apart from condense.ts so the chat can hold them without
 * loading LangChain (it is only needed when an LLM rewrites a follow-up).
 */

export interface Turn {
  readonly question: string;
  readonly answer: string;
}

/** Keeps the last `maxTurns` turns; immutable, so each chat session can hold its own value. */
export interface ChatHistory {
  readonly maxTurns: number;
  readonly turns: readonly Turn[];
  add(turn: Turn): ChatHistory;
  clear(): ChatHistory;
}

export function createChatHistory(maxTurns: number, turns: readonly Turn[] = []): ChatHistory {
  const limit = Math.max(0, Math.floor(maxTurns));
  const kept = limit === 0 ? [] : turns.slice(-limit);
  return {
    maxTurns: limit,
    turns: kept,
    add: (turn) => createChatHistory(limit, [...kept, turn]),
    clear: () => createChatHistory(limit),
  };
}
