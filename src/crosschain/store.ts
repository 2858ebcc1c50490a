/**
 * Persistence of cross-chain channels in the bridge database (tables xc_channel and xc_pending), so that
 * a restart loses neither the pending message ids nor the counters: one row per channel (counters,
 * latency sums and the last block handled on each side, with its hash to notice a replaced chain) and
 * one row per pending message id.
 */
import { migrate } from '../store/db';
import type { Db } from '../store/db';

const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS xc_channel (
     network TEXT NOT NULL,           -- source network
     channel TEXT NOT NULL,
     fingerprint TEXT NOT NULL,       -- counterparty, contracts and events: another value resets the channel
     sent INTEGER NOT NULL DEFAULT 0,
     received INTEGER NOT NULL DEFAULT 0,
     dropped INTEGER NOT NULL DEFAULT 0,
     latency_sum INTEGER NOT NULL DEFAULT 0,
     latency_count INTEGER NOT NULL DEFAULT 0,
     last_relayed INTEGER,
     src_height INTEGER, src_hash TEXT,
     dst_height INTEGER, dst_hash TEXT,
     PRIMARY KEY (network, channel)
   )`,
  `CREATE TABLE IF NOT EXISTS xc_pending (
     network TEXT NOT NULL,
     channel TEXT NOT NULL,
     id TEXT NOT NULL,                -- message id (topics[1] of the sent event)
     seen INTEGER NOT NULL,           -- ms since the epoch the bridge saw it sent
     PRIMARY KEY (network, channel, id)
   )`,
];

export interface ChannelRow {
  fingerprint: string;
  sent: number;
  received: number;
  dropped: number;
  latencySum: number;
  latencyCount: number;
  lastRelayed: number | undefined;
  srcHeight: number | undefined;
  srcHash: string | undefined;
  dstHeight: number | undefined;
  dstHash: string | undefined;
}

export interface PendingRow { readonly id: string; readonly seen: number }

interface DbRow {
  fingerprint: string; sent: number; received: number; dropped: number; latency_sum: number; latency_count: number;
  last_relayed: number | null; src_height: number | null; src_hash: string | null; dst_height: number | null; dst_hash: string | null;
}

export class ChannelStore {
  constructor(private readonly db: Db) {
    migrate(db, SCHEMA);
  }

  load(network: string, channel: string): { row: ChannelRow; pending: PendingRow[] } | undefined {
    const r = this.db.prepare('SELECT * FROM xc_channel WHERE network = ? AND channel = ?').get(network, channel) as DbRow | undefined;
    if (!r) return undefined;
    const pending = this.db.prepare('SELECT id, seen FROM xc_pending WHERE network = ? AND channel = ? ORDER BY seen, rowid').all(network, channel) as PendingRow[];
    return {
      row: {
        fingerprint: r.fingerprint, sent: r.sent, received: r.received, dropped: r.dropped, latencySum: r.latency_sum, latencyCount: r.latency_count,
        lastRelayed: r.last_relayed ?? undefined, srcHeight: r.src_height ?? undefined, srcHash: r.src_hash ?? undefined,
        dstHeight: r.dst_height ?? undefined, dstHash: r.dst_hash ?? undefined,
      },
      pending,
    };
  }

  /** Writes a channel's row and its pending changes in one transaction. */
  save(network: string, channel: string, row: ChannelRow, added: readonly PendingRow[], removed: readonly string[], clearPending = false): void {
    const upsert = this.db.prepare(`INSERT INTO xc_channel (network, channel, fingerprint, sent, received, dropped, latency_sum, latency_count, last_relayed, src_height, src_hash, dst_height, dst_hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(network, channel) DO UPDATE SET fingerprint = excluded.fingerprint, sent = excluded.sent, received = excluded.received,
        dropped = excluded.dropped, latency_sum = excluded.latency_sum, latency_count = excluded.latency_count, last_relayed = excluded.last_relayed,
        src_height = excluded.src_height, src_hash = excluded.src_hash, dst_height = excluded.dst_height, dst_hash = excluded.dst_hash`);
    const ins = this.db.prepare('INSERT OR REPLACE INTO xc_pending (network, channel, id, seen) VALUES (?, ?, ?, ?)');
    const del = this.db.prepare('DELETE FROM xc_pending WHERE network = ? AND channel = ? AND id = ?');
    this.db.transaction(() => {
      if (clearPending) this.db.prepare('DELETE FROM xc_pending WHERE network = ? AND channel = ?').run(network, channel);
      upsert.run(network, channel, row.fingerprint, row.sent, row.received, row.dropped, row.latencySum, row.latencyCount,
        row.lastRelayed ?? null, row.srcHeight ?? null, row.srcHash ?? null, row.dstHeight ?? null, row.dstHash ?? null);
      for (const id of removed) del.run(network, channel, id);
      for (const p of added) ins.run(network, channel, p.id, p.seen);
    })();
  }

  /** Forgets a channel (removed from the configuration). */
  delete(network: string, channel: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM xc_channel WHERE network = ? AND channel = ?').run(network, channel);
      this.db.prepare('DELETE FROM xc_pending WHERE network = ? AND channel = ?').run(network, channel);
    })();
  }

  /** Channels stored, for dropping those no longer configured. */
  channels(): { network: string; channel: string }[] {
    return this.db.prepare('SELECT network, channel FROM xc_channel').all() as { network: string; channel: string }[];
  }
}
