/**
 * Which digest periods have been posted where. Posting claims the period first with one
 * INSERT OR IGNORE on a unique key, so whichever process claims it first posts it, and a
 * restart or a second bot process on the same data never posts it again. A claim whose post
 * failed is released, so the next attempt may post it.
 */
import { perConnection } from "./per-connection.js";

export interface DigestClaims {
  /** True when this call claimed the period (nobody had). */
  claim(period: string, channel: string, at: Date): boolean;
  /** Marks a claimed period posted, as message `messageId`. */
  posted(period: string, channel: string, messageId: string): void;
  /** Gives a claim back after a failed post. */
  release(period: string, channel: string): void;
  /** Periods posted or being posted in `channel`, newest first. */
  list(channel: string): { period: string; at: Date; messageId: string | null }[];
}

/** Opens the claims table in a database, creating it on first use. */
export const openDigestClaims = perConnection((db): DigestClaims => {
  db.exec(`CREATE TABLE IF NOT EXISTS learning_digest_claims (
    period TEXT NOT NULL, channel TEXT NOT NULL, at INTEGER NOT NULL, message_id TEXT,
    PRIMARY KEY (period, channel)
  )`);
  const s = {
    claim: db.prepare(
      "INSERT OR IGNORE INTO learning_digest_claims(period, channel, at) VALUES (?, ?, ?)",
    ),
    posted: db.prepare(
      "UPDATE learning_digest_claims SET message_id = ? WHERE period = ? AND channel = ?",
    ),
    release: db.prepare("DELETE FROM learning_digest_claims WHERE period = ? AND channel = ?"),
    list: db.prepare(
      "SELECT period, at, message_id FROM learning_digest_claims WHERE channel = ? ORDER BY period DESC",
    ),
  };
  return {
    claim: (period, channel, at) => s.claim.run(period, channel, +at).changes === 1,
    posted: (period, channel, messageId) => void s.posted.run(messageId, period, channel),
    release: (period, channel) => void s.release.run(period, channel),
    list: (channel) =>
      (s.list.all(channel) as { period: string; at: number; message_id: string | null }[]).map(
        (r) => ({ period: r.period, at: new Date(r.at), messageId: r.message_id }),
      ),
  };
});
