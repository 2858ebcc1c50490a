/**
 * Connections that never log in, against a bridge process of its own (`bcmgmt serve`), whose file descriptors
 * are counted in /proc/PID/fd:
 *   - NETCONF over SSH: TCP connections that never send an SSH ident are closed after loginGraceTime, counted
 *     from accept; beyond maxStartups starting connections, new ones are closed at once; a real client
 *     (ncclient) still logs in meanwhile; the process's descriptors come back to where they were;
 *   - HTTP: a slow-loris client (headers a byte at a time) gets 408 and is closed after loginGraceTime, and so is
 *     a client that sends nothing.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../support/litecoind';
import { ADMIN, login, ncclient } from '../support/netconf';
import { freeUdpPort } from '../support/snmp';
import { projectRoot, requireNcclient } from '../support/tools';
import { sleep, until } from '../support/wait';

const CLI = path.join(projectRoot, 'dist', 'src', 'cli.js');
const GRACE_S = 6;
const MAX_STARTUPS = 200;

/** A raw TCP client that only watches when the server closes it. */
interface Silent { readonly sock: net.Socket; readonly opened: number; closedAt?: number; received: string }

function openSilent(port: number): Promise<Silent> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const s: Silent = { sock, opened: 0, received: '' };
    sock.on('data', (d: Buffer) => { s.received += d.toString('latin1'); });
    sock.on('close', () => { s.closedAt = Date.now(); });
    sock.on('error', () => undefined);
    sock.once('connect', () => { (s as { opened: number }).opened = Date.now(); resolve(s); });
    sock.once('error', reject);
  });
}

describe('connections that never log in (bridge process, raw sockets)', function () {
  this.timeout(120_000);
  let dir = '';
  let proc: ChildProcess | undefined;
  let out = '';
  let sshPort = 0;
  let httpPort = 0;
  const open: Silent[] = [];
  // The bridge's own process: bcmgmt serve may run it as a child with its Node.js flags (src/relaunch.ts); the banner says its pid.
  let bridgePid = 0;
  const fds = (): number => fs.readdirSync(`/proc/${bridgePid}/fd`).length;

  before(async function () {
    requireNcclient(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-gate-'));
    sshPort = await freePort();
    httpPort = await freePort();
    const cfg = {
      networks: [{ name: 'dev', platform: 'ethereum', nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }],
      configuration: { snmpPort: await freeUdpPort(), sshPort, httpPort, loginGraceTime: GRACE_S, maxStartups: MAX_STARTUPS,
        managementUsers: [{ name: ADMIN.name, password: ADMIN.password, role: 'admin' }] },
    };
    fs.writeFileSync(path.join(dir, 'bcm.json'), JSON.stringify(cfg));
    proc = spawn(process.execPath, [CLI, 'serve', '--config', path.join(dir, 'bcm.json'), '--data-dir', path.join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    await until('the bridge process serving', () => out.includes('poll it:') || proc!.exitCode !== null, 60000);
    expect(proc.exitCode, out).to.equal(null);
    bridgePid = Number(/; pid (\d+)$/m.exec(out)?.[1]);
    expect(bridgePid, out).to.be.above(0);
  });
  after(() => {
    for (const s of open) s.sock.destroy();
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('200 silent SSH connections are closed after loginGraceTime, extra ones at once; ncclient logs in meanwhile; the fds come back', async () => {
    // one login first: whatever the server opens on first use (host keys, ...) is in the baseline
    const [warm] = await ncclient(sshPort, [login(ADMIN)]);
    expect(warm.ok, JSON.stringify(warm)).to.equal(true);
    await sleep(500);
    const baseline = fds();
    for (let i = 0; i < MAX_STARTUPS - 1; i++) open.push(await openSilent(sshPort));
    await until('the bridge holds the silent connections', () => fds() >= baseline + MAX_STARTUPS - 1, 10000);
    // a real client still gets in while they are held (it takes the last starting slot, then leaves it)
    const rs = await ncclient(sshPort, [login(ADMIN), { op: 'get_config' }]);
    expect(rs[1].ok, JSON.stringify(rs)).to.equal(true);
    expect(rs[1].xml).to.include('<name>dev</name>');
    const heldAt = Date.now();
    open.push(await openSilent(sshPort)); // the last slot
    const extra: Silent[] = [];
    for (let i = 0; i < 10; i++) extra.push(await openSilent(sshPort));
    await until('the extra connections refused', () => extra.every((s) => s.closedAt !== undefined), 3000);
    for (const s of extra) expect(s.received, 'a refused connection gets no SSH ident').to.equal('');
    expect(open.filter((s) => s.closedAt !== undefined).length, 'silent connections closed before their grace time').to.equal(0);
    expect(Date.now() - heldAt).to.be.below(GRACE_S * 1000);
    // the silent ones go after the grace time, counted from accept
    await until('the silent connections closed', () => open.every((s) => s.closedAt !== undefined), GRACE_S * 1000 + 10000);
    for (const s of open) expect(s.closedAt! - s.opened).to.be.at.least(GRACE_S * 1000 - 250);
    await until(`the bridge's fds back to ${baseline}`, () => fds() <= baseline, 10000);
    expect(out).to.match(/netconf ssh: \d+ connection\(s\) refused: 200 connections are already starting \(configuration maxStartups\)/);
    const again = await ncclient(sshPort, [login(ADMIN), { op: 'get_config' }]);
    expect(again[1].ok, JSON.stringify(again)).to.equal(true);
  });

  it('HTTP: clients sending their headers a byte at a time get 408, silent ones are closed, after loginGraceTime', async () => {
    const baseline = fds();
    const slow: Silent[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await openSilent(httpPort);
      s.sock.write('POST /netconf HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      slow.push(s);
    }
    const silent: Silent[] = [];
    for (let i = 0; i < 20; i++) silent.push(await openSilent(httpPort));
    const drip = setInterval(() => { for (const s of slow) if (s.closedAt === undefined) s.sock.write('X'); }, 500);
    try {
      await until('the slow and silent clients closed', () => [...slow, ...silent].every((s) => s.closedAt !== undefined), GRACE_S * 1000 + 10000);
    } finally {
      clearInterval(drip);
    }
    for (const s of [...slow, ...silent]) expect(s.closedAt! - s.opened).to.be.within(GRACE_S * 1000 - 250, GRACE_S * 1000 + 3000);
    for (const s of slow) expect(s.received).to.match(/^HTTP\/1\.1 408 /);
    await until(`the bridge's fds back to ${baseline}`, () => fds() <= baseline, 10000);
  });
});
