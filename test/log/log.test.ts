import { expect } from 'chai';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../../src/bridge';
import { createLogManager } from '../../src/log';
import { formatSyslog, parseSyslog } from '../../src/log/rfc5424';
import { octetFrames } from './support';

function waitFor<T>(f: () => T | undefined, ms = 5000): Promise<T> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const v = f();
      if (v !== undefined) resolve(v);
      else if (Date.now() - t0 > ms) reject(new Error('timed out'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

describe('RFC 5424 codec', () => {
  it('formats and parses back every field, escaping structured data', () => {
    const rec = { facility: 3, severity: 'warning' as const, time: Date.UTC(2026, 10, 25, 12, 0, 0, 123), hostname: 'h1', appName: 'bcmgmt',
      procId: '42', msgId: 'REACH', sd: { 'bcm@32473': { node: 'a"b]c\\d', network: 'ltc' } }, message: 'node ltc/a is unreachable' };
    const text = formatSyslog(rec);
    expect(text).to.match(/^<28>1 2026-11-25T12:00:00\.123Z h1 bcmgmt 42 REACH \[bcm@32473 node="a\\"b\\]c\\\\d" network="ltc"\] \uFEFFnode/);
    expect(parseSyslog(text)).to.deep.equal(rec);
  });

  it('refuses what is not RFC 5424', () => {
    expect(() => parseSyslog('<13>Nov 25 12:00:00 host app: BSD style')).to.throw('not an RFC 5424 header');
    expect(() => parseSyslog('<999>1 - - - - - -')).to.throw('PRI out of range');
  });
});

describe('log management', () => {
  let dir: string;
  let bridge: Bridge;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-log-')); });
  afterEach(async () => { await bridge?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('records a configuration change naming the user, and forwards RFC 5424 over UDP with a severity filter', async () => {
    const udp = dgram.createSocket('udp4');
    const got: string[] = [];
    udp.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const port = udp.address().port;
    bridge = new Bridge({ dataDir: dir, seed: { log: { logTargets: [{ name: 'c1', host: '127.0.0.1', port, transport: 'udp', minSeverity: 'notice' }] } } });
    const log = createLogManager(bridge);
    bridge.addView(log);
    await bridge.start();
    bridge.commit({ ...bridge.running, networks: [{ name: 'n1', platform: 'bitcoin', adminState: 'locked' }] }, { user: 'alice', source: 'netconf' });
    bridge.record({ severity: 'debug', component: 'collector', msgId: 'BLOCK', message: 'not forwarded nor kept at info level' });
    const rec = await waitFor(() => got.map(parseSyslog).find((r) => r.msgId === 'CONFIG' && r.message.includes('alice')));
    expect(rec).to.include({ appName: 'bcmgmt', severity: 'notice', facility: 3 });
    expect(rec.sd['bcm@32473']).to.include({ user: 'alice', source: 'netconf', target: 'running' });
    expect(rec.message).to.contain('+ networks[n1]');
    const records = bridge.tree.find([{ cls: 'log' }])!.list('logRecord');
    expect(records.some((r) => r.get('msgId') === 'CONFIG' && String(r.get('message')).includes('alice'))).to.equal(true);
    expect(records.some((r) => r.get('msgId') === 'BLOCK')).to.equal(false);
    expect(got.every((g) => !g.includes('BLOCK'))).to.equal(true);
    udp.close();
  });

  it('forwards over TCP with octet counting and keeps a bounded table across restarts', async () => {
    const { frames, push } = octetFrames();
    const server = net.createServer((s) => s.on('data', push));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    bridge = new Bridge({ dataDir: dir, seed: { log: { maxRecords: 10, logTargets: [{ name: 't', host: '127.0.0.1', port, transport: 'tcp' }] } } });
    bridge.addView(createLogManager(bridge));
    await bridge.start();
    for (let i = 0; i < 25; i++) bridge.record({ severity: 'info', component: 'bridge', msgId: 'TEST', message: `record ${i}` });
    await waitFor(() => (frames.filter((f) => f.includes('record 24')).length ? true : undefined));
    for (const f of frames) expect(() => parseSyslog(f)).not.to.throw();
    const log = bridge.tree.find([{ cls: 'log' }])!;
    expect(log.list('logRecord')).to.have.length(10);
    expect(log.get('recordCount')).to.equal(10);
    expect(Number(log.get('droppedRecords'))).to.be.greaterThan(0);
    await bridge.stop();
    bridge = new Bridge({ dataDir: dir });
    bridge.addView(createLogManager(bridge));
    await bridge.start();
    const again = bridge.tree.find([{ cls: 'log' }])!.list('logRecord');
    expect(again).to.have.length(10);
    expect(again.some((r) => r.get('msgId') === 'START')).to.equal(true);
    server.close();
  });
});
