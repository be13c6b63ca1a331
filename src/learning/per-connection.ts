/**
 * One object per database connection, made on first use: the history, feedback and digest
 * claims create their tables and prepare their statements once, not per call.
 */
import type Database from "better-sqlite3";

export function perConnection<T>(open: (db: Database.Database) => T): (db: Database.Database) => T {
  const opened = new WeakMap<Database.Database, T>();
  return (db) => {
    let value = opened.get(db);
    if (value === undefined) {
      value = open(db);
      opened.set(db, value);
    }
    return value;
  };
}
