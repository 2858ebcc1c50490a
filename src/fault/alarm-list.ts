/**
 * The alarm list, with the semantics of RFC 8632 (ietf-alarms):
 *  - one entry per (resource, alarm type, qualifier), created the first time the alarm is raised and kept
 *    when it clears (is-cleared), until purged;
 *  - status changes (raise, severity change, clear) update last-changed and append to the alarm's
 *    status-change history, bounded by fault maxStatusChanges (the oldest goes first);
 *  - the operator state (none / ack / closed, with operator and text) is separate from the clear state
 *    and is never changed by the resource; every operator action is kept in its own bounded history;
 *  - alarm text and threshold information change only with a status change.
 * Each alarm has an index that is stable for its life and never reused (kept across restarts).
 *
 * The list is the single writer of class alarm (and alarmStatusChange) in the instance tree and of the
 * fault container's activeAlarms and alarmListLastChanged. Changes are applied to memory and the tree at
 * once, written to SQLite in one transaction per event-loop turn, and announced (AlarmNotice) right after
 * that transaction commits: a notice always describes a persisted state.
 */
import { EventEmitter } from 'node:events';
import type { AlarmChange, AlarmNotice } from '../events';
import type { Severity } from '../model';
import { Instance } from '../state/tree';
import type { InstanceTree, Path } from '../state/tree';
import type { Db } from '../store/db';
import { alarmTypeByName } from './policy';
import type { RaisedSeverity } from './policy';
import { FaultStore, batchIsEmpty, emptyBatch } from './store';
import type { AlarmRecord, Batch, OperatorChange, OperatorStateName, StatusChange } from './store';

export type { OperatorChange, OperatorStateName, StatusChange } from './store';

/** The alarm list holds at most this many alarms: beyond, the oldest cleared alarm is purged (model bound). */
export const MAX_ALARMS = 10000;

export const OPERATOR_STATES: readonly OperatorStateName[] = ['none', 'ack', 'closed'];

/** A read-only view of one alarm. */
export interface Alarm {
  readonly index: number;
  readonly resource: string;
  readonly type: string;
  readonly qualifier: string;
  readonly timeCreated: number;
  readonly isCleared: boolean;
  readonly lastRaised: number;
  readonly lastChanged: number;
  /** Severity, or the last severity when cleared (RFC 8632 perceived-severity). */
  readonly severity: RaisedSeverity;
  readonly text: string;
  readonly thresholdInfo: string | undefined;
  readonly operatorState: OperatorStateName;
  readonly operator: string | undefined;
  readonly operatorText: string | undefined;
  readonly statusChanges: readonly StatusChange[];
  readonly operatorChanges: readonly OperatorChange[];
}

export interface RaiseInput {
  readonly resource: string;
  readonly type: string;
  readonly qualifier: string;
  readonly severity: RaisedSeverity;
  readonly text: string;
  readonly thresholdInfo?: string;
}

/** Criteria of purge-alarms (RFC 8632 filter-input), ANDed. */
export interface PurgeFilter {
  readonly clearance: 'any' | 'cleared' | 'notCleared';
  /** Only alarms whose last status change is older than this many milliseconds. */
  readonly olderThanMs?: number;
  readonly severity?: { readonly below?: Severity; readonly is?: Severity; readonly above?: Severity };
  readonly operatorState?: OperatorStateName;
  readonly operator?: string;
  /** A resource, or a prefix of resources ("network/dev" matches "network/dev/node/n1"). */
  readonly resource?: string;
  readonly type?: string;
}

export interface OperatorActionNotice {
  readonly alarm: Instance;
  readonly index: number;
  readonly state: OperatorStateName;
  readonly operator: string;
  readonly text: string;
  readonly time: number;
}

export interface AlarmListEvents {
  /** An operator acted on an alarm (RFC 8632 operator-action notification). */
  operatorAction: [OperatorActionNotice];
  /** An alarm was purged. */
  purged: [Alarm];
}

export interface AlarmListOptions {
  readonly db: Db;
  readonly tree: InstanceTree;
  readonly now?: () => number;
  readonly maxStatusChanges: number;
  /** Called once per state change, after the change is persisted. */
  readonly notify: (n: AlarmNotice) => void;
  readonly log: (line: string) => void;
  readonly maxAlarms?: number;
}

export class AlarmError extends Error {
  override readonly name = 'AlarmError';
  constructor(readonly code: 'unknownAlarm' | 'badValue', message: string) { super(message); }
}

const FAULT: Path = [{ cls: 'fault' }];
const META_NEXT_INDEX = 'nextIndex';
const META_LAST_CHANGED = 'listLastChanged';

/** Severity rank for filters: cleared < indeterminate < warning < minor < major < critical (RFC 8632 order). */
const RANK: Readonly<Record<Severity, number>> = { cleared: 1, indeterminate: 2, warning: 3, minor: 4, major: 5, critical: 6 };

export function keyOf(resource: string, type: string, qualifier: string): string {
  return `${resource}\u0000${type}\u0000${qualifier}`;
}

/** Cuts a text to at most max octets of UTF-8 without splitting a character. */
export function clip(s: string, max = 255): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (n + b > max - 3) break;
    out += ch;
    n += b;
  }
  return out + '...';
}

export function alarmPath(index: number): Path {
  return [...FAULT, { cls: 'alarm', keys: [index] }];
}

export class AlarmList extends EventEmitter<AlarmListEvents> {
  private readonly store: FaultStore;
  private readonly tree: InstanceTree;
  private readonly now: () => number;
  private readonly byIndex = new Map<number, AlarmRecord>();
  private readonly byKey = new Map<string, AlarmRecord>();
  private nextIndex = 1;
  private activeCount = 0;
  private lastChangedAt: number | undefined;
  private maxStatusChanges: number;
  private readonly maxAlarms: number;
  private batch: Batch = emptyBatch();
  private notices: AlarmNotice[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Counters for the bench and the banner. */
  readonly stats = { changes: 0, flushes: 0, writeErrors: 0 };

  constructor(private readonly opts: AlarmListOptions) {
    super();
    this.store = new FaultStore(opts.db);
    this.tree = opts.tree;
    this.now = opts.now ?? Date.now;
    this.maxStatusChanges = Math.max(1, opts.maxStatusChanges);
    this.maxAlarms = opts.maxAlarms ?? MAX_ALARMS;
    this.load();
  }

  /** The persistence layer, for detector memory kept in fault_meta. */
  get persistence(): FaultStore { return this.store; }

  private load(): void {
    let maxIdx = 0;
    for (const r of this.store.load()) {
      this.byIndex.set(r.index, r);
      this.byKey.set(keyOf(r.resource, r.type, r.qualifier), r);
      if (!r.isCleared) this.activeCount++;
      maxIdx = Math.max(maxIdx, r.index);
      this.render(r, true);
    }
    const stored = Number(this.store.getMeta(META_NEXT_INDEX) ?? '1');
    this.nextIndex = Math.max(Number.isSafeInteger(stored) ? stored : 1, maxIdx + 1);
    const lc = Number(this.store.getMeta(META_LAST_CHANGED));
    this.lastChangedAt = Number.isFinite(lc) && lc > 0 ? lc : undefined;
    this.renderSummary();
  }

  // ---- reading -------------------------------------------------------------------------------------

  get size(): number { return this.byIndex.size; }
  get active(): number { return this.activeCount; }
  get lastChanged(): number | undefined { return this.lastChangedAt; }

  get(index: number): Alarm | undefined { return this.byIndex.get(index); }

  find(resource: string, type: string, qualifier = ''): Alarm | undefined {
    return this.byKey.get(keyOf(resource, type, qualifier));
  }

  /** Every alarm, by index. */
  all(): Alarm[] {
    return [...this.byIndex.values()].sort((a, b) => a.index - b.index);
  }

  /** The alarms that are not cleared. */
  activeAlarms(): Alarm[] {
    return this.all().filter((a) => !a.isCleared);
  }

  /** The alarm's instance in the tree. */
  instance(index: number): Instance | undefined {
    return this.tree.find(alarmPath(index));
  }

  // ---- status changes (from the detectors) ---------------------------------------------------------

  /**
   * Raises an alarm (new, or again after a clear), or changes its severity. Returns the change made,
   * or undefined when the alarm is already active with that severity (nothing changes then, not even the text).
   */
  raise(input: RaiseInput, at: number = this.now()): AlarmChange | undefined {
    const type = alarmTypeByName(input.type);
    if (!type) throw new AlarmError('badValue', `unknown alarm type ${input.type}`);
    const text = clip(input.text);
    const info = input.thresholdInfo === undefined ? undefined : clip(input.thresholdInfo);
    const key = keyOf(input.resource, input.type, input.qualifier);
    let r = this.byKey.get(key);
    let change: AlarmChange;
    if (!r) {
      if (this.byIndex.size >= this.maxAlarms) this.evictOldestCleared();
      r = {
        index: this.nextIndex++, resource: input.resource, type: input.type, qualifier: input.qualifier,
        timeCreated: at, isCleared: false, lastRaised: at, lastChanged: at, severity: input.severity, text, thresholdInfo: info,
        operatorState: 'none', operator: undefined, operatorText: undefined, nextSeq: 1, nextOpSeq: 1, statusChanges: [], operatorChanges: [],
      };
      this.byIndex.set(r.index, r);
      this.byKey.set(key, r);
      this.batch.meta.set(META_NEXT_INDEX, String(this.nextIndex));
      this.activeCount++;
      change = 'raised';
    } else if (r.isCleared) {
      r.isCleared = false;
      r.lastRaised = at;
      this.activeCount++;
      change = 'raised';
    } else if (r.severity !== input.severity) {
      change = 'severityChanged';
    } else {
      return undefined;
    }
    r.lastChanged = at;
    r.severity = input.severity;
    r.text = text;
    r.thresholdInfo = info;
    this.addStatusChange(r, { seq: r.nextSeq++, time: at, severity: input.severity, text });
    this.changed(r, change, at);
    return change;
  }

  /** Clears an active alarm; text (optional) becomes its alarm text. Returns whether anything changed. */
  clear(resource: string, type: string, qualifier: string, text?: string, at: number = this.now(), thresholdInfo?: string): boolean {
    const r = this.byKey.get(keyOf(resource, type, qualifier));
    if (!r || r.isCleared) return false;
    r.isCleared = true;
    r.lastChanged = at;
    if (text !== undefined) r.text = clip(text);
    // X.733: the threshold information of a clear says which level was crossed back.
    if (thresholdInfo !== undefined) r.thresholdInfo = clip(thresholdInfo);
    this.activeCount--;
    this.addStatusChange(r, { seq: r.nextSeq++, time: at, severity: 'cleared', text: r.text });
    this.changed(r, 'cleared', at);
    return true;
  }

  /** Clears every active alarm on a resource and on the resources it contains. Returns how many. */
  clearUnder(resourcePrefix: string, text: string, at: number = this.now()): number {
    let n = 0;
    for (const r of [...this.byIndex.values()]) {
      if (r.isCleared || !underResource(r.resource, resourcePrefix)) continue;
      if (this.clear(r.resource, r.type, r.qualifier, text, at)) n++;
    }
    return n;
  }

  private addStatusChange(r: AlarmRecord, c: StatusChange): void {
    r.statusChanges.push(c);
    this.batch.statusChanges.push({ alarm: r.index, change: c });
    this.tree.set([...alarmPath(r.index), { cls: 'alarmStatusChange', keys: [c.seq] }], {
      time: c.time, perceivedSeverity: c.severity, alarmText: c.text,
    }, c.time);
    this.trimHistory(r);
  }

  private trimHistory(r: AlarmRecord): void {
    while (r.statusChanges.length > this.maxStatusChanges) {
      const old = r.statusChanges.shift()!;
      this.tree.remove([...alarmPath(r.index), { cls: 'alarmStatusChange', keys: [old.seq] }]);
    }
    while (r.operatorChanges.length > this.maxStatusChanges) r.operatorChanges.shift();
  }

  private changed(r: AlarmRecord, change: AlarmChange, at: number): void {
    this.stats.changes++;
    this.render(r, false);
    this.touch(at);
    this.batch.upserts.set(r.index, r);
    const inst = this.instance(r.index);
    if (inst) this.notices.push({ change, alarm: snapshotOf(inst), time: at });
    // Log management records every notice (src/log/records.ts entryForAlarm): no second line here.
    this.schedule();
  }

  private touch(at: number): void {
    this.lastChangedAt = at;
    this.batch.meta.set(META_LAST_CHANGED, String(at));
    this.renderSummary();
  }

  // ---- operator actions ----------------------------------------------------------------------------

  /**
   * RFC 8632 set-operator-state: records the operator's state of an alarm with who set it and a text.
   * Throws AlarmError unknownAlarm / badValue. Does not change the alarm's status (nor last-changed).
   */
  setOperatorState(index: number, state: string, operator: string, text = '', at: number = this.now()): Alarm {
    const r = this.byIndex.get(index);
    if (!r) throw new AlarmError('unknownAlarm', `no alarm with index ${index}`);
    if (!(OPERATOR_STATES as readonly string[]).includes(state)) {
      throw new AlarmError('badValue', `operator state must be one of ${OPERATOR_STATES.join(', ')}, not ${JSON.stringify(state)}`);
    }
    if (Buffer.byteLength(operator) > 64) throw new AlarmError('badValue', 'operator name longer than 64 octets');
    if (Buffer.byteLength(text) > 255) throw new AlarmError('badValue', 'operator text longer than 255 octets');
    const s = state as OperatorStateName;
    r.operatorState = s;
    r.operator = operator;
    r.operatorText = text;
    const c: OperatorChange = { seq: r.nextOpSeq++, time: at, operator, state: s, text };
    r.operatorChanges.push(c);
    this.trimHistory(r);
    this.batch.operatorChanges.push({ alarm: r.index, change: c });
    this.batch.upserts.set(r.index, r);
    this.render(r, false);
    this.touch(at);
    this.opts.log(`alarm ${r.index} (${r.type} on ${r.resource}): operator ${operator} set ${s}${text ? `: ${text}` : ''}`);
    this.schedule();
    const inst = this.instance(r.index);
    if (inst) this.emit('operatorAction', { alarm: inst, index: r.index, state: s, operator, text, time: at });
    return r;
  }

  /** Sets only the operator text (SNMP SET of bcmAlarmOperatorText alone); recorded like an operator action with the current state. */
  setOperatorText(index: number, text: string, operator: string, at: number = this.now()): Alarm {
    const r = this.byIndex.get(index);
    if (!r) throw new AlarmError('unknownAlarm', `no alarm with index ${index}`);
    return this.setOperatorState(index, r.operatorState, operator, text, at);
  }

  // ---- purge -----------------------------------------------------------------------------------------

  /** RFC 8632 purge-alarms: removes the matching alarms; returns how many. */
  purge(filter: PurgeFilter, at: number = this.now()): number {
    const victims = [...this.byIndex.values()].filter((r) => matches(r, filter, at));
    for (const r of victims) this.remove(r);
    if (victims.length) {
      this.touch(at);
      this.opts.log(`alarm list: ${victims.length} alarm(s) purged`);
      this.schedule();
    }
    return victims.length;
  }

  /**
   * RFC 8632 compress-alarms: removes all but the latest status change of the matching alarms (resource:
   * a resource or a prefix; absent criteria match all). Returns how many alarms were compressed.
   */
  compress(filter: { resource?: string; type?: string; qualifier?: string } = {}, at: number = this.now()): number {
    let n = 0;
    for (const r of this.byIndex.values()) {
      if (filter.resource !== undefined && !underResource(r.resource, filter.resource)) continue;
      if (filter.type !== undefined && r.type !== filter.type) continue;
      if (filter.qualifier !== undefined && r.qualifier !== filter.qualifier) continue;
      if (r.statusChanges.length <= 1) continue;
      for (const c of r.statusChanges.splice(0, r.statusChanges.length - 1)) {
        this.tree.remove([...alarmPath(r.index), { cls: 'alarmStatusChange', keys: [c.seq] }]);
      }
      this.batch.upserts.set(r.index, r);
      n++;
    }
    if (n) {
      this.touch(at);
      this.schedule();
    }
    return n;
  }

  /** Purges cleared alarms whose last change is older than days (fault purgeClearedAfter; 0 keeps them). */
  purgeClearedOlderThan(days: number, at: number = this.now()): number {
    if (days <= 0) return 0;
    return this.purge({ clearance: 'cleared', olderThanMs: days * 86400000 }, at);
  }

  private evictOldestCleared(): void {
    let oldest: AlarmRecord | undefined;
    for (const r of this.byIndex.values()) if (r.isCleared && (!oldest || r.lastChanged < oldest.lastChanged)) oldest = r;
    if (oldest) {
      this.opts.log(`alarm list full (${this.maxAlarms}): purging the oldest cleared alarm ${oldest.index}`);
      this.remove(oldest);
    } else {
      this.opts.log(`alarm list full (${this.maxAlarms}) with no cleared alarm to purge: keeping more than the bound`);
    }
  }

  private remove(r: AlarmRecord): void {
    this.byIndex.delete(r.index);
    this.byKey.delete(keyOf(r.resource, r.type, r.qualifier));
    if (!r.isCleared) this.activeCount--;
    this.batch.deletes.add(r.index);
    this.batch.upserts.delete(r.index);
    this.tree.remove(alarmPath(r.index));
    this.renderSummary();
    this.emit('purged', r);
  }

  // ---- configuration ---------------------------------------------------------------------------------

  setMaxStatusChanges(n: number): void {
    const max = Math.max(1, n);
    if (max === this.maxStatusChanges) return;
    this.maxStatusChanges = max;
    for (const r of this.byIndex.values()) {
      if (r.statusChanges.length <= max && r.operatorChanges.length <= max) continue;
      this.trimHistory(r);
      this.batch.upserts.set(r.index, r);
    }
    this.tree.set(FAULT, { maxStatusChanges: max });
    this.schedule();
  }

  // ---- tree ---------------------------------------------------------------------------------------------

  private render(r: AlarmRecord, withHistory: boolean): void {
    const t = alarmTypeByName(r.type);
    const path = alarmPath(r.index);
    this.tree.set(path, {
      resource: r.resource, type: r.type, typeQualifier: r.qualifier, timeCreated: r.timeCreated, isCleared: r.isCleared,
      lastRaised: r.lastRaised, lastChanged: r.lastChanged, perceivedSeverity: r.severity, alarmText: r.text,
      eventType: t?.eventType, probableCause: t?.probableCause.value, specificProblem: t?.specificProblem,
      thresholdInfo: r.thresholdInfo, operatorState: r.operatorState, operator: r.operator, operatorText: r.operatorText,
    }, r.lastChanged);
    if (withHistory) {
      for (const c of r.statusChanges) {
        this.tree.set([...path, { cls: 'alarmStatusChange', keys: [c.seq] }], { time: c.time, perceivedSeverity: c.severity, alarmText: c.text }, c.time);
      }
    }
  }

  private renderSummary(): void {
    this.tree.set(FAULT, { activeAlarms: this.activeCount, alarmListLastChanged: this.lastChangedAt, maxStatusChanges: this.maxStatusChanges });
  }

  // ---- persistence and notices ----------------------------------------------------------------------------

  private schedule(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes pending changes in one transaction, then sends their notices. Safe to call at any time. */
  flush(): void {
    this.flushScheduled = false;
    const batch = this.batch;
    const notices = this.notices;
    this.batch = emptyBatch();
    this.notices = [];
    if (!batchIsEmpty(batch) && this.opts.db.open) {
      try {
        this.store.write(batch);
        this.stats.flushes++;
      } catch (e) {
        this.stats.writeErrors++;
        this.opts.log(`alarm list: cannot persist ${batch.upserts.size} alarm(s): ${(e as Error).message}`);
      }
    }
    for (const n of notices) {
      try { this.opts.notify(n); } catch (e) { this.opts.log(`alarm notice listener failed: ${(e as Error).message}`); }
    }
  }

  /** Flushes and stops scheduling (the database is about to close). */
  close(): void {
    this.flush();
    this.closed = true;
  }
}

/**
 * A detached copy of an alarm's instance (same class, parent and keys, so the same path; values as they
 * are now, without the status-change children): what a notice carries, so that it describes the alarm as
 * it was at the change even when the alarm changed again before the notice went out.
 */
export function snapshotOf(inst: Instance): Instance {
  const copy = new Instance(inst.cls, inst.parent, inst.keys);
  for (const [k, v] of inst.values) copy.values.set(k, v);
  return copy;
}

/** Whether resource is prefix itself or contained in it ("network/dev" contains "network/dev/node/n1"). */
export function underResource(resource: string, prefix: string): boolean {
  return resource === prefix || resource.startsWith(prefix + '/');
}

function matches(r: AlarmRecord, f: PurgeFilter, now: number): boolean {
  if (f.clearance === 'cleared' && !r.isCleared) return false;
  if (f.clearance === 'notCleared' && r.isCleared) return false;
  if (f.olderThanMs !== undefined && !(r.lastChanged < now - f.olderThanMs)) return false;
  if (f.severity) {
    const s = RANK[r.severity];
    if (f.severity.is !== undefined && s !== RANK[f.severity.is]) return false;
    if (f.severity.below !== undefined && !(s < RANK[f.severity.below])) return false;
    if (f.severity.above !== undefined && !(s > RANK[f.severity.above])) return false;
  }
  if (f.operatorState !== undefined && r.operatorState !== f.operatorState) return false;
  if (f.operator !== undefined && r.operator !== f.operator) return false;
  if (f.resource !== undefined && !underResource(r.resource, f.resource)) return false;
  if (f.type !== undefined && r.type !== f.type) return false;
  return true;
}
