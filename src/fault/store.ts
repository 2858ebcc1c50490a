/**
 * SQLite persistence of the alarm list (tables fault_*, added to the bridge's database through migrate()).
 * The alarm list writes in batches: one transaction per batch, committed before the batch's notices go out.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../store/db';
import { migrate } from '../store/db';
import type { Severity } from '../model';
import type { RaisedSeverity } from './policy';

export type OperatorStateName = 'none' | 'ack' | 'closed';

export interface StatusChange {
  readonly seq: number;
  readonly time: number;
  /** Severity after the change; 'cleared' for a clear. */
  readonly severity: Severity;
  readonly text: string;
}

export interface OperatorChange {
  readonly seq: number;
  readonly time: number;
  readonly operator: string;
  readonly state: OperatorStateName;
  readonly text: string;
}

/** An alarm as kept in memory and in the database. */
export interface AlarmRecord {
  readonly index: number;
  readonly resource: string;
  readonly type: string;
  readonly qualifier: string;
  timeCreated: number;
  isCleared: boolean;
  lastRaised: number;
  lastChanged: number;
  severity: RaisedSeverity;
  text: string;
  thresholdInfo: string | undefined;
  operatorState: OperatorStateName;
  operator: string | undefined;
  operatorText: string | undefined;
  nextSeq: number;
  nextOpSeq: number;
  statusChanges: StatusChange[];
  operatorChanges: OperatorChange[];
}

const SCHEMA: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS fault_alarm (
     idx INTEGER PRIMARY KEY,
     resource TEXT NOT NULL,
     type TEXT NOT NULL,
     qualifier TEXT NOT NULL,
     time_created INTEGER NOT NULL,
     is_cleared INTEGER NOT NULL,
     last_raised INTEGER NOT NULL,
     last_changed INTEGER NOT NULL,
     severity TEXT NOT NULL,
     text TEXT NOT NULL,
     threshold_info TEXT,
     operator_state TEXT NOT NULL DEFAULT 'none',
     operator TEXT,
     operator_text TEXT,
     next_seq INTEGER NOT NULL,
     next_op_seq INTEGER NOT NULL,
     UNIQUE (resource, type, qualifier)
   )`,
  `CREATE TABLE IF NOT EXISTS fault_status_change (
     alarm INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     time INTEGER NOT NULL,
     severity TEXT NOT NULL,
     text TEXT NOT NULL,
     PRIMARY KEY (alarm, seq)
   ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS fault_operator_change (
     alarm INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     time INTEGER NOT NULL,
     operator TEXT NOT NULL,
     state TEXT NOT NULL,
     text TEXT NOT NULL,
     PRIMARY KEY (alarm, seq)
   ) WITHOUT ROWID`,
  /** Counters of the list (next index, last change) and detector memory that must survive restarts. */
  `CREATE TABLE IF NOT EXISTS fault_meta (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   )`,
];

interface AlarmRow {
  idx: number; resource: string; type: string; qualifier: string; time_created: number; is_cleared: number;
  last_raised: number; last_changed: number; severity: string; text: string; threshold_info: string | null;
  operator_state: string; operator: string | null; operator_text: string | null; next_seq: number; next_op_seq: number;
}

/** What one flush writes. */
export interface Batch {
  /** Alarms whose row is written again from memory. */
  readonly upserts: Map<number, AlarmRecord>;
  /** Alarms removed (purged). */
  readonly deletes: Set<number>;
  readonly statusChanges: { alarm: number; change: StatusChange }[];
  readonly operatorChanges: { alarm: number; change: OperatorChange }[];
  readonly meta: Map<string, string>;
}

export function emptyBatch(): Batch {
  return { upserts: new Map(), deletes: new Set(), statusChanges: [], operatorChanges: [], meta: new Map() };
}

export function batchIsEmpty(b: Batch): boolean {
  return !b.upserts.size && !b.deletes.size && !b.statusChanges.length && !b.operatorChanges.length && !b.meta.size;
}

type Stmt = BetterSqlite3.Statement<unknown[]>;

export class FaultStore {
  private readonly upsert: Stmt;
  private readonly del: Stmt;
  private readonly delChanges: Stmt;
  private readonly delOpChanges: Stmt;
  private readonly insChange: Stmt;
  private readonly insOpChange: Stmt;
  private readonly trimChanges: Stmt;
  private readonly trimOpChanges: Stmt;
  private readonly setMetaStmt: Stmt;
  private readonly tx: (b: Batch) => void;

  constructor(private readonly db: Db) {
    migrate(db, SCHEMA);
    this.upsert = db.prepare(`INSERT INTO fault_alarm (idx, resource, type, qualifier, time_created, is_cleared, last_raised,
        last_changed, severity, text, threshold_info, operator_state, operator, operator_text, next_seq, next_op_seq)
      VALUES (@index, @resource, @type, @qualifier, @timeCreated, @isCleared, @lastRaised, @lastChanged, @severity, @text,
        @thresholdInfo, @operatorState, @operator, @operatorText, @nextSeq, @nextOpSeq)
      ON CONFLICT(idx) DO UPDATE SET time_created = excluded.time_created, is_cleared = excluded.is_cleared,
        last_raised = excluded.last_raised, last_changed = excluded.last_changed, severity = excluded.severity,
        text = excluded.text, threshold_info = excluded.threshold_info, operator_state = excluded.operator_state,
        operator = excluded.operator, operator_text = excluded.operator_text, next_seq = excluded.next_seq,
        next_op_seq = excluded.next_op_seq`);
    this.del = db.prepare('DELETE FROM fault_alarm WHERE idx = ?');
    this.delChanges = db.prepare('DELETE FROM fault_status_change WHERE alarm = ?');
    this.delOpChanges = db.prepare('DELETE FROM fault_operator_change WHERE alarm = ?');
    this.insChange = db.prepare('INSERT OR REPLACE INTO fault_status_change (alarm, seq, time, severity, text) VALUES (?, ?, ?, ?, ?)');
    this.insOpChange = db.prepare('INSERT OR REPLACE INTO fault_operator_change (alarm, seq, time, operator, state, text) VALUES (?, ?, ?, ?, ?, ?)');
    this.trimChanges = db.prepare('DELETE FROM fault_status_change WHERE alarm = ? AND seq < ?');
    this.trimOpChanges = db.prepare('DELETE FROM fault_operator_change WHERE alarm = ? AND seq < ?');
    this.setMetaStmt = db.prepare('INSERT INTO fault_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.tx = db.transaction((b: Batch) => {
      for (const idx of b.deletes) {
        this.del.run(idx);
        this.delChanges.run(idx);
        this.delOpChanges.run(idx);
      }
      for (const r of b.upserts.values()) {
        if (b.deletes.has(r.index)) continue;
        this.upsert.run({
          index: r.index, resource: r.resource, type: r.type, qualifier: r.qualifier, timeCreated: r.timeCreated,
          isCleared: r.isCleared ? 1 : 0, lastRaised: r.lastRaised, lastChanged: r.lastChanged, severity: r.severity,
          text: r.text, thresholdInfo: r.thresholdInfo ?? null, operatorState: r.operatorState, operator: r.operator ?? null,
          operatorText: r.operatorText ?? null, nextSeq: r.nextSeq, nextOpSeq: r.nextOpSeq,
        });
      }
      for (const { alarm, change: c } of b.statusChanges) {
        if (!b.deletes.has(alarm)) this.insChange.run(alarm, c.seq, c.time, c.severity, c.text);
      }
      for (const { alarm, change: c } of b.operatorChanges) {
        if (!b.deletes.has(alarm)) this.insOpChange.run(alarm, c.seq, c.time, c.operator, c.state, c.text);
      }
      // Bound the histories to what memory keeps (the oldest entries go first).
      for (const r of b.upserts.values()) {
        if (b.deletes.has(r.index)) continue;
        this.trimChanges.run(r.index, r.statusChanges.length ? r.statusChanges[0].seq : r.nextSeq);
        this.trimOpChanges.run(r.index, r.operatorChanges.length ? r.operatorChanges[0].seq : r.nextOpSeq);
      }
      for (const [k, v] of b.meta) this.setMetaStmt.run(k, v);
    });
  }

  /** Writes a batch in one transaction. */
  write(b: Batch): void {
    if (batchIsEmpty(b)) return;
    this.tx(b);
  }

  getMeta(key: string): string | undefined {
    const r = this.db.prepare('SELECT value FROM fault_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value;
  }

  setMeta(key: string, value: string): void {
    this.setMetaStmt.run(key, value);
  }

  /** Meta entries whose key starts with prefix. */
  metaWithPrefix(prefix: string): { key: string; value: string }[] {
    return this.db.prepare('SELECT key, value FROM fault_meta WHERE substr(key, 1, ?) = ?').all(prefix.length, prefix) as { key: string; value: string }[];
  }

  deleteMeta(key: string): void {
    this.db.prepare('DELETE FROM fault_meta WHERE key = ?').run(key);
  }

  load(): AlarmRecord[] {
    const rows = this.db.prepare('SELECT * FROM fault_alarm ORDER BY idx').all() as AlarmRow[];
    const changes = this.db.prepare('SELECT alarm, seq, time, severity, text FROM fault_status_change ORDER BY alarm, seq').all() as
      { alarm: number; seq: number; time: number; severity: string; text: string }[];
    const opChanges = this.db.prepare('SELECT alarm, seq, time, operator, state, text FROM fault_operator_change ORDER BY alarm, seq').all() as
      { alarm: number; seq: number; time: number; operator: string; state: string; text: string }[];
    const byIdx = new Map<number, AlarmRecord>();
    for (const r of rows) {
      byIdx.set(r.idx, {
        index: r.idx, resource: r.resource, type: r.type, qualifier: r.qualifier, timeCreated: r.time_created,
        isCleared: r.is_cleared !== 0, lastRaised: r.last_raised, lastChanged: r.last_changed,
        severity: r.severity as RaisedSeverity, text: r.text, thresholdInfo: r.threshold_info ?? undefined,
        operatorState: r.operator_state as OperatorStateName, operator: r.operator ?? undefined,
        operatorText: r.operator_text ?? undefined, nextSeq: r.next_seq, nextOpSeq: r.next_op_seq, statusChanges: [], operatorChanges: [],
      });
    }
    for (const c of changes) byIdx.get(c.alarm)?.statusChanges.push({ seq: c.seq, time: c.time, severity: c.severity as Severity, text: c.text });
    for (const c of opChanges) {
      byIdx.get(c.alarm)?.operatorChanges.push({ seq: c.seq, time: c.time, operator: c.operator, state: c.state as OperatorStateName, text: c.text });
    }
    return [...byIdx.values()];
  }
}
