/**
 * Log management (clause 7.2.4): the bridge's own events as RFC 5424 records in a bounded table
 * (SQLite, mirrored into the instance tree as logRecord instances), levels per component, and
 * forwarding to syslog collectors with a severity filter.
 *
 * Nothing is lost silently: a record the table cannot take (the database fails) is counted in droppedRecords
 * and still forwarded; records written before start() (the configuration commit of the boot, nodes added)
 * wait in a bounded queue and are forwarded at start, and STOP is forwarded (and flushed) before stop() returns.
 * "node added" is recorded only for a node the previous running configuration did not have, so a restart
 * adds none: START says how many nodes are collected instead.
 */
import * as os from 'node:os';
import type { Bridge, View } from '../bridge';
import type { ConfigObject } from '../config/document';
import { configValue } from '../config/document';
import type { LogEntry, LogSeverity } from '../events';
import { modelIndex } from '../model';
import { migrate } from '../store/db';
import type { Statement } from 'better-sqlite3';
import type { Path } from '../state/tree';
import { SyslogForwarder } from './forwarder';
import { formatSd, formatSyslog, severityCode } from './rfc5424';
import type { SyslogRecord } from './rfc5424';
import { entryForAlarm, entryForCommit, entryForEvent, entryForRollbackFailure } from './records';

const FACILITY_DAEMON = 3;
/** Records kept for forwarding until the forwarders start; beyond, the oldest are dropped (and said so at start). */
const MAX_EARLY = 1000;
const LOG: Path = [{ cls: 'log' }];
const logCls = modelIndex.cls('log');

interface Row {
  idx: number; time: number; severity: string; facility: number; hostname: string; app: string; procid: string;
  msgid: string; component: string; sd: string; msg: string;
}

export class LogManager implements View {
  readonly name = 'log';
  private readonly hostname = os.hostname();
  private readonly procId = String(process.pid);
  private nextIndex = 1;
  private dropped = 0n;
  private maxRecords = 1000;
  private levels = new Map<string, number>();
  private targets = new Map<string, { fwd: SyslogForwarder; min: number; locked: boolean; key: string }>();
  private readonly onRecord = (e: LogEntry): void => this.write(e);
  /** Records to forward once started: [severity code, RFC 5424 text]. */
  private early: [number, string][] | undefined = [];
  private earlyDropped = 0;
  /** "network/node" of the nodes of the running configuration last committed (or found at boot). */
  private knownNodes: Set<string>;
  private readonly insertRow: Statement;
  private readonly deleteBelow: Statement;
  private readonly saveDropped: Statement;

  constructor(private readonly bridge: Bridge) {
    migrate(bridge.db, [
      `CREATE TABLE IF NOT EXISTS log_records (idx INTEGER PRIMARY KEY, time INTEGER NOT NULL, severity TEXT NOT NULL,
        facility INTEGER NOT NULL, hostname TEXT NOT NULL, app TEXT NOT NULL, procid TEXT NOT NULL, msgid TEXT NOT NULL,
        component TEXT NOT NULL, sd TEXT NOT NULL, msg TEXT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    ]);
    this.insertRow = bridge.db.prepare(`INSERT INTO log_records (idx, time, severity, facility, hostname, app, procid, msgid, component, sd, msg)
        VALUES (@idx, @time, @severity, @facility, @hostname, @app, @procid, @msgid, @component, @sd, @msg)`);
    this.deleteBelow = bridge.db.prepare('DELETE FROM log_records WHERE idx < ?');
    this.saveDropped = bridge.db.prepare("INSERT INTO log_meta (key, value) VALUES ('dropped', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    const last = bridge.db.prepare('SELECT MAX(idx) AS m FROM log_records').get() as { m: number | null };
    this.nextIndex = (last.m ?? 0) + 1;
    const d = bridge.db.prepare("SELECT value FROM log_meta WHERE key = 'dropped'").get() as { value: string } | undefined;
    this.dropped = BigInt(d?.value ?? '0');
    this.configure(bridge.running);
    const rows = bridge.db.prepare('SELECT * FROM log_records ORDER BY idx DESC LIMIT ?').all(this.maxRecords) as Row[];
    for (const r of rows.reverse()) this.mirror(r);
    this.summary();
    this.knownNodes = nodesOf(bridge.running);
    bridge.on('record', this.onRecord);
    bridge.on('event', (ev) => {
      // the collector starts the nodes of the stored configuration at every boot: not an addition
      if (ev.name === 'nodeAdded' && this.knownNodes.has(`${String(ev.params.network)}/${String(ev.params.node)}`)) return;
      const e = entryForEvent(ev);
      if (e) this.write(e);
    });
    bridge.on('alarm', (n) => this.write(entryForAlarm(n)));
    bridge.datastore.on('committed', (r) => {
      if (r.target === 'running') {
        this.configure(bridge.running);
        this.knownNodes = nodesOf(bridge.running);
      }
      this.write(entryForCommit(r));
    });
    bridge.datastore.on('rollbackFailed', (f) => this.write(entryForRollbackFailure(f)));
  }

  /** Reads levels, table size and targets from the running configuration. */
  configure(doc: ConfigObject): void {
    const log = (doc.log as ConfigObject | undefined) ?? {};
    this.maxRecords = Number(configValue(logCls, log, 'maxRecords'));
    this.levels = new Map(((log.logComponents as ConfigObject[] | undefined) ?? []).map((c) => [String(c.name), severityCode(String(c.level ?? 'info') as LogSeverity)]));
    const wanted = new Map(((log.logTargets as ConfigObject[] | undefined) ?? []).map((t) => [String(t.name), t]));
    for (const [name, t] of this.targets) {
      const w = wanted.get(name);
      if (!w || JSON.stringify(w) !== t.key) { t.fwd.close(); this.targets.delete(name); if (!w) this.bridge.tree.remove([...LOG, { cls: 'logTarget', keys: [name] }]); }
    }
    for (const [name, t] of wanted) {
      if (this.targets.has(name)) continue;
      const tcls = modelIndex.cls('logTarget');
      const fwd = new SyslogForwarder({
        name, host: String(t.host), port: Number(configValue(tcls, t, 'port')), transport: configValue(tcls, t, 'transport') === 'tcp' ? 'tcp' : 'udp',
      }, () => this.targetState(name));
      this.targets.set(name, {
        fwd, key: JSON.stringify(t),
        min: severityCode(String(configValue(tcls, t, 'minSeverity')) as LogSeverity),
        locked: configValue(tcls, t, 'adminState') === 'locked',
      });
      this.targetState(name);
    }
    this.trim();
  }

  private targetState(name: string): void {
    const t = this.targets.get(name);
    if (!t) return;
    this.bridge.tree.set([...LOG, { cls: 'logTarget', keys: [name] }], { sent: t.fwd.stats.sent, dropped: t.fwd.stats.dropped, lastError: t.fwd.stats.lastError });
  }

  /** Writes one record when its component's level lets it through; forwards it. */
  write(e: LogEntry): void {
    const sev = severityCode(e.severity);
    if (sev > (this.levels.get(e.component) ?? severityCode('info'))) return;
    const rec: SyslogRecord = {
      facility: FACILITY_DAEMON, severity: e.severity, time: Date.now(), hostname: this.hostname, appName: 'bcmgmt',
      procId: this.procId, msgId: e.msgId, sd: e.sd ?? {}, message: e.message.slice(0, 1024),
    };
    const text = formatSyslog(rec);
    const row: Row = {
      idx: this.nextIndex++, time: rec.time, severity: rec.severity, facility: rec.facility, hostname: rec.hostname, app: rec.appName,
      procid: rec.procId, msgid: rec.msgId || '-', component: e.component, sd: formatSd(rec.sd), msg: rec.message,
    };
    if (this.store(row)) {
      this.mirror(row);
      this.trim();
    }
    this.summary();
    this.forward(sev, text);
  }

  /** Inserts a row; false (the record counted in droppedRecords) when the database refuses it. */
  private store(row: Row): boolean {
    try {
      this.insertRow.run(row);
      return true;
    } catch {
      this.nextIndex = row.idx; // the index is not used
      this.dropped++;
      try { this.saveDropped.run(this.dropped.toString()); } catch { /* the same database: kept in memory and served */ }
      return false;
    }
  }

  private forward(sev: number, text: string): void {
    if (this.early) {
      this.early.push([sev, text]);
      if (this.early.length > MAX_EARLY) { this.early.shift(); this.earlyDropped++; }
      return;
    }
    for (const t of this.targets.values()) if (!t.locked && sev <= t.min) t.fwd.send(text);
  }

  private mirror(r: Row): void {
    this.bridge.tree.set([...LOG, { cls: 'logRecord', keys: [r.idx] }], {
      time: r.time, severity: r.severity, facility: r.facility, hostname: r.hostname, appName: r.app, procId: r.procid,
      msgId: r.msgid, component: r.component, structuredData: r.sd, message: r.msg,
    }, r.time);
  }

  private trim(): void {
    const floor = this.nextIndex - this.maxRecords;
    const gone = this.deleteBelow.run(floor).changes;
    if (gone > 0) {
      this.dropped += BigInt(gone);
      this.saveDropped.run(this.dropped.toString());
    }
    const held = this.bridge.tree.find(LOG)?.list('logRecord') ?? [];
    if (held.length > this.maxRecords) {
      for (const r of held) if (Number(r.keys[0]) < floor) this.bridge.tree.remove([...LOG, { cls: 'logRecord', keys: r.keys }]);
    }
  }

  private summary(): void {
    const n = this.bridge.tree.find(LOG)?.childCount('logRecord') ?? 0;
    this.bridge.tree.set(LOG, { maxRecords: this.maxRecords, recordCount: n, droppedRecords: this.dropped });
  }

  async start(): Promise<void> {
    const early = this.early ?? [];
    this.early = undefined;
    for (const [sev, text] of early) this.forward(sev, text);
    if (this.earlyDropped) {
      this.write({ severity: 'warning', component: 'bridge', msgId: 'START', message: `${this.earlyDropped} start-up record(s) not forwarded: more than ${MAX_EARLY} before the forwarders started` });
    }
    const nets = [...this.bridge.collector.networks.values()];
    const nodes = nets.reduce((n, nc) => n + nc.pollers.size, 0);
    this.write({ severity: 'notice', component: 'bridge', msgId: 'START', message: `bcmgmt started (pid ${process.pid}): collecting ${nodes} node(s) in ${nets.length} network(s)` });
  }

  async stop(): Promise<void> {
    this.write({ severity: 'notice', component: 'bridge', msgId: 'STOP', message: 'bcmgmt stopping' });
    this.bridge.off('record', this.onRecord);
    await Promise.all([...this.targets.values()].map((t) => t.fwd.closeFlushed()));
  }

  describe(): string {
    return `log: ${this.maxRecords} records kept, ${this.targets.size} syslog target(s)`;
  }
}

export function createLogManager(bridge: Bridge): LogManager {
  return new LogManager(bridge);
}

function nodesOf(doc: ConfigObject): Set<string> {
  const out = new Set<string>();
  for (const n of (doc.networks as ConfigObject[] | undefined) ?? []) {
    for (const d of (n.nodes as ConfigObject[] | undefined) ?? []) out.add(`${String(n.name)}/${String(d.name)}`);
  }
  return out;
}
