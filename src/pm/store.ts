/**
 * Persistence of performance management in the bridge's SQLite database: the stable index of each
 * (job, resource, metric), the closed intervals (at most MAX_HISTORY per pair), the current intervals
 * saved at shutdown, and which thresholds are crossed on which resources.
 * Values are stored as integer thousandths (the model's milli type), durations in milliseconds.
 */
import type { Db } from '../store/db';
import { migrate } from '../store/db';
import type { AccState, ClosedInterval } from './interval';
import { Accumulator, MAX_HISTORY } from './interval';

export interface PairRow { readonly idx: number; readonly resource: string; readonly metric: string }
export interface SavedCurrent { readonly start: number; readonly end: number; readonly savedAt: number; readonly accs: Map<number, Accumulator> }
export interface CrossedRow { readonly threshold: string; readonly resource: string; readonly value: number | null }

interface IntervalRow { idx: number; start: number; duration_ms: number; value_milli: number | null; suspect: number }

export class PmStore {
  constructor(private readonly db: Db) {
    migrate(db, [
      `CREATE TABLE IF NOT EXISTS pm_monitored (job TEXT NOT NULL, idx INTEGER NOT NULL, resource TEXT NOT NULL, metric TEXT NOT NULL,
        PRIMARY KEY (job, idx), UNIQUE (job, resource, metric))`,
      `CREATE TABLE IF NOT EXISTS pm_interval (job TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
        value_milli INTEGER, suspect INTEGER NOT NULL, PRIMARY KEY (job, idx, start)) WITHOUT ROWID`,
      `CREATE TABLE IF NOT EXISTS pm_current (job TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
        saved_at INTEGER NOT NULL, acc TEXT NOT NULL, PRIMARY KEY (job, idx))`,
      `CREATE TABLE IF NOT EXISTS pm_crossed (threshold TEXT NOT NULL, resource TEXT NOT NULL, value REAL, PRIMARY KEY (threshold, resource))`,
    ]);
  }

  /** The index of (job, resource, metric): the one given before, or the next free one. */
  indexFor(job: string, resource: string, metric: string): number {
    const hit = this.db.prepare('SELECT idx FROM pm_monitored WHERE job = ? AND resource = ? AND metric = ?').get(job, resource, metric) as { idx: number } | undefined;
    if (hit) return hit.idx;
    const max = this.db.prepare('SELECT MAX(idx) AS m FROM pm_monitored WHERE job = ?').get(job) as { m: number | null };
    const idx = (max.m ?? 0) + 1;
    this.db.prepare('INSERT INTO pm_monitored (job, idx, resource, metric) VALUES (?, ?, ?, ?)').run(job, idx, resource, metric);
    return idx;
  }

  /** Pairs of a job that hold history or a saved current interval. */
  pairsWithData(job: string): PairRow[] {
    return this.db.prepare(`SELECT m.idx AS idx, m.resource AS resource, m.metric AS metric FROM pm_monitored m WHERE m.job = ?
      AND (EXISTS (SELECT 1 FROM pm_interval i WHERE i.job = m.job AND i.idx = m.idx) OR EXISTS (SELECT 1 FROM pm_current c WHERE c.job = m.job AND c.idx = m.idx))
      ORDER BY m.idx`).all(job) as PairRow[];
  }

  /** Closed intervals of every pair of a job, most recent first, at most MAX_HISTORY per pair. */
  history(job: string): Map<number, ClosedInterval[]> {
    const rows = this.db.prepare('SELECT idx, start, duration_ms, value_milli, suspect FROM pm_interval WHERE job = ? ORDER BY idx, start DESC').all(job) as IntervalRow[];
    const out = new Map<number, ClosedInterval[]>();
    for (const r of rows) {
      let list = out.get(r.idx);
      if (!list) { list = []; out.set(r.idx, list); }
      if (list.length < MAX_HISTORY) list.push({ start: r.start, duration: r.duration_ms / 1000, value: r.value_milli === null ? undefined : r.value_milli / 1000, suspect: r.suspect !== 0 });
    }
    return out;
  }

  /** Adds closed intervals and removes evicted ones, in one transaction. */
  writeIntervals(job: string, added: readonly { idx: number; iv: ClosedInterval }[], evicted: readonly { idx: number; start: number }[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO pm_interval (job, idx, start, duration_ms, value_milli, suspect) VALUES (?, ?, ?, ?, ?, ?)');
    const del = this.db.prepare('DELETE FROM pm_interval WHERE job = ? AND idx = ? AND start = ?');
    this.db.transaction(() => {
      for (const a of added) {
        ins.run(job, a.idx, a.iv.start, Math.round(a.iv.duration * 1000), a.iv.value === undefined ? null : Math.round(a.iv.value * 1000), a.iv.suspect ? 1 : 0);
      }
      for (const e of evicted) del.run(job, e.idx, e.start);
    })();
  }

  /** Forgets the history (and saved current interval) of one pair; the index stays reserved. */
  deletePair(job: string, idx: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM pm_interval WHERE job = ? AND idx = ?').run(job, idx);
      this.db.prepare('DELETE FROM pm_current WHERE job = ? AND idx = ?').run(job, idx);
    })();
  }

  /** Forgets everything of a job (the job was removed from the configuration). */
  deleteJob(job: string): void {
    this.db.transaction(() => {
      for (const t of ['pm_interval', 'pm_current', 'pm_monitored']) this.db.prepare(`DELETE FROM ${t} WHERE job = ?`).run(job);
    })();
  }

  saveCurrent(job: string, start: number, end: number, savedAt: number, accs: readonly { idx: number; acc: AccState }[]): void {
    const ins = this.db.prepare('INSERT OR REPLACE INTO pm_current (job, idx, start, end, saved_at, acc) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM pm_current WHERE job = ?').run(job);
      for (const a of accs) ins.run(job, a.idx, start, end, savedAt, JSON.stringify(a.acc));
    })();
  }

  /** The current interval saved at the last shutdown, removed from the table. */
  takeCurrent(job: string): SavedCurrent | undefined {
    const rows = this.db.prepare('SELECT idx, start, end, saved_at, acc FROM pm_current WHERE job = ?').all(job) as
      { idx: number; start: number; end: number; saved_at: number; acc: string }[];
    this.db.prepare('DELETE FROM pm_current WHERE job = ?').run(job);
    if (!rows.length) return undefined;
    const accs = new Map<number, Accumulator>();
    for (const r of rows) {
      let acc: Accumulator | undefined;
      try { acc = Accumulator.fromJSON(JSON.parse(r.acc)); } catch { acc = undefined; }
      if (acc && r.start === rows[0].start) accs.set(r.idx, acc);
    }
    return { start: rows[0].start, end: rows[0].end, savedAt: rows[0].saved_at, accs };
  }

  crossed(): CrossedRow[] {
    return this.db.prepare('SELECT threshold, resource, value FROM pm_crossed').all() as CrossedRow[];
  }

  setCrossed(threshold: string, resource: string, active: boolean, value?: number): void {
    if (active) this.db.prepare('INSERT OR REPLACE INTO pm_crossed (threshold, resource, value) VALUES (?, ?, ?)').run(threshold, resource, value ?? null);
    else this.db.prepare('DELETE FROM pm_crossed WHERE threshold = ? AND resource = ?').run(threshold, resource);
  }
}
