/** How the bridge's events become log records: severity, MSGID, text and structured data. */
import type { CommitRecord, RollbackFailure } from '../config/datastore';
import type { AlarmNotice, LogEntry, LogSeverity, ModelEventNotice } from '../events';

/** SD-ID of our structured data; 32473 is the private enterprise number RFC 5612 reserves for documentation. */
export const SD_ID = 'bcm@32473';

function s(v: unknown): string { return v === undefined ? '' : String(v); }

export function entryForEvent(ev: ModelEventNotice): LogEntry | undefined {
  const p = ev.params;
  const sd = (extra: Record<string, string>): LogEntry['sd'] => ({ [SD_ID]: { network: s(p.network), ...extra } });
  switch (ev.name) {
    case 'newBlock':
      return { severity: 'debug', component: 'collector', msgId: 'BLOCK', message: `network ${s(p.network)}: block ${s(p.height)} ${s(p.hash)} with ${s(p.txCount)} transaction(s)`,
        sd: sd({ ledger: s(p.ledger), height: s(p.height), hash: s(p.hash) }) };
    case 'reorg':
      return { severity: 'warning', component: 'collector', msgId: 'REORG', message: `network ${s(p.network)}: reorganisation of depth ${s(p.depth)}, head ${s(p.oldHead)} -> ${s(p.newHead)}`,
        sd: sd({ ledger: s(p.ledger), depth: s(p.depth), oldHead: s(p.oldHead), newHead: s(p.newHead) }) };
    case 'nodeReachabilityChanged': {
      const up = p.reachability === 'reachable';
      return { severity: up ? 'notice' : 'warning', component: 'collector', msgId: 'REACH',
        message: `node ${s(p.network)}/${s(p.node)} is ${s(p.reachability)}${up ? '' : `: ${s(p.error)}`}`, sd: sd({ node: s(p.node), reachability: s(p.reachability) }) };
    }
    case 'missedProposal':
      return { severity: 'warning', component: 'fault', msgId: 'PROPOSAL',
        message: `network ${s(p.network)}: validator ${s(p.validator)} missed a proposal (${s(p.missedSlots)} missed so far, seen at slot ${s(p.slot)})`,
        sd: sd({ validator: s(p.validator), missedSlots: s(p.missedSlots), slot: s(p.slot) }) };
    case 'nodeAdded': case 'nodeRemoved':
      return { severity: 'notice', component: 'collector', msgId: 'NODE', message: `node ${s(p.network)}/${s(p.node)} ${ev.name === 'nodeAdded' ? 'added: collection started' : 'removed: collection stopped'}`,
        sd: sd({ node: s(p.node) }) };
    default:
      return undefined;
  }
}

const BY_SEVERITY: Record<string, LogSeverity> = { critical: 'critical', major: 'error', minor: 'warning', warning: 'warning', indeterminate: 'notice' };

export function entryForAlarm(n: AlarmNotice): LogEntry {
  const a = n.alarm;
  const sev = s(a.get('perceivedSeverity'));
  return {
    severity: n.change === 'cleared' ? 'notice' : BY_SEVERITY[sev] ?? 'warning',
    component: 'fault', msgId: 'ALARM',
    message: `alarm ${n.change}: ${s(a.get('type'))} on ${s(a.get('resource'))} (${sev}): ${s(a.get('alarmText'))}`,
    sd: { [SD_ID]: { alarm: s(a.keys[0]), change: n.change, type: s(a.get('type')), resource: s(a.get('resource')), severity: sev } },
  };
}

export function entryForCommit(r: CommitRecord): LogEntry {
  const diff = r.diff.join('; ');
  return {
    severity: 'notice', component: 'config', msgId: 'CONFIG',
    message: `${r.target} configuration committed by ${r.user} via ${r.source}: ${r.diff.length} change(s)${diff ? `: ${diff}` : ''}`.slice(0, 1024),
    sd: { [SD_ID]: { user: r.user, source: r.source, target: r.target, changes: String(r.diff.length) } },
  };
}

/** A refused commit that could not be undone completely: the configuration in effect may differ from running. */
export function entryForRollbackFailure(f: RollbackFailure): LogEntry {
  return {
    severity: 'error', component: 'config', msgId: 'CONFIG',
    message: `${f.target} configuration commit by ${f.info.user} via ${f.info.source} refused (${f.cause}) and not undone: ${f.rollback}`.slice(0, 1024),
    sd: { [SD_ID]: { user: f.info.user, source: f.info.source, target: f.target, rollback: 'failed' } },
  };
}
