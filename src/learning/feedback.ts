/**
 * Answers shown in a front end and the 👍 / 👎 given to them, beside the question log: a
 * record per shown answer (so a button can act on exactly that answer later, even after a
 * restart) and one vote per user and answer. The digest lists the answers marked 👎;
 * `michi feedback --export` turns the votes into an eval file.
 */
import type Database from "better-sqlite3";
import type { Answer, Flag } from "../ask/index.js";
import type { Status } from "../notes/index.js";
import { questionEntryOf, rowToQuestion } from "./history.js";
import { perConnection } from "./per-connection.js";

export type Vote = "up" | "down";

export interface ShownAnswer {
  /** Names the answer (a Discord interaction or message id). */
  readonly key: string;
  readonly at: Date;
  readonly question: string;
  readonly flag: Flag;
  /** The primary source (the one the flag comes from); null for a "none" answer. */
  readonly itemId: string | null;
  readonly file: string | null;
  readonly line: number | null;
  readonly text: string | null;
  readonly status: Status | null;
}

export interface VotedAnswer extends ShownAnswer {
  readonly up: number;
  readonly down: number;
  readonly lastVoteAt: Date;
}

export interface Feedback {
  recordAnswer(key: string, answer: Answer, at: Date): ShownAnswer;
  answer(key: string): ShownAnswer | undefined;
  /** A user's vote on an answer; voting again replaces the earlier vote. */
  vote(key: string, userId: string, vote: Vote, at: Date): void;
  /** Answers with votes cast in `since <= at < until`, most recent vote first. */
  votedBetween(since: Date, until: Date): VotedAnswer[];
}

/** Opens the shown-answers and votes tables in a database, creating them on first use. */
export const openFeedback = perConnection((db): Feedback => {
  migrate(db);
  return create(db);
});

type Row = Record<string, unknown>;

function create(db: Database.Database): Feedback {
  const s = {
    addAnswer: db.prepare(
      `INSERT OR IGNORE INTO learning_answers(key, at, question, flag, item_id, file, line, text, status)
       VALUES (@key, @at, @question, @flag, @item_id, @file, @line, @text, @status)`,
    ),
    getAnswer: db.prepare("SELECT * FROM learning_answers WHERE key = ?"),
    vote: db.prepare(
      `INSERT INTO learning_feedback(key, user_id, vote, at) VALUES (?, ?, ?, ?)
       ON CONFLICT(key, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at`,
    ),
    voted: db.prepare(
      `SELECT a.*, sum(f.vote = 'up') AS up, sum(f.vote = 'down') AS down, max(f.at) AS last_vote_at
       FROM learning_feedback f JOIN learning_answers a ON a.key = f.key
       WHERE f.at >= ? AND f.at < ? GROUP BY a.key ORDER BY last_vote_at DESC`,
    ),
  };
  return {
    recordAnswer(key, answer, at) {
      const shown: ShownAnswer = { key, ...questionEntryOf(answer, at), flag: answer.flag };
      s.addAnswer.run({
        key,
        at: +at,
        question: shown.question,
        flag: shown.flag,
        item_id: shown.itemId,
        file: shown.file,
        line: shown.line,
        text: shown.text,
        status: shown.status,
      });
      return shown;
    },
    answer(key) {
      const row = s.getAnswer.get(key) as Row | undefined;
      return row ? rowToShown(row) : undefined;
    },
    vote(key, userId, vote, at) {
      s.vote.run(key, userId, vote, +at);
    },
    votedBetween(since, until) {
      return (s.voted.all(+since, +until) as Row[]).map((row) => ({
        ...rowToShown(row),
        up: Number(row.up),
        down: Number(row.down),
        lastVoteAt: new Date(row.last_vote_at as number),
      }));
    },
  };
}

function rowToShown(row: Row): ShownAnswer {
  // The same columns as the question log, plus the answer's key.
  return { ...rowToQuestion(row), key: row.key as string, flag: row.flag as Flag };
}

function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS learning_answers (
      key TEXT PRIMARY KEY, at INTEGER NOT NULL, question TEXT NOT NULL, flag TEXT NOT NULL,
      item_id TEXT, file TEXT, line INTEGER, text TEXT, status TEXT
    );
    CREATE TABLE IF NOT EXISTS learning_feedback (
      key TEXT NOT NULL, user_id TEXT NOT NULL, vote TEXT NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (key, user_id)
    );
    CREATE INDEX IF NOT EXISTS learning_feedback_at ON learning_feedback(at);
  `);
}
