/**
 * No secret is ever shown. The bridge runs as a real process (bcmgmt serve) on a configuration with every
 * kind of secret: SNMP communities of three users (one a write community), an SNMPv3 user's auth and priv
 * pass phrases, the RPC password of a litecoind node (passwordEnv) and the cookie of another (cookieFile),
 * a generated admin password (no managementUsers in the file), then management user passwords added over
 * NETCONF. Everything the bridge serves and sends is collected with real clients (snmpwalk v2c and v3, an
 * snmpset with the write community, ncclient <get>/<get-config> of running and startup over SSH, curl over
 * HTTP, every syslog datagram up to and including the STOP record, the process's stdout and stderr) and no
 * secret may appear in any of it.
 */
import { expect } from 'chai';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LitecoinNetwork, freePort, requireLitecoind } from '../support/litecoind';
import { BCM, ncclient } from '../support/netconf';
import type { Step, StepResult } from '../support/netconf';
import { startCli } from '../support/serve';
import type { CliProcess } from '../support/serve';
import { freeUdpPort, run, snmp } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { sleep, until } from '../support/wait';

const PASSWORD_ENV = 'BCMGMT_SECRETS_TEST_RPC_PASSWORD';
const SECRET = {
  readCommunity: 'ro-community-7f3a91',
  writeCommunity: 'rw-community-c2e804',
  otherCommunity: 'other-community-5d19e6',
  authKey: 'v3-auth-phrase-83b1c0',
  privKey: 'v3-priv-phrase-e7a24d',
  opsPassword: 'ops-password-41d9bb',
  viewerPassword: 'viewer-password-0c6f3e',
};

describe('secrets are never served, logged or sent', function () {
  this.timeout(240_000);
  let ltc: LitecoinNetwork | undefined;
  let cli: CliProcess | undefined;
  let syslog: dgram.Socket | undefined;
  let dir = '';
  const datagrams: string[] = [];
  const collected = new Map<string, string>();
  const secrets = new Map<string, string>();
  let ports = { snmp: 0, ssh: 0, http: 0, syslog: 0 };

  before(async function () {
    requireLitecoind(this);
    requireNcclient(this);
    for (const t of ['snmpwalk', 'snmpset', 'curl']) requireTool(this, t, t === 'curl' ? 'curl' : 'snmp');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-secrets-'));
    ltc = await LitecoinNetwork.start({ nodes: 2, cookieNodes: [1] });
    const rpcPassword = ltc.credentials(0).password!;
    const cookie = fs.readFileSync(ltc.cookieFile(1), 'utf8').trim();
    for (const [k, v] of Object.entries(SECRET)) secrets.set(k, v);
    secrets.set('rpcPassword', rpcPassword);
    secrets.set('cookie', cookie.slice(cookie.indexOf(':') + 1));

    syslog = dgram.createSocket('udp4');
    syslog.on('message', (m) => datagrams.push(m.toString('utf8')));
    await new Promise<void>((r) => syslog!.bind(0, '127.0.0.1', r));
    ports = { snmp: await freeUdpPort(), ssh: await freePort(), http: await freePort(), syslog: syslog.address().port };
    const config = {
      networks: [{
        name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: [
          { name: 'n0', endpoint: ltc.rpcUrl(0), username: ltc.credentials(0).username!, passwordEnv: PASSWORD_ENV },
          { name: 'n1', endpoint: ltc.rpcUrl(1), cookieFile: ltc.cookieFile(1) },
        ],
      }],
      configuration: {
        snmpPort: ports.snmp, sshPort: ports.ssh, httpPort: ports.http,
        snmpCommunities: [
          { name: 'ro', community: SECRET.readCommunity, access: 'readOnly' },
          { name: 'rw', community: SECRET.writeCommunity, access: 'admin' },
          { name: 'other', community: SECRET.otherCommunity, access: 'readOnly' },
        ],
        snmpUsers: [{ name: 'secops', authProtocol: 'sha', authKey: SECRET.authKey, privProtocol: 'aes', privKey: SECRET.privKey, access: 'readOnly' }],
      },
      log: { logTargets: [{ name: 'collector', host: '127.0.0.1', port: ports.syslog, transport: 'udp', minSeverity: 'debug' }] },
    };
    const file = path.join(dir, 'bcmgmt.json');
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    cli = startCli(['serve', '--config', file, '--data-dir', path.join(dir, 'data')], { cwd: dir, env: { [PASSWORD_ENV]: rpcPassword } });
    await cli.waitForOutput(/^poll it:/m);
    const generated = fs.readFileSync(path.join(dir, 'data', 'admin-password'), 'utf8').trim();
    secrets.set('generatedAdminPassword', generated);
    // both nodes answer with their credentials before anything is collected
    await until('both litecoind nodes reachable', async () => {
      const r = await snmp('snmpwalk', `127.0.0.1:${ports.snmp}`, ['-v2c', '-c', SECRET.readCommunity, '-Oqv', '--', 'bcmNodeReachability']);
      return r.stdout.trim().split('\n').filter((l) => l.trim() === 'reachable').length === 2;
    }, 60_000, 500);
  });

  after(async () => {
    await cli?.stop('SIGKILL');
    syslog?.close();
    await ltc?.stopAll();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const xmlOf = (label: string, results: StepResult[]): void => {
    for (const r of results) {
      expect(r.ok, `${label} step ${r.step} ${r.op}: ${JSON.stringify(r.error ?? r.exception)}`).to.equal(true);
      collected.set(`${label} #${r.step} ${r.op}`, r.xml ?? '');
    }
  };

  it('keeps a secret an edit-config leaves out, takes an snmpset with the write community, and logs in the new users', async () => {
    const admin = { op: 'connect', session: 'a', user: 'admin', password: secrets.get('generatedAdminPassword') };
    const users = `<config><managed-system xmlns="${BCM}"><configuration>
      <management-user><name>ops</name><password>${SECRET.opsPassword}</password><role>admin</role></management-user>
      <management-user><name>viewer</name><password>${SECRET.viewerPassword}</password><role>read-only</role></management-user>
      </configuration></managed-system></config>`;
    // replace of the write community's entry without its community string: the stored one is kept
    const replaceRw = `<config xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><configuration>
      <snmp-community nc:operation="replace"><name>rw</name><access>admin</access></snmp-community>
      </configuration></managed-system></config>`;
    const first: Step[] = [admin, { op: 'get' }, { op: 'get_config', source: 'running' }, { op: 'get_config', source: 'startup' },
      { op: 'edit_config', config: users }, { op: 'edit_config', config: replaceRw }, { op: 'close' }];
    xmlOf('ssh admin', await ncclient(ports.ssh, first));
    const set = await snmp('snmpset', `127.0.0.1:${ports.snmp}`, ['-v2c', '-c', SECRET.writeCommunity, '--', 'bcmCfgRpcTimeout.0', 'u', '4500']);
    expect(set.code, set.stderr).to.equal(0);
    expect(set.stdout).to.contain('4500');
    const ops = { op: 'connect', session: 'a', user: 'ops', password: SECRET.opsPassword };
    xmlOf('ssh ops', await ncclient(ports.ssh, [ops, { op: 'copy_config', source: 'running', target: 'startup' }, { op: 'close' }]));
    const viewer = await ncclient(ports.ssh, [{ op: 'connect', session: 'a', user: 'viewer', password: SECRET.viewerPassword }, { op: 'close' }]);
    expect(viewer[0].ok, JSON.stringify(viewer[0])).to.equal(true);
  });

  it('collects every SNMP object (v2c and v3), every NETCONF <get>/<get-config> over SSH and HTTP, every log record', async () => {
    const target = `127.0.0.1:${ports.snmp}`;
    const v2 = await snmp('snmpwalk', target, ['-v2c', '-c', SECRET.readCommunity, '-Oa', '--', '.1'], { timeoutMs: 120_000 });
    expect(v2.code, v2.stderr).to.equal(0);
    collected.set('snmpwalk v2c', v2.stdout + v2.stderr);
    const v3 = await snmp('snmpwalk', target, ['-v3', '-l', 'authPriv', '-u', 'secops', '-a', 'SHA', '-A', SECRET.authKey, '-x', 'AES', '-X', SECRET.privKey, '-Oa', '--', '.1'], { timeoutMs: 120_000 });
    expect(v3.code, v3.stderr).to.equal(0);
    collected.set('snmpwalk v3', v3.stdout + v3.stderr);
    // the log table is there, with the commits made by the first test
    expect(v2.stdout).to.match(/bcmLogRecMessage\.\d+ = STRING: .*admin-password/);
    expect(v2.stdout).to.match(/bcmLogRecMessage\.\d+ = STRING: .*managementUsers/);

    const ops = { op: 'connect', session: 'a', user: 'ops', password: SECRET.opsPassword };
    xmlOf('ssh', await ncclient(ports.ssh, [ops, { op: 'get' }, { op: 'get_config', source: 'running' }, { op: 'get_config', source: 'startup' },
      { op: 'get_config', source: 'running', with_defaults: 'report-all' }, { op: 'close' }]));
    const get = [...collected.entries()].find(([k]) => k.startsWith('ssh #1 get'))![1];
    expect(get).to.contain('<log-record>');
    expect(get).to.contain('<snmp-community>');

    for (const body of ['<get/>', '<get-config><source><running/></source></get-config>', '<get-config><source><startup/></source></get-config>']) {
      const r = await run('curl', ['-sS', '-u', `viewer:${SECRET.viewerPassword}`, '-H', 'Content-Type: application/xml',
        '-d', `<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${body}</rpc>`, `http://127.0.0.1:${ports.http}/netconf`]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('<data');
      collected.set(`http ${body}`, r.stdout + r.stderr);
    }
  });

  it('a stored secret an edit left out still works: the write community still sets', async () => {
    const set = await snmp('snmpset', `127.0.0.1:${ports.snmp}`, ['-v2c', '-c', SECRET.writeCommunity, '--', 'bcmCfgRpcTimeout.0', 'u', '4000']);
    expect(set.code, set.stderr).to.equal(0);
  });

  it('stops on SIGTERM; no secret in any output, log record or syslog datagram', async () => {
    const exit = await cli!.stop('SIGTERM');
    expect(exit.code, cli!.stderr).to.equal(0);
    // the STOP record, if forwarded, is sent before the exit; late datagrams get a moment to arrive
    const deadline = Date.now() + 2000;
    while (!datagrams.some((d) => / STOP /.test(d)) && Date.now() < deadline) await sleep(100);
    collected.set('stdout', cli!.stdout);
    collected.set('stderr', cli!.stderr);
    datagrams.forEach((d, i) => collected.set(`syslog #${i}`, d));
    expect(datagrams.length, 'syslog datagrams received').to.be.greaterThan(3);
    expect(cli!.stdout).to.contain(path.join(dir, 'data', 'admin-password'));
    const leaks: string[] = [];
    for (const [what, text] of collected) {
      for (const [name, secret] of secrets) if (text.includes(secret)) leaks.push(`${name} in ${what}`);
    }
    expect(leaks, 'secrets found').to.deep.equal([]);
    expect(collected.size).to.be.greaterThan(15);
  });
});
