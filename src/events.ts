/**
 * Events the bridge publishes to its views and management functions (one bus: the Bridge).
 * Model events are the YANG notifications of src/model/events.ts (newBlock, reorg, nodeAdded,
 * nodeRemoved, nodeReachabilityChanged); alarm notices are the state changes of the alarm list.
 */
import type { Severity } from './model';
import type { Instance, Value } from './state/tree';

export interface ModelEventNotice {
  /** Name of an EventType of the model. */
  readonly name: string;
  /** Parameters by the EventType's parameter names; timestamps in ms since the epoch. */
  readonly params: Readonly<Record<string, Value | undefined>>;
  readonly time: number;
}

/** What a detector (or a performance threshold) says about one alarm condition, each time it evaluates it. */
export interface AlarmCondition {
  /** Resource path of the alarmed object, as Instance.resource() gives it ("network/dev/node/n1"). */
  readonly resource: string;
  /** Alarm type name of the model (nodeUnreachable, ...). */
  readonly type: string;
  /** Qualifier; '' when the type needs none. */
  readonly qualifier: string;
  /** true: raise (or keep raised, possibly with a new severity); false: clear. */
  readonly active: boolean;
  readonly severity?: Exclude<Severity, 'cleared'>;
  readonly text: string;
  readonly thresholdInfo?: string;
}

export interface AlarmReporter {
  report(c: AlarmCondition): void;
}

export type AlarmChange = 'raised' | 'severityChanged' | 'cleared';

/** One state change of the alarm list: carries the alarm's instance in the tree (class alarm). */
export interface AlarmNotice {
  readonly change: AlarmChange;
  readonly alarm: Instance;
  readonly time: number;
}

/** RFC 5424 severities by name, as the model's SyslogSeverity enumeration labels them. */
export type LogSeverity = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'info' | 'debug';

/** A record the bridge writes to its own log (log management, clause 7.2.4). */
export interface LogEntry {
  readonly severity: LogSeverity;
  /** Component of the bridge: collector, fault, pm, config, snmp, netconf, http, chain, bridge. */
  readonly component: string;
  /** RFC 5424 MSGID: START, STOP, CONFIG, REACH, ALARM, BLOCK, REORG, ... or '-'. */
  readonly msgId: string;
  readonly message: string;
  /** RFC 5424 structured data: SD-ID → parameters. */
  readonly sd?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}
