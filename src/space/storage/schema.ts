import type Database from 'better-sqlite3';

/**
 * Tables and prepared statements of the SQLite store (apiserver-compat.md §17).
 *
 * - `log`: append-only history, kine's shape. `id` is the global revision (= resourceVersion),
 *   assigned explicitly by the single writer; `value` is the object's JSON with
 *   metadata.resourceVersion already set to `id` (for a tombstone: the final object). `ts` is the
 *   write time in ms, used by time-based retention.
 * - `current`: the latest live value of every key, kept in the same transaction as `log`, so
 *   start-up loads the live state with one scan instead of a GROUP BY over the history.
 * - `state`: internal counters (`rev` = highest revision ever assigned, so compacting the newest
 *   rows can never lead to an id being reused; `compact_rev`; `schema`).
 * - `meta`: free key/value pairs for the server (Store.getMeta/setMeta).
 */

export const SCHEMA_VERSION = 1;

export const DDL = `
CREATE TABLE IF NOT EXISTS log (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  ts              INTEGER NOT NULL,
  value           TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
CREATE TABLE IF NOT EXISTS current (
  key        TEXT    PRIMARY KEY,
  rev        INTEGER NOT NULL,
  create_rev INTEGER NOT NULL,
  value      TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Rows of the log as returned by `history` (raw mode): id, name, created, deleted, value, prev value. */
export type HistoryRow = [number, string, number, number, string, string | null];
/** Rows returned by `listAt`/`loadCurrent` (raw mode): key, rev, create rev, value. */
export type ValueRow = [string, number, number, string];

export function prepareStatements(db: Database.Database) {
  const raw = (sql: string) => db.prepare(sql).raw(true);
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT w'),
    release: db.prepare('RELEASE w'),
    rollbackTo: db.prepare('ROLLBACK TO w'),

    insertLog: db.prepare(
      `INSERT INTO log (id, name, created, deleted, create_revision, prev_revision, ts, value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    upsertCurrent: db.prepare(
      `INSERT INTO current (key, rev, create_rev, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET rev = excluded.rev, create_rev = excluded.create_rev,
         value = excluded.value`,
    ),
    deleteCurrent: db.prepare('DELETE FROM current WHERE key = ?'),
    loadCurrent: raw('SELECT key, rev, create_rev, value FROM current ORDER BY key'),

    getState: db.prepare('SELECT value FROM state WHERE name = ?').pluck(),
    setState: db.prepare(
      'INSERT INTO state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),
    maxId: db.prepare('SELECT MAX(id) FROM log').pluck(),
    newestTs: db.prepare('SELECT ts FROM log ORDER BY id DESC LIMIT 1').pluck(),

    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),

    // Latest row per key at revision @rev (skipping tombstones), keys in [@lo, @hi) after @after,
    // in key order. The CROSS JOIN keeps the GROUP BY's index order: no temp b-tree is needed.
    // @limit -1 = no limit.
    listAt: raw(
      `SELECT l.name, l.id, l.create_revision, l.value
       FROM (SELECT name, MAX(id) AS mid FROM log
             WHERE name >= @lo AND name < @hi AND name > @after AND id <= @rev
             GROUP BY name ORDER BY name) m
       CROSS JOIN log l ON l.id = m.mid
       WHERE l.deleted = 0 ORDER BY m.name LIMIT @limit`,
    ),
    countAt: db
      .prepare(
        `SELECT COUNT(*)
         FROM (SELECT MAX(id) AS mid FROM log
               WHERE name >= @lo AND name < @hi AND name > @after AND id <= @rev
               GROUP BY name) m
         CROSS JOIN log l ON l.id = m.mid
         WHERE l.deleted = 0`,
      )
      .pluck(),

    // Changes with @from < id <= @to and keys in [@lo, @hi), oldest first, with the previous
    // value (prevKV).
    history: raw(
      `SELECT l.id, l.name, l.created, l.deleted, l.value, p.value
       FROM log l LEFT JOIN log p ON p.id = l.prev_revision
       WHERE l.id > @from AND l.id <= @to AND l.name >= @lo AND l.name < @hi
       ORDER BY l.id LIMIT @limit`,
    ),

    // Newest revision written at or before a time (scans back from the newest row only as far
    // as needed).
    newestBefore: db.prepare('SELECT id FROM log WHERE ts <= ? ORDER BY id DESC LIMIT 1').pluck(),
    // Compaction of the window (@from, @to]: rows superseded by a row in the window, then the
    // window's tombstones (in that order: the first statement reads the tombstones' links).
    compactSuperseded: db.prepare(
      `DELETE FROM log WHERE id IN
         (SELECT prev_revision FROM log WHERE id > @from AND id <= @to AND prev_revision > 0)`,
    ),
    compactTombstones: db.prepare('DELETE FROM log WHERE id > @from AND id <= @to AND deleted = 1'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** Smallest string above every key that starts with `prefix` (for SQL range scans). */
export function prefixEnd(prefix: string): string {
  if (prefix === '') return '\u{10FFFF}';
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
