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
 * fault container's activeAlarms, alarmListLastChanged and persistenceFailures. Changes are applied to
 * memory and the tree at once (alarm-render.ts), written to SQLite in one transaction per event-loop turn
 * and announced (AlarmNotice) right after that transaction commits (alarm-batcher.ts): a notice always
 * describes a persisted state. While writes fail, changes are retried and their notices held, and the
 * alarm persistenceFailure is raised on the managed system (its own notice goes out at once).
 */
import { EventEmitter } from 'node:events';
import type { AlarmChange, AlarmNotice } from '../events';
import type { Instance, InstanceTree } from '../state/tree';
import { AlarmBatcher } from './alarm-batcher';
import { matchesPurgeFilter, underResource } from './alarm-filter';
import type { PurgeFilter } from './alarm-filter';
import { alarmPath, removeStatusChange, renderAlarm, renderStatusChange, renderSummary, snapshotOf } from './alarm-render';
import { AlarmError, MAX_ALARMS, OPERATOR_STATES, clip, keyOf } from './alarm-types';
import type { Alarm, AlarmListEvents, AlarmListOptions, RaiseInput } from './alarm-types';
import { alarmTypeByName } from './policy';
import { FaultStore } from './store';
import type { AlarmRecord, OperatorChange, OperatorStateName, StatusChange } from './store';

export type { OperatorChange, OperatorStateName, StatusChange } from './store';
export type { PurgeFilter } from './alarm-filter';
export { underResource } from './alarm-filter';
export { alarmPath, snapshotOf } from './alarm-render';
export { AlarmError, MAX_ALARMS, OPERATOR_STATES, clip, keyOf } from './alarm-types';
export type { Alarm, AlarmListEvents, AlarmListOptions, OperatorActionNotice, RaiseInput } from './alarm-types';

/** The alarm type the list raises on the managed system (resource "") while it cannot write to the database. */
export const PERSISTENCE_FAILURE = 'persistenceFailure';
const BRIDGE_RESOURCE = '';

const META_NEXT_INDEX = 'nextIndex';
const META_LAST_CHANGED = 'listLastChanged';

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
  private readonly batcher: AlarmBatcher;
  private changes = 0;

  constructor(private readonly opts: AlarmListOptions) {
    super();
    this.store = new FaultStore(opts.db);
    this.batcher = new AlarmBatcher({
      db: opts.db, store: this.store, notify: opts.notify, log: opts.log, retryMs: opts.retryMs,
      failed: (message) => this.persistenceFailed(message),
      written: () => this.persistenceRecovered(),
    });
    this.tree = opts.tree;
    this.now = opts.now ?? Date.now;
    this.maxStatusChanges = Math.max(1, opts.maxStatusChanges);
    this.maxAlarms = opts.maxAlarms ?? MAX_ALARMS;
    this.load();
  }

  /** The persistence layer, for detector memory kept in fault_meta. */
  get persistence(): FaultStore { return this.store; }

  /** Counters for the bench and the banner. */
  get stats(): { changes: number; flushes: number; writeErrors: number } {
    return { changes: this.changes, flushes: this.batcher.stats.flushes, writeErrors: this.batcher.stats.writeErrors };
  }

  /** Whether changes are waiting for a write that failed to be retried. */
  get persistenceFailing(): boolean { return this.batcher.failing; }

  private load(): void {
    let maxIdx = 0;
    for (const r of this.store.load()) {
      this.byIndex.set(r.index, r);
      this.byKey.set(keyOf(r.resource, r.type, r.qualifier), r);
      if (!r.isCleared) this.activeCount++;
      maxIdx = Math.max(maxIdx, r.index);
      renderAlarm(this.tree, r, true);
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
      this.batcher.batch.meta.set(META_NEXT_INDEX, String(this.nextIndex));
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
    this.batcher.batch.statusChanges.push({ alarm: r.index, change: c });
    renderStatusChange(this.tree, r.index, c);
    this.trimHistory(r);
  }

  private trimHistory(r: AlarmRecord): void {
    while (r.statusChanges.length > this.maxStatusChanges) {
      const old = r.statusChanges.shift()!;
      removeStatusChange(this.tree, r.index, old.seq);
    }
    while (r.operatorChanges.length > this.maxStatusChanges) r.operatorChanges.shift();
  }

  private changed(r: AlarmRecord, change: AlarmChange, at: number): void {
    this.changes++;
    renderAlarm(this.tree, r, false);
    this.touch(at);
    this.batcher.batch.upserts.set(r.index, r);
    const inst = this.instance(r.index);
    // Log management records every notice (src/log/records.ts entryForAlarm): no second line here.
    if (inst) {
      const notice: AlarmNotice = { change, alarm: snapshotOf(inst), time: at };
      if (r.type === PERSISTENCE_FAILURE && change !== 'cleared') this.batcher.sendNow(notice);
      else this.batcher.queue(notice);
    }
    this.schedule();
  }

  private touch(at: number): void {
    this.lastChangedAt = at;
    this.batcher.batch.meta.set(META_LAST_CHANGED, String(at));
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
    this.batcher.batch.operatorChanges.push({ alarm: r.index, change: c });
    this.batcher.batch.upserts.set(r.index, r);
    renderAlarm(this.tree, r, false);
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
    const victims = [...this.byIndex.values()].filter((r) => matchesPurgeFilter(r, filter, at));
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
      for (const c of r.statusChanges.splice(0, r.statusChanges.length - 1)) removeStatusChange(this.tree, r.index, c.seq);
      this.batcher.batch.upserts.set(r.index, r);
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
    this.batcher.batch.deletes.add(r.index);
    this.batcher.batch.upserts.delete(r.index);
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
      this.batcher.batch.upserts.set(r.index, r);
    }
    this.renderSummary();
    this.schedule();
  }

  private renderSummary(): void {
    renderSummary(this.tree, {
      activeAlarms: this.activeCount, alarmListLastChanged: this.lastChangedAt, maxStatusChanges: this.maxStatusChanges,
      persistenceFailures: this.batcher.stats.writeErrors,
    });
  }

  // ---- persistence and notices ----------------------------------------------------------------------------

  private schedule(): void {
    this.batcher.schedule();
  }

  /** A write failed: the bridge alarm (raised once, its notice sent at once) and the counter show it. */
  private persistenceFailed(message: string): void {
    this.renderSummary();
    this.raise({
      resource: BRIDGE_RESOURCE, type: PERSISTENCE_FAILURE, qualifier: '', severity: alarmTypeByName(PERSISTENCE_FAILURE)!.defaultSeverity,
      text: `the alarm list cannot be written to the database (${message}): changes kept in memory and retried, their notifications held`,
    });
  }

  /** A write succeeded: the bridge alarm clears. */
  private persistenceRecovered(): void {
    const a = this.find(BRIDGE_RESOURCE, PERSISTENCE_FAILURE);
    if (a && !a.isCleared) this.clear(BRIDGE_RESOURCE, PERSISTENCE_FAILURE, '', 'the alarm list is written to the database again');
  }

  /** Writes pending changes in one transaction, then sends their notices. Safe to call at any time. */
  flush(): void {
    this.batcher.flush();
  }

  /** Flushes and stops scheduling (the database is about to close). */
  close(): void {
    this.batcher.close();
  }
}
