/**
 * The fault manager: runs the detectors over the live tree after every poll, reorganisation and second,
 * passes each condition through its hold-down state machine with the effective policy of its alarm type,
 * and keeps the alarm list (RFC 8632) that the views read from the tree and the notices they send.
 *
 * Conditions reported from outside (report(), e.g. thresholdCrossed from performance management) take
 * the same path: policy (enabled, severity, hold-down), then the list.
 */
import type { Bridge, View } from '../bridge';
import type { ReorgInfo } from '../collector/ledger-tracker';
import type { PollResult } from '../collector/node-poller';
import type { ConfigObject } from '../config/document';
import type { CommitRecord } from '../config/datastore';
import type { AlarmCondition, AlarmReporter } from '../events';
import { alarmTypes } from '../model/fault';
import type { Instance, Path } from '../state/tree';
import { AlarmList, keyOf, underResource } from './alarm-list';
import { emptyBatch } from './store';
import type { Alarm, PurgeFilter } from './alarm-list';
import { Detectors } from './detectors';
import type { DetectedCondition, DetectorMemo } from './detectors';
import { HoldDown } from './holddown';
import type { Signal } from './holddown';
import { alarmTypeByName, defaultPolicy, faultSettings } from './policy';
import { registerFaultHandlers } from './wiring';
import type { EffectivePolicy, FaultSettings, RaisedSeverity } from './policy';

export interface FaultManagerOptions {
  /** Clock (ms since the epoch); tests drive time with it. */
  readonly now?: () => number;
  /** Period of the time-based evaluation, default 1000 ms; 0 disables the timer (tests call tick()). */
  readonly tickMs?: number;
}

export interface FaultManager extends View, AlarmReporter {
  readonly list: AlarmList;
  /** Settings in effect (from the running configuration). */
  readonly settings: FaultSettings;
  /** RFC 8632 set-operator-state (SNMP SET of bcmAlarmOperatorState, NETCONF set-operator-state). */
  setOperatorState(index: number, state: string, operator: string, text?: string): Alarm;
  /** RFC 8632 purge-alarms; returns the number purged. */
  purge(filter: PurgeFilter): number;
  /** Runs every detector and every pending hold-down now (the timer does this every second). */
  tick(): void;
}

const FAULT: Path = [{ cls: 'fault' }];
/** Classes whose removal from the tree removes the resource (its alarms are cleared). */
const RESOURCE_CLASSES = new Set(['network', 'node', 'ledger', 'validator', 'contract', 'crossChainChannel', 'pmMonitored', 'measurementJob']);
const PURGE_CHECK_MS = 60000;

interface Entry {
  readonly type: string;
  readonly resource: string;
  readonly qualifier: string;
  readonly hd: HoldDown;
  signal: Signal;
  text: string;
  thresholdInfo: string | undefined;
  /** Severity the reporter asked for (thresholdCrossed); otherwise the policy's. */
  severity: RaisedSeverity | undefined;
  /** Severity of the last raise or severity change made for this entry. */
  raisedSeverity: RaisedSeverity | undefined;
}

function list(o: ConfigObject | undefined, f: string): ConfigObject[] {
  const v = o?.[f];
  return Array.isArray(v) ? (v as ConfigObject[]) : [];
}

/** Whether the configuration still has the resource an alarm is on (resources outside networks: yes). */
export function configured(doc: ConfigObject, a: { resource: string; type: string; qualifier: string }): boolean {
  const seg = a.resource.split('/');
  if (seg[0] === 'network') {
    const net = list(doc, 'networks').find((n) => String(n.name) === seg[1]);
    if (!net) return false;
    if (seg[2] === 'node' && seg[3] !== undefined && !list(net, 'nodes').some((n) => String(n.name) === seg[3])) return false;
    if (seg[2] === 'crossChainChannel' && seg[3] !== undefined && !list(net, 'crossChainChannels').some((c) => String(c.name) === seg[3])) return false;
  }
  if (a.type === 'thresholdCrossed' && a.qualifier) {
    const perf = doc.performance as ConfigObject | undefined;
    if (!list(perf, 'thresholds').some((t) => String(t.name) === a.qualifier)) return false;
  }
  return true;
}

export class FaultManagerImpl implements FaultManager {
  readonly name = 'fault';
  readonly list: AlarmList;
  settings: FaultSettings;
  private readonly detectors: Detectors;
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Set<Entry>();
  private readonly dirty = new Set<string>();
  private locked = new Set<string>();
  private evalScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private lastPurgeCheck = 0;
  private readonly now: () => number;
  private readonly unsubscribe: (() => void)[] = [];
  private unregister: (() => void) | undefined;
  private detach: (() => void) | undefined;

  constructor(private readonly bridge: Bridge, private readonly opts: FaultManagerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.settings = faultSettings(bridge.running);
    this.list = new AlarmList({
      db: bridge.db, tree: bridge.tree, now: this.now, maxStatusChanges: this.settings.maxStatusChanges,
      notify: (n) => { bridge.emit('alarm', n); },
      log: (l) => bridge.log(l, 'fault'),
    });
    const store = this.list.persistence;
    const memo: DetectorMemo = {
      get: (k) => store.getMeta(`detector:${k}`),
      set: (k, v) => store.setMeta(`detector:${k}`, v),
      delete: (k) => store.deleteMeta(`detector:${k}`),
      setMany: (entries) => store.write({ ...emptyBatch(), meta: new Map([...entries].map(([k, v]) => [`detector:${k}`, v])) }),
    };
    this.detectors = new Detectors(bridge.tree, {
      policy: (t) => this.policy(t), emit: (c) => this.feed(c), memo,
      event: (name, params) => { bridge.emit('event', { name, params, time: this.now() }); },
    }, this.now);
    // An alarm active in the list is active for its detector too: a condition still present after a
    // restart is not raised again, one gone is cleared after its hold-down.
    for (const a of this.list.activeAlarms()) {
      this.entries.set(keyOf(a.resource, a.type, a.qualifier), {
        type: a.type, resource: a.resource, qualifier: a.qualifier, hd: new HoldDown(true), signal: 'hold',
        text: a.text, thresholdInfo: a.thresholdInfo, severity: undefined, raisedSeverity: a.severity,
      });
    }
    this.renderStatic();
    // Operator actions through SNMP SET and NETCONF actions (removed again by stop()).
    this.unregister = registerFaultHandlers(bridge, this.list);
    // Poll results and reorganisations are counted from now on, even before start() (the bridge starts
    // its views after the collector): the first failed poll already counts. Evaluation waits for start().
    const onPolled = (e: { network: string; node: string; result: PollResult }): void => {
      this.detectors.onPolled(e.network, e.node, e.result);
      this.markDirty(e.network);
    };
    const onReorg = (e: { network: string; ledger: string; reorg: ReorgInfo }): void => {
      this.detectors.onReorg(e.network, e.ledger, e.reorg);
      this.markDirty(e.network);
    };
    bridge.collector.on('polled', onPolled);
    bridge.collector.on('reorg', onReorg);
    this.detach = () => { bridge.collector.off('polled', onPolled); bridge.collector.off('reorg', onReorg); };
  }

  policy(type: string): EffectivePolicy {
    const p = this.settings.policies.get(type);
    if (p) return p;
    const t = alarmTypeByName(type);
    if (!t) throw new Error(`unknown alarm type ${type}`);
    return defaultPolicy(t);
  }

  // ---- View ----------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const b = this.bridge;
    const onRemoved = (inst: Instance): void => {
      if (RESOURCE_CLASSES.has(inst.cls.name)) this.resourceGone(inst.resource(), 'resource removed');
    };
    const onCommitted = (r: CommitRecord): void => {
      if (r.target === 'running') this.applyConfig(this.bridge.running);
    };
    b.tree.on('removed', onRemoved);
    b.datastore.on('committed', onCommitted);
    this.unsubscribe.push(() => b.tree.off('removed', onRemoved), () => b.datastore.off('committed', onCommitted));
    this.applyConfig(b.running);
    const tickMs = this.opts.tickMs ?? 1000;
    if (tickMs > 0) {
      this.timer = setInterval(() => this.tick(), tickMs);
      this.timer.unref?.();
    }
    this.tick();
  }

  async stop(): Promise<void> {
    this.unregister?.();
    this.unregister = undefined;
    this.detach?.();
    this.detach = undefined;
    if (!this.started) { this.list.close(); return; }
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const u of this.unsubscribe.splice(0)) u();
    this.list.close();
  }

  describe(): string {
    return `fault management: ${alarmTypes.length} alarm types, ${this.list.size} alarm(s) in the list, ${this.list.active} active`;
  }

  // ---- AlarmReporter -------------------------------------------------------------------------------

  report(c: AlarmCondition): void {
    if (!alarmTypeByName(c.type)) {
      this.bridge.log(`fault: report of unknown alarm type ${c.type} on ${c.resource} ignored`);
      return;
    }
    this.feed({
      type: c.type, resource: c.resource, qualifier: c.qualifier, signal: c.active ? 'raise' : 'clear',
      text: c.text, thresholdInfo: c.thresholdInfo,
    }, c.severity);
  }

  // ---- operator actions --------------------------------------------------------------------------

  setOperatorState(index: number, state: string, operator: string, text = ''): Alarm {
    return this.list.setOperatorState(index, state, operator, text);
  }

  purge(filter: PurgeFilter): number {
    return this.list.purge(filter);
  }

  // ---- conditions --------------------------------------------------------------------------------

  private feed(c: DetectedCondition, severity?: RaisedSeverity): void {
    const p = this.policy(c.type);
    if (!p.enabled) return;
    const key = keyOf(c.resource, c.type, c.qualifier);
    let e = this.entries.get(key);
    if (!e) {
      if (c.signal !== 'raise' && !this.list.find(c.resource, c.type, c.qualifier)) return; // nothing to track
      const existing = this.list.find(c.resource, c.type, c.qualifier);
      const active = existing !== undefined && !existing.isCleared;
      e = {
        type: c.type, resource: c.resource, qualifier: c.qualifier, hd: new HoldDown(active), signal: c.signal,
        text: c.text, thresholdInfo: c.thresholdInfo, severity, raisedSeverity: active ? existing.severity : undefined,
      };
      this.entries.set(key, e);
    }
    e.signal = c.signal;
    e.text = c.text;
    e.thresholdInfo = c.thresholdInfo;
    e.severity = severity;
    this.step(e, p, this.now());
  }

  private step(e: Entry, p: EffectivePolicy, now: number): void {
    const t = e.hd.step(e.signal, now, p.holdDownMs);
    const severity = e.severity ?? p.severity;
    if (t === 'raise' || (t === undefined && e.hd.active && e.signal === 'raise' && severity !== e.raisedSeverity)) {
      this.list.raise({ resource: e.resource, type: e.type, qualifier: e.qualifier, severity, text: e.text, thresholdInfo: e.thresholdInfo }, now);
      e.raisedSeverity = severity;
    } else if (t === 'clear') {
      this.list.clear(e.resource, e.type, e.qualifier, e.text, now, e.thresholdInfo);
      e.raisedSeverity = undefined;
    }
    if (e.hd.pending) this.pending.add(e);
    else {
      this.pending.delete(e);
      // Nothing active, nothing waiting: forget it (entries stay bounded by the alarms and the waits).
      if (!e.hd.active) this.entries.delete(keyOf(e.resource, e.type, e.qualifier));
    }
  }

  private markDirty(network: string): void {
    if (!this.started) return;
    this.dirty.add(network);
    if (this.evalScheduled) return;
    this.evalScheduled = true;
    setImmediate(() => {
      this.evalScheduled = false;
      if (!this.started) return;
      for (const name of this.dirty) {
        const net = this.bridge.tree.find([{ cls: 'network', keys: [name] }]);
        if (net) this.detectors.evaluateNetwork(net);
      }
      this.dirty.clear();
    });
  }

  tick(): void {
    const now = this.now();
    this.checkLocks();
    this.detectors.evaluateAll();
    for (const e of [...this.pending]) this.step(e, this.policy(e.type), now);
    if (now - this.lastPurgeCheck >= PURGE_CHECK_MS) {
      this.lastPurgeCheck = now;
      this.list.purgeClearedOlderThan(this.settings.purgeClearedAfterDays, now);
    }
  }

  /** A locked network or node is not polled: its alarms are cleared and its detectors forget it. */
  private checkLocks(): void {
    const now = new Set<string>();
    for (const net of this.bridge.tree.root.list('network')) {
      if (net.get('adminState') === 'locked') { now.add(net.resource()); continue; }
      for (const node of net.list('node')) if (node.get('adminState') === 'locked') now.add(node.resource());
    }
    for (const r of now) if (!this.locked.has(r)) this.resourceGone(r, 'resource locked (not polled)');
    this.locked = now;
  }

  /** Clears the alarms of a resource (and those under it) and forgets its detector state. */
  private resourceGone(resource: string, why: string): void {
    for (const [k, e] of this.entries) {
      if (!underResource(e.resource, resource)) continue;
      this.entries.delete(k);
      this.pending.delete(e);
    }
    this.detectors.forget(resource);
    this.list.clearUnder(resource, `cleared: ${why}`);
  }

  // ---- configuration -----------------------------------------------------------------------------

  private applyConfig(doc: ConfigObject): void {
    const before = this.settings;
    this.settings = faultSettings(doc);
    for (const w of this.settings.warnings) this.bridge.log(`fault: ${w}`);
    this.list.setMaxStatusChanges(this.settings.maxStatusChanges);
    this.renderStatic();
    for (const [type, p] of this.settings.policies) {
      const old = before.policies.get(type);
      if (!p.enabled) {
        // Detector off: what it raised is cleared.
        for (const [k, e] of this.entries) if (e.type === type) { this.entries.delete(k); this.pending.delete(e); }
        for (const a of this.list.activeAlarms()) if (a.type === type) this.list.clear(a.resource, a.type, a.qualifier, 'cleared: detector disabled by policy');
      } else if (old && old.severity !== p.severity) {
        for (const e of this.entries.values()) if (e.type === type && e.hd.active && e.signal !== 'clear') { e.signal = 'raise'; this.step(e, p, this.now()); }
      }
    }
    for (const a of this.list.activeAlarms()) {
      if (!configured(doc, a)) this.resourceGone(a.resource, 'resource removed from the configuration');
    }
  }

  /** The fault container's configuration, the alarm inventory and the effective policies, in the tree. */
  private renderStatic(): void {
    const tree = this.bridge.tree;
    const s = this.settings;
    tree.set(FAULT, { maxStatusChanges: s.maxStatusChanges, purgeClearedAfter: s.purgeClearedAfterDays });
    tree.replaceList(FAULT, 'alarmInventory', alarmTypes.map((t) => ({
      keys: [t.name],
      values: {
        resourceClass: t.resourceClass, willClear: t.willClear, description: t.description,
        eventType: t.eventType, probableCause: t.probableCause.value, defaultSeverity: t.defaultSeverity,
      },
    })));
    tree.replaceList(FAULT, 'alarmPolicy', alarmTypes.map((t) => {
      const p = this.policy(t.name);
      return {
        keys: [t.name],
        values: { enabled: p.enabled, raiseLevel: p.raiseLevel, clearLevel: p.clearLevel, holdDown: Math.round(p.holdDownMs / 1000), severity: p.severity },
      };
    }));
  }
}
