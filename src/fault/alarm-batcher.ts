/**
 * Persistence of the alarm list: the changes of one event-loop turn are written to SQLite in one
 * transaction, and the notices (AlarmNotice) of those changes go out right after it commits, so that a
 * notice describes a persisted state.
 *
 * A write that fails is neither lost nor announced: its changes are kept (merged with the ones that follow)
 * and written again after a delay that doubles up to a bound, and its notices are held until that write
 * succeeds (at most maxHeldNotices: beyond, the oldest notices are dropped, counted and logged; the alarm
 * states themselves are kept). The owner is told of each failure and each success, to raise and clear an
 * alarm on the bridge itself; that alarm's own notice is sent at once with sendNow().
 */
import type { AlarmNotice } from '../events';
import type { Db } from '../store/db';
import { batchIsEmpty, emptyBatch } from './store';
import type { Batch, FaultStore } from './store';

export interface BatcherOptions {
  readonly db: Db;
  readonly store: FaultStore;
  readonly notify: (n: AlarmNotice) => void;
  readonly log: (line: string) => void;
  /** A write failed (message: why); the changes are kept and retried. */
  readonly failed: (message: string) => void;
  /** A write succeeded. */
  readonly written: () => void;
  /** Delay before the first retry, and its bound as it doubles (milliseconds). */
  readonly retryMs?: { readonly first: number; readonly max: number };
  readonly maxHeldNotices?: number;
}

const DEFAULT_RETRY = { first: 1000, max: 30_000 };
const DEFAULT_MAX_HELD = 10_000;

/** Adds the later batch b to a (in place) and returns a. */
function merge(a: Batch, b: Batch): Batch {
  for (const idx of b.deletes) { a.deletes.add(idx); a.upserts.delete(idx); }
  for (const [idx, r] of b.upserts) a.upserts.set(idx, r);
  a.statusChanges.push(...b.statusChanges);
  a.operatorChanges.push(...b.operatorChanges);
  for (const [k, v] of b.meta) a.meta.set(k, v);
  return a;
}

export class AlarmBatcher {
  /** The changes of this turn, filled by the alarm list. */
  batch: Batch = emptyBatch();
  private notices: AlarmNotice[] = [];
  /** A batch whose write failed, with its notices, waiting for the retry. */
  private held: { batch: Batch; notices: AlarmNotice[] } | undefined;
  private flushScheduled = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = 0;
  private failuresInRow = 0;
  readonly stats = { flushes: 0, writeErrors: 0, noticesDropped: 0 };

  constructor(private readonly opts: BatcherOptions) {}

  /** Whether the last write failed (changes are waiting for a retry). */
  get failing(): boolean { return this.held !== undefined; }

  /** Queues the notice of a change; it goes out once the change is written. */
  queue(n: AlarmNotice): void {
    this.notices.push(n);
    this.schedule();
  }

  /** Sends a notice at once, before its change is written (the announcement of the store's own failure). */
  sendNow(n: AlarmNotice): void {
    this.send([n]);
  }

  /** Writes the changes at the end of this turn; while a write is failing, at the next retry instead. */
  schedule(): void {
    if (this.flushScheduled || this.closed || this.held) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes pending changes (with any failed ones) in one transaction, then sends their notices. */
  flush(): void {
    this.flushScheduled = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let batch = this.batch;
    let notices = this.notices;
    this.batch = emptyBatch();
    this.notices = [];
    if (this.held) {
      batch = merge(this.held.batch, batch);
      notices = this.held.notices.concat(notices);
      this.held = undefined;
    }
    if (!batchIsEmpty(batch)) {
      if (!this.opts.db.open) {
        this.opts.log(`alarm list: the database is closed: ${batch.upserts.size} alarm change(s) not persisted, ${notices.length} notice(s) not sent`);
        return;
      }
      try {
        this.opts.store.write(batch);
        this.stats.flushes++;
      } catch (e) {
        this.fail(batch, notices, (e as Error).message);
        return;
      }
      if (this.failuresInRow) this.opts.log(`alarm list: written again after ${this.failuresInRow} failed write(s)`);
      this.failuresInRow = 0;
    }
    this.send(notices);
    if (!batchIsEmpty(batch)) this.opts.written();
  }

  private fail(batch: Batch, notices: AlarmNotice[], message: string): void {
    this.stats.writeErrors++;
    this.failuresInRow++;
    const max = this.opts.maxHeldNotices ?? DEFAULT_MAX_HELD;
    if (notices.length > max) {
      const n = notices.length - max;
      this.stats.noticesDropped += n;
      this.opts.log(`alarm list: ${n} notice(s) of unwritten changes dropped (more than ${max} held)`);
      notices = notices.slice(n);
    }
    this.held = { batch, notices };
    const retry = this.opts.retryMs ?? DEFAULT_RETRY;
    this.retryDelay = this.failuresInRow === 1 ? retry.first : Math.min(this.retryDelay * 2, retry.max);
    if (this.failuresInRow === 1) {
      this.opts.log(`alarm list: cannot persist ${batch.upserts.size} alarm(s): ${message}; retrying, notices held until written`);
    }
    if (!this.closed) {
      this.retryTimer = setTimeout(() => this.flush(), this.retryDelay);
      this.retryTimer.unref();
    }
    this.opts.failed(message);
  }

  private send(notices: readonly AlarmNotice[]): void {
    for (const n of notices) {
      try { this.opts.notify(n); } catch (e) { this.opts.log(`alarm notice listener failed: ${(e as Error).message}`); }
    }
  }

  /** Writes what is pending (one last try for failed changes) and stops scheduling. */
  close(): void {
    this.flush();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.held) {
      this.opts.log(`alarm list: closing with ${this.held.batch.upserts.size} alarm change(s) not persisted; ${this.held.notices.length} notice(s) not sent`);
      this.held = undefined;
    }
  }
}
