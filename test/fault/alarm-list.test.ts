/** The RFC 8632 alarm list: semantics, tree rendering, persistence, operator actions, purge. */
import { expect } from 'chai';
import type { AlarmNotice } from '../../src/events';
import { AlarmError, AlarmList, alarmPath } from '../../src/fault/alarm-list';
import { InstanceTree } from '../../src/state/tree';
import { openDb } from '../../src/store/db';
import type { Db } from '../../src/store/db';
import { nextTurn, removeDir, tempDir } from './support';

describe('fault: alarm list (RFC 8632)', () => {
  let dir: string;
  let db: Db;
  let tree: InstanceTree;
  let list: AlarmList;
  let notices: { change: string; index: number; persisted: boolean }[];
  let t: number;

  function open(maxStatusChanges = 4): AlarmList {
    db = openDb(dir);
    tree = new InstanceTree();
    notices = [];
    const l = new AlarmList({
      db, tree, now: () => t, maxStatusChanges, log: () => undefined,
      notify: (n: AlarmNotice) => {
        const index = Number(n.alarm.get('index'));
        // A notice describes a persisted state: the row is in the database when it is sent.
        const row = db.prepare('SELECT last_changed FROM fault_alarm WHERE idx = ?').get(index) as { last_changed: number } | undefined;
        notices.push({ change: n.change, index, persisted: row !== undefined && row.last_changed >= Number(n.alarm.get('lastChanged')) });
      },
    });
    return l;
  }

  beforeEach(() => {
    dir = tempDir('list');
    t = 1_700_000_000_000;
    list = open();
  });
  afterEach(() => {
    list.close();
    if (db.open) db.close();
    removeDir(dir);
  });

  const raise = (resource: string, severity: 'major' | 'minor' | 'critical' = 'major', type = 'nodeUnreachable', qualifier = ''): string | undefined =>
    list.raise({ resource, type, qualifier, severity, text: `${type} on ${resource}`, thresholdInfo: 'x >= 1' });

  it('creates an entry on the first raise, renders it in the tree with the X.733 fields, and notifies after persisting', async () => {
    expect(raise('network/a/node/n1')).to.equal('raised');
    const a = list.find('network/a/node/n1', 'nodeUnreachable')!;
    expect(a.index).to.equal(1);
    const inst = tree.find(alarmPath(1))!;
    expect(inst.get('resource')).to.equal('network/a/node/n1');
    expect(inst.get('type')).to.equal('nodeUnreachable');
    expect(inst.get('typeQualifier')).to.equal('');
    expect(inst.get('isCleared')).to.equal(false);
    expect(inst.get('perceivedSeverity')).to.equal('major');
    expect(inst.get('eventType')).to.equal('communicationsAlarm');
    expect(inst.get('probableCause')).to.equal(306);
    expect(inst.get('specificProblem')).to.equal('RPC endpoint of the node does not answer');
    expect(inst.get('thresholdInfo')).to.equal('x >= 1');
    expect(inst.get('operatorState')).to.equal('none');
    expect(inst.get('timeCreated')).to.equal(t);
    expect(inst.list('alarmStatusChange').map((c) => c.get('perceivedSeverity'))).to.deep.equal(['major']);
    expect(tree.find([{ cls: 'fault' }])!.get('activeAlarms')).to.equal(1);
    expect(tree.find([{ cls: 'fault' }])!.get('alarmListLastChanged')).to.equal(t);
    expect(notices).to.deep.equal([]);
    await nextTurn();
    expect(notices).to.deep.equal([{ change: 'raised', index: 1, persisted: true }]);
  });

  it('raise of an active alarm with the same severity changes nothing; a new severity is a severity change', async () => {
    raise('r1');
    t += 1000;
    expect(raise('r1')).to.equal(undefined);
    expect(list.get(1)!.lastChanged).to.equal(t - 1000);
    expect(raise('r1', 'critical')).to.equal('severityChanged');
    expect(list.get(1)!.severity).to.equal('critical');
    expect(list.get(1)!.lastChanged).to.equal(t);
    await nextTurn();
    expect(notices.map((n) => n.change)).to.deep.equal(['raised', 'severityChanged']);
  });

  it('keeps a cleared alarm in the list with its last severity; a new raise reuses the entry and keeps time-created', async () => {
    const created = t;
    raise('r1');
    t += 1000;
    expect(list.clear('r1', 'nodeUnreachable', '', 'cleared: back')).to.equal(true);
    expect(list.clear('r1', 'nodeUnreachable', '')).to.equal(false);
    const a = list.get(1)!;
    expect(a.isCleared).to.equal(true);
    expect(a.severity).to.equal('major');
    expect(a.text).to.equal('cleared: back');
    expect(tree.find([{ cls: 'fault' }])!.get('activeAlarms')).to.equal(0);
    t += 1000;
    expect(raise('r1', 'minor')).to.equal('raised');
    expect(list.size).to.equal(1);
    expect(list.get(1)!.timeCreated).to.equal(created);
    expect(list.get(1)!.lastRaised).to.equal(t);
    expect(list.get(1)!.statusChanges.map((c) => c.severity)).to.deep.equal(['major', 'cleared', 'minor']);
    await nextTurn();
    expect(notices.map((n) => n.change)).to.deep.equal(['raised', 'cleared', 'raised']);
    expect(notices.every((n) => n.persisted)).to.equal(true);
  });

  it('distinguishes alarms by resource, type and qualifier', () => {
    raise('r1');
    raise('r1', 'major', 'peerCountLow');
    raise('r1', 'major', 'thresholdCrossed', 'rpc-latency');
    raise('r1', 'major', 'thresholdCrossed', 'tx-rate');
    raise('r2');
    expect(list.all().map((a) => a.index)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(list.find('r1', 'thresholdCrossed', 'tx-rate')!.index).to.equal(4);
  });

  it('bounds the status-change history by maxStatusChanges, the oldest going first, in the tree and in the database', async () => {
    raise('r1');
    for (let i = 0; i < 5; i++) {
      t += 1000;
      list.clear('r1', 'nodeUnreachable', '');
      t += 1000;
      raise('r1');
    }
    const a = list.get(1)!;
    expect(a.statusChanges.map((c) => c.seq)).to.deep.equal([8, 9, 10, 11]);
    expect(tree.find(alarmPath(1))!.list('alarmStatusChange').map((c) => c.keys[0])).to.deep.equal([8, 9, 10, 11]);
    await nextTurn();
    const rows = db.prepare('SELECT seq FROM fault_status_change WHERE alarm = 1 ORDER BY seq').all() as { seq: number }[];
    expect(rows.map((r) => r.seq)).to.deep.equal([8, 9, 10, 11]);
    list.setMaxStatusChanges(2);
    expect(tree.find(alarmPath(1))!.list('alarmStatusChange').map((c) => c.keys[0])).to.deep.equal([10, 11]);
    await nextTurn();
    expect((db.prepare('SELECT count(*) AS n FROM fault_status_change').get() as { n: number }).n).to.equal(2);
  });

  it('records operator actions (state, operator, text) without touching the status, and refuses bad values', async () => {
    raise('r1');
    const seen: string[] = [];
    list.on('operatorAction', (n) => seen.push(`${n.index} ${n.state} ${n.operator}`));
    t += 5000;
    list.setOperatorState(1, 'ack', 'alice', 'looking');
    const a = list.get(1)!;
    expect(a.operatorState).to.equal('ack');
    expect(a.operator).to.equal('alice');
    expect(a.operatorText).to.equal('looking');
    expect(a.lastChanged).to.equal(t - 5000);
    expect(tree.find(alarmPath(1))!.get('operatorState')).to.equal('ack');
    expect(tree.find(alarmPath(1))!.get('operatorText')).to.equal('looking');
    list.setOperatorText(1, 'still looking', 'bob');
    expect(list.get(1)!.operatorState).to.equal('ack');
    expect(list.get(1)!.operatorChanges.map((c) => `${c.state}/${c.operator}/${c.text}`)).to.deep.equal(['ack/alice/looking', 'ack/bob/still looking']);
    expect(seen).to.deep.equal(['1 ack alice', '1 ack bob']);
    expect(() => list.setOperatorState(99, 'ack', 'alice')).to.throw(AlarmError, /no alarm with index 99/);
    expect(() => list.setOperatorState(1, 'shelved', 'alice')).to.throw(AlarmError, /operator state must be/);
    expect(() => list.setOperatorState(1, 'ack', 'x'.repeat(65))).to.throw(AlarmError, /64 octets/);
    // The operator state is separate from the clear state: a clear and a new raise leave it as it is.
    list.clear('r1', 'nodeUnreachable', '');
    raise('r1');
    expect(list.get(1)!.operatorState).to.equal('ack');
    await nextTurn();
    expect(notices.map((n) => n.change)).to.deep.equal(['raised', 'cleared', 'raised']);
  });

  it('survives a restart: the same alarms, indexes, histories and operator states; indexes are never reused', async () => {
    raise('r1');
    raise('r2', 'critical');
    raise('r3');
    t += 1000;
    list.clear('r2', 'nodeUnreachable', '', 'cleared: ok');
    list.setOperatorState(1, 'closed', 'alice', 'done');
    list.purge({ clearance: 'any', resource: 'r3' });
    const before = JSON.stringify(list.all());
    list.close();
    db.close();

    list = open();
    expect(JSON.stringify(list.all())).to.equal(before);
    expect(list.active).to.equal(1);
    expect(tree.find([{ cls: 'fault' }])!.get('activeAlarms')).to.equal(1);
    expect(tree.find(alarmPath(2))!.list('alarmStatusChange')).to.have.length(2);
    expect(tree.find(alarmPath(1))!.get('operatorState')).to.equal('closed');
    expect(raise('r1')).to.equal(undefined);
    expect(raise('r4')).to.equal('raised');
    expect(list.find('r4', 'nodeUnreachable')!.index).to.equal(4);
    await nextTurn();
    expect(notices.map((n) => n.change)).to.deep.equal(['raised']);
  });

  it('purges by clearance, age, severity, operator state, operator, resource prefix and type', () => {
    raise('network/a/node/n1', 'major');
    raise('network/a/node/n2', 'critical');
    raise('network/b/node/n1', 'minor');
    raise('network/b/ledger/main', 'minor', 'forkDetected');
    t += 3600_000;
    list.clear('network/a/node/n1', 'nodeUnreachable', '');
    list.clear('network/b/node/n1', 'nodeUnreachable', '');
    list.setOperatorState(3, 'closed', 'alice');
    expect(list.purge({ clearance: 'cleared', olderThanMs: 1000 })).to.equal(0);
    expect(list.purge({ clearance: 'notCleared', severity: { above: 'major' } })).to.equal(1); // n2 critical
    expect(list.find('network/a/node/n2', 'nodeUnreachable')).to.equal(undefined);
    expect(tree.find(alarmPath(2))).to.equal(undefined);
    expect(list.purge({ clearance: 'cleared', operatorState: 'closed', operator: 'bob' })).to.equal(0);
    expect(list.purge({ clearance: 'cleared', operatorState: 'closed', operator: 'alice' })).to.equal(1);
    expect(list.purge({ clearance: 'any', resource: 'network/b', type: 'nodeUnreachable' })).to.equal(0);
    expect(list.purge({ clearance: 'any', resource: 'network/b' })).to.equal(1);
    expect(list.purge({ clearance: 'any', severity: { below: 'major' } })).to.equal(0);
    t += 31 * 86400_000;
    expect(list.purgeClearedOlderThan(30)).to.equal(1);
    expect(list.size).to.equal(0);
  });

  it('evicts the oldest cleared alarm when full', () => {
    list.close();
    db.close();
    db = openDb(dir);
    tree = new InstanceTree();
    const logs: string[] = [];
    list = new AlarmList({ db, tree, now: () => t, maxStatusChanges: 4, notify: () => undefined, log: (l) => logs.push(l), maxAlarms: 3 });
    raise('r1'); t += 10; raise('r2'); t += 10; raise('r3');
    list.clear('r2', 'nodeUnreachable', ''); t += 10;
    list.clear('r1', 'nodeUnreachable', '');
    raise('r4');
    expect(list.all().map((a) => a.resource)).to.deep.equal(['r1', 'r3', 'r4']);
    raise('r5'); // r1 is the only cleared one left
    raise('r6'); // none cleared: kept beyond the bound, and said so
    expect(list.size).to.equal(4);
    expect(logs.some((l) => /no cleared alarm to purge/.test(l))).to.equal(true);
  });

  it('clips texts to 255 octets', () => {
    list.raise({ resource: 'r1', type: 'nodeUnreachable', qualifier: '', severity: 'major', text: 'é'.repeat(300) });
    expect(Buffer.byteLength(list.get(1)!.text)).to.be.at.most(255);
  });
});
