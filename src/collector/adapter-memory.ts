/**
 * The adapters' persistent memory (src/chains/adapter.ts AdapterMemory) in the bridge's database: one
 * text value per network and node, written when the adapter says so (beacon networks: the slots and
 * epochs already judged and the validators' counters, so a restart does not count a missed slot twice).
 */
import type { AdapterMemory } from '../chains/adapter';
import type { Db } from '../store/db';
import { migrate } from '../store/db';

export class AdapterMemoryStore {
  constructor(private readonly db: Db) {
    migrate(db, [`CREATE TABLE IF NOT EXISTS adapter_memory (
      key TEXT PRIMARY KEY,    -- network/node
      value TEXT NOT NULL,
      updated INTEGER NOT NULL -- ms since epoch
    )`]);
  }

  /** The memory of one node's adapter. */
  of(network: string, node: string): AdapterMemory {
    const key = `${network}/${node}`;
    return {
      load: () => (this.db.prepare('SELECT value FROM adapter_memory WHERE key = ?').get(key) as { value: string } | undefined)?.value,
      save: (value: string) => {
        this.db.prepare('INSERT INTO adapter_memory (key, value, updated) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated = excluded.updated')
          .run(key, value, Date.now());
      },
    };
  }
}
