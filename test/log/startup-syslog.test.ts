/**
 * Start-up and stop records reach the syslog targets (issue 12 item 21): the bcmgmt CLI runs as a child
 * process with a UDP and a TCP (RFC 6587 octet counting) syslog collector of this test. The first run's
 * records from before the forwarders exist (the CONFIG commit of the file, "node added", START) arrive, and
 * so does STOP at SIGTERM; a restart says how many nodes it collects and adds none.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSyslog } from '../../src/log/rfc5424';
import type { SyslogRecord } from '../../src/log/rfc5424';
import { freePort } from '../support/litecoind';
import { freeUdpPort } from '../support/snmp';
import { projectRoot } from '../support/tools';
import { until } from '../support/wait';
import { octetFrames } from './support';

const CLI = path.join(projectRoot, 'dist', 'src', 'cli.js');

describe('start-up and stop records reach syslog (bcmgmt serve as a child process, UDP and TCP collectors)', function () {
  this.timeout(120_000);
  let dir = '';
  let udp: dgram.Socket;
  let tcp: net.Server;
  const datagrams: string[] = [];
  const stream = octetFrames();
  let cfg = '';
  let child: ChildProcess | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-startup-syslog-'));
    udp = dgram.createSocket('udp4');
    udp.on('message', (m) => datagrams.push(m.toString('utf8')));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    tcp = net.createServer((s) => s.on('data', stream.push));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    const deadPort = await freePort();
    cfg = path.join(dir, 'bcmgmt.yaml');
    fs.writeFileSync(cfg, [
      'networks:',
      '  - name: dev',
      '    platform: ethereum',
      '    pollInterval: 60',
      '    nodes:',
      `      - { name: n1, endpoint: "http://127.0.0.1:${deadPort}" }`,
      `      - { name: n2, endpoint: "http://127.0.0.1:${deadPort}" }`,
      'configuration:',
      `  snmpPort: ${await freeUdpPort()}`,
      `  sshPort: ${await freePort()}`,
      `  httpPort: ${await freePort()}`,
      '  managementUsers: [{ name: admin, password: startup-test-pw, role: admin }]',
      'log:',
      '  logTargets:',
      `    - { name: u, host: 127.0.0.1, port: ${udp.address().port}, transport: udp, minSeverity: info }`,
      `    - { name: t, host: 127.0.0.1, port: ${(tcp.address() as net.AddressInfo).port}, transport: tcp, minSeverity: info }`,
      '',
    ].join('\n'));
  });
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    udp?.close();
    tcp?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs serve until it has started, then SIGTERM; resolves with its exit code and output. */
  async function runOnce(args: string[]): Promise<{ code: number | null; out: string }> {
    const p = spawn(process.execPath, [CLI, 'serve', '--data-dir', path.join(dir, 'data'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = p;
    let out = '';
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    await until('the bridge has started', () => out.includes('poll it:') || p.exitCode !== null, 60_000);
    expect(p.exitCode, out).to.equal(null);
    p.kill('SIGTERM');
    const code = await exited;
    return { code, out };
  }

  const parsed = (texts: string[]): SyslogRecord[] => texts.map((t) => parseSyslog(t));
  const messages = (recs: SyslogRecord[]): string[] => recs.map((r) => `${r.msgId} ${r.message}`);

  it('first run: the file\'s CONFIG commit, node added, START and STOP reach the UDP and the TCP collector', async () => {
    const r = await runOnce(['--config', cfg]);
    expect(r.code, r.out).to.equal(0);
    for (const [name, texts] of [['udp', datagrams], ['tcp', stream.frames]] as const) {
      await until(`STOP over ${name}`, () => texts.some((t) => parseSyslog(t).msgId === 'STOP'), 5000).catch(() => undefined);
      const m = messages(parsed(texts));
      expect(m.some((x) => x.startsWith('CONFIG running configuration committed by bcmgmt via file')), `${name}:\n${m.join('\n')}`).to.equal(true);
      expect(m.filter((x) => /^NODE node dev\/n[12] added/.test(x)), `${name}:\n${m.join('\n')}`).to.have.length(2);
      expect(m.some((x) => x.startsWith('START ')), `${name}:\n${m.join('\n')}`).to.equal(true);
      expect(m[m.length - 1], `${name}: STOP is the last record`).to.match(/^STOP /);
    }
  });

  it('a restart adds no node: it says how many it collects, once, and stops with STOP', async () => {
    const udpBefore = datagrams.length;
    const tcpBefore = stream.frames.length;
    const r = await runOnce([]);
    expect(r.code, r.out).to.equal(0);
    for (const [name, texts, from] of [['udp', datagrams, udpBefore], ['tcp', stream.frames, tcpBefore]] as const) {
      await until(`STOP over ${name}`, () => texts.slice(from).some((t) => parseSyslog(t).msgId === 'STOP'), 5000).catch(() => undefined);
      const m = messages(parsed(texts.slice(from)));
      expect(m.filter((x) => x.startsWith('NODE ')), `${name}:\n${m.join('\n')}`).to.deep.equal([]);
      expect(m.filter((x) => /collecting 2 node\(s\) in 1 network\(s\)/.test(x)), `${name}:\n${m.join('\n')}`).to.have.length(1);
      expect(m[m.length - 1], `${name}: STOP is the last record`).to.match(/^STOP /);
    }
  });
});
