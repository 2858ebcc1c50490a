/**
 * The bridge's embedded database (SQLite through better-sqlite3) in the data dir. Each management
 * function keeps its own tables; this file only opens the file and runs the schema migrations.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Db = Database.Database;

/**
 * SQLite's page cache, at most (KiB). better-sqlite3 builds SQLite with a 16 MB default, which a long-running
 * bridge fills as its log, alarm and audit tables grow; the bridge's queries read a few pages each (indexed
 * lookups, the newest rows), so SQLite's own default of 2 MiB is kept. No memory-mapped I/O (mmap_size 0):
 * mapped pages of the file would count in the process's RSS.
 */
export const DB_CACHE_KIB = 2048;

const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS datastore (
     name TEXT PRIMARY KEY,          -- running | startup
     doc TEXT NOT NULL,              -- JSON configuration document
     updated INTEGER NOT NULL,       -- ms since epoch
     user TEXT NOT NULL,
     commit_count INTEGER NOT NULL DEFAULT 0
   )`,
  `CREATE TABLE IF NOT EXISTS audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     time INTEGER NOT NULL,
     user TEXT NOT NULL,
     source TEXT NOT NULL,
     target TEXT NOT NULL,
     diff TEXT NOT NULL
   )`,
];

export function openDb(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(dataDir, 'bcmgmt.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${DB_CACHE_KIB}`);
  db.pragma('mmap_size = 0');
  for (const s of SCHEMA) db.exec(s);
  return db;
}

/** Lets a management function add its own tables. */
export function migrate(db: Db, statements: readonly string[]): void {
  db.transaction(() => { for (const s of statements) db.exec(s); })();
}
