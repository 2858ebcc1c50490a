/**
 * Persistence of contract management in the bridge database (tables ct_contract, ct_method, ct_cursor),
 * so that a restart (SIGTERM or kill -9) loses neither the contracts discovered from deployment receipts
 * nor the counters: one row per contract of a network (deployment facts, account check results, counters,
 * counter discontinuity time, activity order), one row per method, and per network the block last
 * processed (height and hash) from which the counts are caught up at the next start. A block's changes and
 * the cursor are written in one transaction, so the database never holds counts of a block without the
 * cursor past it, nor the cursor without its counts.
 */
import { migrate } from '../store/db';
import type { Db } from '../store/db';
import type { Statement } from 'better-sqlite3';
import type { ContractRecord, Lifecycle, MethodStats } from './inventory';

const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ct_contract (
     network TEXT NOT NULL,
     address TEXT NOT NULL,
     deployer TEXT, deploy_block INTEGER, deploy_tx TEXT,
     deploy_searched INTEGER NOT NULL DEFAULT 0,  -- 1: the deployment was looked for (found or not)
     code_hash TEXT, code_size INTEGER,
     lifecycle TEXT NOT NULL,
     balance TEXT,
     calls INTEGER NOT NULL, failed_calls INTEGER NOT NULL, events INTEGER NOT NULL,
     last_activity_time INTEGER, last_activity_block INTEGER,
     discontinuity INTEGER,                        -- ms since the epoch
     seq INTEGER NOT NULL,                         -- activity order (eviction order of discovered contracts)
     PRIMARY KEY (network, address)
   )`,
  `CREATE TABLE IF NOT EXISTS ct_method (
     network TEXT NOT NULL,
     address TEXT NOT NULL,
     selector TEXT NOT NULL,
     calls INTEGER NOT NULL, failures INTEGER NOT NULL,
     gas_sum TEXT NOT NULL,                        -- decimal (can exceed 2^53)
     last_seq INTEGER NOT NULL,
     PRIMARY KEY (network, address, selector)
   )`,
  `CREATE TABLE IF NOT EXISTS ct_cursor (
     network TEXT PRIMARY KEY,
     height INTEGER NOT NULL,
     hash TEXT NOT NULL
   )`,
];

export interface Cursor { readonly height: number; readonly hash: string }

/** What one save writes: contracts (with the methods named) to upsert, contracts and methods to delete. */
export interface ContractChanges {
  readonly contracts: readonly ContractRecord[];
  readonly methods?: ReadonlyMap<string, Iterable<string>>;
  readonly deleted?: readonly string[];
  readonly deletedMethods?: ReadonlyMap<string, readonly string[]>;
  readonly cursor?: Cursor;
}

interface ContractRow {
  address: string; deployer: string | null; deploy_block: number | null; deploy_tx: string | null; deploy_searched: number;
  code_hash: string | null; code_size: number | null; lifecycle: string; balance: string | null;
  calls: number; failed_calls: number; events: number; last_activity_time: number | null; last_activity_block: number | null;
  discontinuity: number | null; seq: number;
}
interface MethodRow { address: string; selector: string; calls: number; failures: number; gas_sum: string; last_seq: number }

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export class ContractStore {
  private seq = 0;
  /** Statements of save(), prepared once (a save runs at every block). */
  private readonly st: Record<'up' | 'upM' | 'del' | 'delMs' | 'delM' | 'cur', Statement>;

  constructor(private readonly db: Db) {
    migrate(db, SCHEMA);
    const r = db.prepare('SELECT MAX(seq) AS m FROM ct_contract').get() as { m: number | null };
    this.seq = r.m ?? 0;
    this.st = {
      up: db.prepare(`INSERT INTO ct_contract (network, address, deployer, deploy_block, deploy_tx, deploy_searched, code_hash, code_size, lifecycle, balance,
          calls, failed_calls, events, last_activity_time, last_activity_block, discontinuity, seq)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(network, address) DO UPDATE SET deployer = excluded.deployer, deploy_block = excluded.deploy_block, deploy_tx = excluded.deploy_tx,
          deploy_searched = excluded.deploy_searched, code_hash = excluded.code_hash, code_size = excluded.code_size, lifecycle = excluded.lifecycle,
          balance = excluded.balance, calls = excluded.calls, failed_calls = excluded.failed_calls, events = excluded.events,
          last_activity_time = excluded.last_activity_time, last_activity_block = excluded.last_activity_block, discontinuity = excluded.discontinuity,
          seq = CASE WHEN ct_contract.last_activity_block IS excluded.last_activity_block THEN ct_contract.seq ELSE excluded.seq END`),
      upM: db.prepare('INSERT OR REPLACE INTO ct_method (network, address, selector, calls, failures, gas_sum, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      del: db.prepare('DELETE FROM ct_contract WHERE network = ? AND address = ?'),
      delMs: db.prepare('DELETE FROM ct_method WHERE network = ? AND address = ?'),
      delM: db.prepare('DELETE FROM ct_method WHERE network = ? AND address = ? AND selector = ?'),
      cur: db.prepare('INSERT OR REPLACE INTO ct_cursor (network, height, hash) VALUES (?, ?, ?)'),
    };
  }

  /** The contracts stored for a network, oldest activity first, with their methods. */
  load(network: string): ContractRecord[] {
    const rows = this.db.prepare('SELECT * FROM ct_contract WHERE network = ? ORDER BY seq').all(network) as ContractRow[];
    const methods = this.db.prepare('SELECT address, selector, calls, failures, gas_sum, last_seq FROM ct_method WHERE network = ?').all(network) as MethodRow[];
    const byAddr = new Map<string, MethodStats[]>();
    for (const m of methods) {
      let l = byAddr.get(m.address);
      if (!l) { l = []; byAddr.set(m.address, l); }
      l.push({ selector: m.selector, calls: m.calls, failures: m.failures, gasSum: BigInt(m.gas_sum), lastSeq: m.last_seq });
    }
    return rows.map((r) => ({
      address: r.address, configured: false, name: '', methodNames: new Map(),
      deployer: opt(r.deployer), deployBlock: opt(r.deploy_block), deployTx: opt(r.deploy_tx), deploySearched: r.deploy_searched === 1,
      codeHash: opt(r.code_hash), codeSize: opt(r.code_size), lifecycle: r.lifecycle as Lifecycle, balance: opt(r.balance),
      calls: r.calls, failedCalls: r.failed_calls, events: r.events,
      lastActivityTime: opt(r.last_activity_time), lastActivityBlock: opt(r.last_activity_block), discontinuityTime: opt(r.discontinuity),
      methods: new Map((byAddr.get(r.address) ?? []).map((m) => [m.selector, m])),
    }));
  }

  cursor(network: string): Cursor | undefined {
    return this.db.prepare('SELECT height, hash FROM ct_cursor WHERE network = ?').get(network) as Cursor | undefined;
  }

  /** Writes contracts, methods, deletions and the cursor of one network in one transaction. */
  save(network: string, ch: ContractChanges): void {
    const { up, upM, del, delMs, delM, cur } = this.st;
    this.db.transaction(() => {
      for (const a of ch.deleted ?? []) { del.run(network, a); delMs.run(network, a); }
      for (const [a, sels] of ch.deletedMethods ?? []) for (const s of sels) delM.run(network, a, s);
      for (const c of ch.contracts) {
        up.run(network, c.address, c.deployer ?? null, c.deployBlock ?? null, c.deployTx ?? null, c.deploySearched ? 1 : 0, c.codeHash ?? null, c.codeSize ?? null,
          c.lifecycle, c.balance ?? null, c.calls, c.failedCalls, c.events, c.lastActivityTime ?? null, c.lastActivityBlock ?? null,
          c.discontinuityTime ?? null, ++this.seq);
        for (const sel of ch.methods?.get(c.address) ?? []) {
          const m = c.methods.get(sel);
          if (m) upM.run(network, c.address, sel, m.calls, m.failures, m.gasSum.toString(), m.lastSeq);
        }
      }
      if (ch.cursor) cur.run(network, ch.cursor.height, ch.cursor.hash);
    })();
  }

  /** Forgets a network (no longer managed, or its chain replaced). */
  forget(network: string): void {
    this.db.transaction(() => {
      for (const t of ['ct_contract', 'ct_method', 'ct_cursor']) this.db.prepare(`DELETE FROM ${t} WHERE network = ?`).run(network);
    })();
  }

  /** Networks with stored state. */
  networks(): string[] {
    return (this.db.prepare('SELECT network FROM ct_cursor UNION SELECT DISTINCT network FROM ct_contract').all() as { network: string }[]).map((r) => r.network);
  }
}
