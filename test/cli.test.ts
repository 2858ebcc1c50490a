import { expect } from 'chai';
import { spawnSync, spawn } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevChain } from '../src/devchain';
import type { DevChain } from '../src/devchain';
import { freePort } from './support/litecoind';
import { runCli, startCli } from './support/serve';
import type { CliProcess } from './support/serve';
import { MIB, freeUdpPort, run, snmp } from './support/snmp';
import { projectRoot, requireTool } from './support/tools';

const CLI = path.join(projectRoot, 'dist', 'src', 'cli.js');

describe('bcmgmt command line', function () {
  this.timeout(60000);
  let chain: DevChain;
  let dir: string;
  before(async () => {
    chain = await startDevChain({ blockIntervalMs: 500, workload: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-cli-'));
  });
  after(async () => { await chain?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [CLI, ...args], { cwd: dir });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      p.on('close', (code) => resolve({ code, out, err }));
    });
  }

  it('snapshot polls every node once and prints the instance tree as JSON', async () => {
    const cfg = path.join(dir, 'dev.yaml');
    fs.writeFileSync(cfg, `networks:\n  - name: dev\n    platform: ethereum\n    nodes:\n      - name: n1\n        endpoint: ${chain.url}\n`);
    const r = await run(['snapshot', '--config', cfg]);
    expect(r.code, r.err).to.equal(0);
    const tree = JSON.parse(r.out) as { networks: { name: string; chainId: string; nodes: { name: string; reachability: string; height: number }[]; ledgers: { height: number }[] }[] };
    const net = tree.networks[0];
    expect(net).to.include({ name: 'dev', chainId: String(chain.chainId) });
    expect(net.nodes[0]).to.include({ name: 'n1', reachability: 'reachable' });
    const h = Number(BigInt(await chain.request('eth_blockNumber') as string));
    expect(Math.abs(net.nodes[0].height - h)).to.be.at.most(1);
    expect(net.ledgers[0].height).to.be.a('number');
  });

  it('refuses a bad configuration with a message naming the field, exit code 2', async () => {
    const cfg = path.join(dir, 'bad.json');
    fs.writeFileSync(cfg, JSON.stringify({ networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 'often' }] }));
    const r = await run(['snapshot', '--config', cfg]);
    expect(r.code).to.equal(2);
    expect(r.err).to.contain('networks[0].pollInterval: "often" is not an integer');
  });

  it('prints its usage for an unknown command', () => {
    const r = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('usage:');
  });
});

describe('bcmgmt serve: start-up errors, restarts and the banner', function () {
  this.timeout(120_000);
  let dir = '';
  let running: CliProcess | undefined;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-serve-')); });
  afterEach(async () => { await running?.stop('SIGKILL'); running = undefined; });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  interface Ports { snmp: number; ssh: number; http: number }
  const freePorts = async (): Promise<Ports> => ({ snmp: await freeUdpPort(), ssh: await freePort(), http: await freePort() });
  /** A configuration file: one bitcoin node (not running: the bridge starts anyway), the listeners, two communities. */
  function writeConfig(name: string, ports: Ports, node: Record<string, unknown>, pollInterval = 7): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({
      networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval, nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9', ...node }] }],
      configuration: {
        snmpPort: ports.snmp, sshPort: ports.ssh, httpPort: ports.http,
        snmpCommunities: [{ name: 'ops', community: 'private', access: 'admin' }, { name: 'ro', community: 'public' }],
      },
    }));
    return file;
  }
  const oneLine = (stderr: string): string => {
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).to.have.length(1);
    expect(stderr).not.to.match(/^\s+at /m);
    return lines[0];
  };
  const get = async (port: number, objects: string[]): Promise<string[]> => {
    const r = await snmp('snmpget', `127.0.0.1:${port}`, ['-v2c', '-c', 'public', '-Oqv', '--', ...objects]);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.trim().split('\n');
  };

  it('a start that fails (an unset passwordEnv) does not seed the data dir: the corrected file is used next', async function () {
    requireTool(this, 'snmpget', 'snmp');
    const dataDir = path.join(dir, 'data-failed');
    const ports = await freePorts();
    const a = writeConfig('a.json', ports, { username: 'u', passwordEnv: 'BCMGMT_CLI_TEST_UNSET_VARIABLE' });
    const env = { BCMGMT_CLI_TEST_UNSET_VARIABLE: undefined };
    const r = await runCli(['serve', '--config', a, '--data-dir', dataDir], { cwd: dir, env });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(oneLine(r.stderr)).to.equal('bcmgmt: configuration error: networks[0].nodes[0].passwordEnv: environment variable BCMGMT_CLI_TEST_UNSET_VARIABLE is not set');
    const b = writeConfig('b.json', ports, { username: 'u', passwordEnv: 'BCMGMT_CLI_TEST_PASSWORD' }, 11);
    running = startCli(['serve', '--config', b, '--data-dir', dataDir], { cwd: dir, env: { BCMGMT_CLI_TEST_PASSWORD: 'pw' } });
    await running.waitForOutput(/^poll it:/m);
    expect(running.stdout).not.to.contain('not imported');
    expect(await get(ports.snmp, [`${MIB}::bcmNetPollInterval."ltc"`])).to.deep.equal(['11 seconds']);
  });

  for (const view of ['snmp', 'ssh', 'http'] as const) {
    it(`a busy ${view} port: one line naming the view, field and port, exit 2, no stack trace; nothing seeded`, async () => {
      const ports = await freePorts();
      const dataDir = path.join(dir, `data-busy-${view}`);
      const holder = view === 'snmp' ? dgram.createSocket('udp4') : net.createServer();
      await new Promise<void>((resolve) => (holder instanceof net.Server ? holder.listen(ports[view], '127.0.0.1', resolve) : holder.bind(ports[view], '127.0.0.1', resolve)));
      try {
        const r = await runCli(['serve', '--config', writeConfig(`busy-${view}.json`, ports, {}), '--data-dir', dataDir], { cwd: dir });
        expect(r.code, r.stdout + r.stderr).to.equal(2);
        const what = { snmp: 'snmpPort: snmp view cannot listen on UDP', ssh: 'sshPort: NETCONF over SSH cannot listen on TCP', http: 'httpPort: NETCONF over HTTP cannot listen on TCP' }[view];
        expect(oneLine(r.stderr)).to.equal(`bcmgmt: configuration error: configuration.${what} 127.0.0.1:${ports[view]}: the port is in use by another program`);
      } finally {
        await new Promise<void>((resolve) => holder.close(() => resolve()));
      }
      // the port is free again: the same file starts, seeded from the file (not "not imported")
      running = startCli(['serve', '--config', writeConfig(`busy-${view}.json`, ports, {}), '--data-dir', dataDir], { cwd: dir });
      await running.waitForOutput(/^poll it:/m);
      expect(running.stdout).not.to.contain('not imported');
    });
  }

  it('a YAML tag it does not know: one configuration error line, no YAMLWarning', async () => {
    const file = path.join(dir, 'tag.yaml');
    fs.writeFileSync(file, 'networks:\n  - name: a\n    platform: ethereum\n    pollInterval: !foo 5\n');
    const r = await runCli(['snapshot', '--config', file], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(oneLine(r.stderr)).to.equal(`bcmgmt: configuration error: ${file}: not valid YAML or JSON: Unresolved tag: !foo at line 4, column 19`);
  });

  it('a configuration file over 1 MiB is refused before it is read', async () => {
    const file = path.join(dir, 'huge.yaml');
    fs.writeFileSync(file, '# a comment\n');
    fs.truncateSync(file, 50 * 1024 * 1024); // 50 MB, sparse
    const r = await runCli(['serve', '--config', file, '--data-dir', path.join(dir, 'data-huge')], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(oneLine(r.stderr)).to.equal(`bcmgmt: configuration error: ${file}: larger than 1048576 octets (the limit of a configuration file)`);
    fs.writeFileSync(file, `# ${'x'.repeat(1024 * 1024)}\n`); // just over, not sparse
    const r2 = await runCli(['snapshot', '--config', file], { cwd: dir });
    expect(oneLine(r2.stderr)).to.contain('larger than 1048576 octets');
  });

  it('the banner\'s curl command works as printed; commit counters and times survive a restart', async function () {
    requireTool(this, 'curl', 'curl');
    requireTool(this, 'snmpset', 'snmp');
    const dataDir = path.join(dir, 'data-restart');
    const ports = await freePorts();
    const file = writeConfig('restart.json', ports, {});
    running = startCli(['serve', '--config', file, '--data-dir', dataDir], { cwd: dir });
    const out = await running.waitForOutput(/^poll it:(\n.*)*\n\s+curl .*\n/m);
    const line = out.split('\n').find((l) => l.trim().startsWith('curl '))!.trim();
    const password = fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
    const c = await run('sh', ['-c', line.replace('USER:PASSWORD', `admin:${password}`)]);
    expect(c.code, c.stderr).to.equal(0);
    expect(c.stdout).to.match(/^(<\?xml[^>]*>\s*)?<rpc-reply [^>]*message-id="1"/);
    expect(c.stdout).to.contain('<data');

    const set = await snmp('snmpset', `127.0.0.1:${ports.snmp}`, ['-v2c', '-c', 'private', '--', `${MIB}::bcmNetPollInterval."ltc"`, 'u', '9']);
    expect(set.code, set.stderr).to.equal(0);
    const objects = [`${MIB}::bcmCfgCommitCount.0`, `${MIB}::bcmCfgLastCommitTime.0`, `${MIB}::bcmCfgLastCommitUser.0`, `${MIB}::bcmSysLastConfigChange.0`];
    const before = await get(ports.snmp, objects);
    expect(before[0]).to.equal('2');
    expect(before[2]).to.equal('ops');
    expect((await running.stop()).code).to.equal(0);
    running = startCli(['serve', '--config', file, '--data-dir', dataDir], { cwd: dir });
    await running.waitForOutput(/^poll it:/m);
    expect(await get(ports.snmp, objects)).to.deep.equal(before);
  });
});
