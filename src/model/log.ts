/** Clause 7.2.4: log management: RFC 5424 log records, per-component levels and syslog forwarding. */
import { AdminState, SyslogSeverity, T, config, ev, state } from './common';
import type { ObjectClass } from './types';

export const log: ObjectClass = {
  name: 'log', clause: '7.2.4', kind: 'container', parent: 'managedSystem', arc: 50, mibPrefix: 'bcmLog',
  description: 'Log management of the bridge: a bounded table of RFC 5424 records, levels per component, forwarding to syslog collectors.',
  attributes: [
    config(1, 'maxRecords', T.uint32(10, 1000000), 'Records kept; the oldest is dropped first.', { default: 1000 }),
    state(2, 'recordCount', T.gauge32, 'Records held.'),
    state(3, 'droppedRecords', T.counter64, 'Records dropped from the table because it was full.'),
  ],
};

export const logRecord: ObjectClass = {
  name: 'logRecord', clause: '7.2.4', kind: 'list', parent: 'log', keys: ['index'], arc: 51, mibPrefix: 'bcmLogRec',
  description: 'A log record of the bridge, with the fields of an RFC 5424 syslog message.',
  bound: { max: 1000000, eviction: 'the oldest record is dropped when the table holds maxRecords' },
  attributes: [
    state(1, 'index', T.uint32(1, 4294967295), 'Sequence number of the record, increasing (kept across restarts).'),
    state(2, 'time', T.time, 'TIMESTAMP of the record.'),
    state(3, 'severity', SyslogSeverity, 'SEVERITY of the record.'),
    state(4, 'facility', T.uint32(0, 23), 'FACILITY code (RFC 5424 table 1).'),
    state(5, 'hostname', T.text(255), 'HOSTNAME.'),
    state(6, 'appName', T.text(48), 'APP-NAME.'),
    state(7, 'procId', T.text(128), 'PROCID.'),
    state(8, 'msgId', T.text(32), 'MSGID: the kind of event (e.g. START, CONFIG, REACH, ALARM, BLOCK, REORG).'),
    state(9, 'component', T.name, 'Component of the bridge that wrote the record.'),
    state(10, 'structuredData', T.text(1024), 'STRUCTURED-DATA as RFC 5424 text, or "-".'),
    state(11, 'message', T.text(1024), 'MSG.'),
  ],
};

export const logComponent: ObjectClass = {
  name: 'logComponent', clause: '7.2.4', kind: 'list', parent: 'log', keys: ['name'], arc: 53, mibPrefix: 'bcmLogComp', maxElements: 64,
  description: 'The level of one component of the bridge: records less severe are not written.',
  attributes: [
    config(1, 'name', T.name, 'Component (collector, fault, pm, config, snmp, netconf, http, chain).'),
    config(2, 'level', SyslogSeverity, 'Least severe level written.', { default: 'info' }),
  ],
};

export const logTarget: ObjectClass = {
  name: 'logTarget', clause: '7.2.4', kind: 'list', parent: 'log', keys: ['name'], arc: 52, mibPrefix: 'bcmLogTgt', maxElements: 64,
  description: 'A syslog collector the bridge forwards records to: UDP (RFC 5426) or TCP with octet counting (RFC 6587).',
  attributes: [
    config(1, 'name', T.name, 'Name of the collector.'),
    config(2, 'host', T.text(255), 'Host name or address of the collector.', { required: true }),
    config(3, 'port', T.uint32(1, 65535), 'Port of the collector.', { default: 514 }),
    config(4, 'transport', T.enumOf('SyslogTransport', [
      ev(1, 'udp', 'RFC 5426: one record per datagram'),
      ev(2, 'tcp', 'RFC 6587 octet counting'),
    ]), 'Transport.', { default: 'udp' }),
    config(5, 'minSeverity', SyslogSeverity, 'Least severe level forwarded.', { default: 'info' }),
    config(6, 'adminState', AdminState, 'locked targets are not sent to.', { default: 'unlocked' }),
    state(7, 'sent', T.counter64, 'Records sent.'),
    state(8, 'dropped', T.counter64, 'Records not sent (collector unreachable or queue full).'),
    state(9, 'lastError', T.text(255), 'Last transport error.'),
  ],
};

export const logClasses = [log, logRecord, logTarget, logComponent];
