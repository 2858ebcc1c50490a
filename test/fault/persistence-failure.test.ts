/**
 * The alarm list when its database refuses writes (issue 12 item 11). The store fails for real: a SQLite
 * trigger on the list's own table RAISEs (as a full disk or an I/O error would). While it fails, no notice
 * is sent for an unwritten change, the failures are counted (fault persistenceFailures) and the alarm
 * persistenceFailure is raised on the managed system, its notice sent at once; once the store works again
 * the kept changes are written, their notices go out describing a persisted state, and the bridge alarm clears.
 * Then the same through a bridge with its fault manager, read with NETCONF <get> over HTTP.
 */
import { expect } from 'chai';
import type { AlarmNotice } from '../../src/events';
import { createFaultManager } from '../../src/fault';
import { AlarmList, PERSISTENCE_FAILURE } from '../../src/fault/alarm-list';
import { InstanceTree } from '../../src/state/tree';
import { openDb } from '../../src/store/db';
import type { Db } from '../../src/store/db';
import { freePort } from '../support/litecoind';
import { ADMIN, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { until } from '../support/wait';
import { removeDir, tempDir } from './support';

const FAIL_WRITES = `CREATE TRIGGER fail_alarm_insert BEFORE INSERT ON fault_alarm BEGIN SELECT RAISE(ABORT, 'disk I/O error (test trigger)'); END;
  CREATE TRIGGER fail_alarm_update BEFORE UPDATE ON fault_alarm BEGIN SELECT RAISE(ABORT, 'disk I/O error (test trigger)'); END;`;
const REPAIR = 'DROP TRIGGER fail_alarm_insert; DROP TRIGGER fail_alarm_update;';

describe('fault: the alarm list when the database refuses writes', () => {
  let dir: string;
  let db: Db;
  let tree: InstanceTree;
  let list: AlarmList;
  const seen: { change: string; type: string; resource: string; persisted: boolean }[] = [];

  beforeEach(() => {
    dir = tempDir('persist');
    db = openDb(dir);
    tree = new InstanceTree();
    seen.length = 0;
    list = new AlarmList({
      db, tree, maxStatusChanges: 8, log: () => undefined, retryMs: { first: 50, max: 200 },
      notify: (n: AlarmNotice) => {
        const index = Number(n.alarm.get('index'));
        const row = db.prepare('SELECT is_cleared, last_changed FROM fault_alarm WHERE idx = ?').get(index) as { is_cleared: number; last_changed: number } | undefined;
        seen.push({
          change: n.change, type: String(n.alarm.get('type')), resource: String(n.alarm.get('resource')),
          persisted: row !== undefined && row.last_changed >= Number(n.alarm.get('lastChanged')) && (row.is_cleared === 1) === (n.change === 'cleared'),
        });
      },
    });
  });
  afterEach(() => {
    list.close();
    if (db.open) db.close();
    removeDir(dir);
  });

  const failures = (): number => Number(tree.find([{ cls: 'fault' }])?.get('persistenceFailures'));

  it('holds the notices of unwritten changes, counts the failures, raises persistenceFailure; on recovery writes, announces and clears', async () => {
    db.exec(FAIL_WRITES);
    list.raise({ resource: 'network/a/node/n1', type: 'nodeUnreachable', qualifier: '', severity: 'major', text: 'n1 does not answer' });
    await until('a failed write', () => failures() > 0, 5000);
    // the only notice so far is the bridge's own alarm, sent at once although it is not written either
    expect(seen.map((s) => `${s.change} ${s.type} "${s.resource}" ${s.persisted}`)).to.deep.equal([`raised ${PERSISTENCE_FAILURE} "" false`]);
    const pf = list.find('', PERSISTENCE_FAILURE)!;
    expect(pf.isCleared).to.equal(false);
    expect(pf.text).to.include('disk I/O error (test trigger)');
    expect(tree.find([{ cls: 'fault' }, { cls: 'alarm', keys: [pf.index] }])?.get('probableCause')).to.equal(317);
    // retried while it fails, still nothing announced
    const f1 = failures();
    await until('a retry that failed too', () => failures() > f1, 5000);
    list.clear('network/a/node/n1', 'nodeUnreachable', '', 'n1 answers again');
    list.raise({ resource: 'network/a/node/n1', type: 'nodeUnreachable', qualifier: '', severity: 'critical', text: 'n1 down again' });
    await until('another failed retry', () => failures() > f1 + 1, 5000);
    expect(seen).to.have.length(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM fault_alarm').get()).to.deep.equal({ n: 0 });

    db.exec(REPAIR);
    await until('the bridge alarm cleared and written', () => seen.some((s) => s.type === PERSISTENCE_FAILURE && s.change === 'cleared'), 5000);
    // the held notices went out in order, each describing a written state; then the bridge alarm cleared
    expect(seen.slice(1).map((s) => `${s.change} ${s.type}`)).to.deep.equal([
      'raised nodeUnreachable', 'cleared nodeUnreachable', 'raised nodeUnreachable', `cleared ${PERSISTENCE_FAILURE}`,
    ]);
    expect(seen.slice(-1)[0].persisted).to.equal(true);
    const rows = db.prepare('SELECT resource, type, is_cleared, severity FROM fault_alarm ORDER BY idx').all();
    expect(rows).to.deep.equal([
      { resource: 'network/a/node/n1', type: 'nodeUnreachable', is_cleared: 0, severity: 'critical' },
      { resource: '', type: PERSISTENCE_FAILURE, is_cleared: 1, severity: 'major' },
    ]);
    const history = db.prepare('SELECT severity FROM fault_status_change WHERE alarm = 1 ORDER BY seq').all();
    expect(history).to.deep.equal([{ severity: 'major' }, { severity: 'cleared' }, { severity: 'critical' }]);
  });
});

describe('fault: a bridge whose alarm table refuses writes (NETCONF <get> over HTTP)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;

  before(async () => {
    const dead = await freePort();
    nb = await startNetconfBridge({
      networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: `http://127.0.0.1:${dead}` }] }],
    }, { setup: (b) => { b.addView(createFaultManager(b)); b.db.exec(FAIL_WRITES); } });
  });
  after(async () => { await nb?.cleanup(); });

  const get = async (): Promise<string> => (await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(1, '<get/>') })).body;
  const alarmXml = (data: string, type: string): string | undefined =>
    data.split('<alarm>').slice(1).map((a) => a.split('</alarm>')[0]).find((a) => a.includes(`:${type}</alarm-type-id>`));

  it('serves the persistenceFailure alarm and the failure count while writes fail, and the cleared alarm once they work again', async () => {
    const during = await until('persistence-failure served', async () => {
      const d = await get();
      return alarmXml(d, 'persistence-failure') && alarmXml(d, 'node-unreachable') ? d : undefined;
    }, 20_000);
    expect(alarmXml(during, 'persistence-failure')).to.include('<is-cleared>false</is-cleared>');
    expect(Number(/<persistence-failures>(\d+)<\/persistence-failures>/.exec(during)?.[1])).to.be.greaterThan(0);
    nb.bridge.db.exec(REPAIR);
    const after = await until('persistence-failure cleared', async () => {
      const d = await get();
      return alarmXml(d, 'persistence-failure')?.includes('<is-cleared>true</is-cleared>') ? d : undefined;
    }, 20_000);
    expect(alarmXml(after, 'node-unreachable')).to.include('<is-cleared>false</is-cleared>');
    const rows = nb.bridge.db.prepare('SELECT type, is_cleared FROM fault_alarm ORDER BY type').all();
    expect(rows).to.deep.include({ type: 'nodeUnreachable', is_cleared: 0 });
    expect(rows).to.deep.include({ type: PERSISTENCE_FAILURE, is_cleared: 1 });
  });
});
