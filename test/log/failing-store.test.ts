/**
 * A log record the database refuses is counted and still forwarded (issue 12 item 12). The bridge's own
 * SQLite database refuses inserts into the log table (a trigger that RAISEs, as a full disk would); the
 * record still reaches a UDP syslog collector and droppedRecords, read with NETCONF <get> over HTTP, counts it.
 */
import { expect } from 'chai';
import * as dgram from 'node:dgram';
import { createLogManager } from '../../src/log';
import { parseSyslog } from '../../src/log/rfc5424';
import { ADMIN, BCM, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { until } from '../support/wait';

describe('log records when the log table cannot be written (NETCONF over HTTP, UDP syslog collector)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  let udp: dgram.Socket;
  const got: string[] = [];

  before(async () => {
    udp = dgram.createSocket('udp4');
    udp.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    nb = await startNetconfBridge({ log: { logTargets: [{ name: 'c', host: '127.0.0.1', port: udp.address().port, transport: 'udp', minSeverity: 'info' }] } },
      { setup: (b) => b.addView(createLogManager(b)) });
  });
  after(async () => {
    await nb?.cleanup();
    udp?.close();
  });

  const dropped = async (): Promise<number> => {
    const r = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(1,
      `<get><filter type="subtree"><managed-system xmlns="${BCM}"><log><dropped-records/></log></managed-system></filter></get>`) });
    const m = /<dropped-records>(\d+)<\/dropped-records>/.exec(r.body);
    expect(m, r.body).not.to.equal(null);
    return Number(m![1]);
  };
  const held = (text: string): boolean =>
    (nb.bridge.tree.find([{ cls: 'log' }])?.list('logRecord') ?? []).some((r) => String(r.get('message')) === text);

  it('counts the record in droppedRecords and forwards it; once the table works again, records are kept', async () => {
    const before = await dropped();
    nb.bridge.db.exec(`CREATE TRIGGER fail_log BEFORE INSERT ON log_records BEGIN SELECT RAISE(ABORT, 'database or disk is full (test trigger)'); END`);
    try {
      nb.bridge.record({ severity: 'warning', component: 'bridge', msgId: 'TEST', message: 'written while the table fails' });
    } finally {
      nb.bridge.db.exec('DROP TRIGGER fail_log');
    }
    await until('the record at the collector', () => got.some((g) => parseSyslog(g).message === 'written while the table fails'), 5000);
    expect(held('written while the table fails')).to.equal(false);
    expect(await dropped()).to.equal(before + 1);

    nb.bridge.record({ severity: 'warning', component: 'bridge', msgId: 'TEST', message: 'written after' });
    expect(held('written after')).to.equal(true);
    await until('the second record at the collector', () => got.some((g) => parseSyslog(g).message === 'written after'), 5000);
    expect(await dropped()).to.equal(before + 1);
  });
});
