/**
 * The embedded database's memory bounds (README, Memory bounds): the page cache is bounded to DB_CACHE_KIB
 * (better-sqlite3's build default is 16 MB) and the file is not memory-mapped; a reopened data dir gets the
 * same bounds (they are per connection, not stored in the file).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DB_CACHE_KIB, openDb } from '../../src/store/db';

describe('store/db: SQLite memory bounds', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-db-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('bounds the page cache and maps no file pages, on a new and on a reopened data dir', () => {
    for (let run = 0; run < 2; run++) {
      const db = openDb(dir);
      try {
        expect(db.pragma('cache_size', { simple: true })).to.equal(-DB_CACHE_KIB);
        expect(db.pragma('mmap_size', { simple: true })).to.equal(0);
        expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
      } finally {
        db.close();
      }
    }
    expect(DB_CACHE_KIB).to.be.below(16000);
  });
});
