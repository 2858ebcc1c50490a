/**
 * Sharding (docs/scaling.md): several bridges share one configuration file, each `bcmgmt serve --shard K/N`
 * managing the networks the selector gives it. The selector's properties are checked on the function (every
 * network in exactly one shard, whatever the order of the file; cross-chain groups together; adding a shard
 * moves networks only to it); then two real bridge processes on one machine split four networks (four Hardhat
 * dev chains, distinct chain ids) of ONE file: each network is a row of exactly one bridge's bcmNetTable
 * (Net-SNMP snmpwalk) and of exactly one bridge's NETCONF <get> (ncclient over SSH), with its own chain's
 * chain id, the union is all four, and its RESTCONF resource (curl) is on its bridge only. A network of the
 * other shard is refused over NETCONF; a restart of a data dir with another selector and a bad selector end
 * with exit status 2 and one line; going from two bridges to one (--shard 1/1 --import) gives one bridge all.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import type { ConfigObject } from '../../src/config/document';
import { parseShardSelector, selectShard, shardAssignment, shardGroups } from '../../src/config/shard';
import { freePort } from '../support/litecoind';
import { ADMIN, BCM, ncclient } from '../support/netconf';
import { runCli, startCli } from '../support/serve';
import type { CliProcess } from '../support/serve';
import { freeUdpPort, run, snmp } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';

const nets = (names: readonly string[]): ConfigObject => ({ networks: names.map((name) => ({ name })) });
const NAMES = Array.from({ length: 60 }, (_, i) => `net-${i.toString(36)}-${(i * 7919) % 997}`);

describe('shard selector (--shard K/N)', () => {
  it('puts every network in exactly one shard, whatever the order of the file', () => {
    for (let n = 1; n <= 8; n++) {
      const a = shardAssignment(nets(NAMES), n);
      const b = shardAssignment(nets([...NAMES].reverse()), n);
      const parts = Array.from({ length: n }, (_, k) => selectShard(nets(NAMES), { index: k + 1, count: n }).networks as ConfigObject[]);
      const all = parts.flat().map((x) => String(x.name));
      expect(all.length, `N=${n}: no network twice`).to.equal(NAMES.length);
      expect(new Set(all), `N=${n}: every network once`).to.deep.equal(new Set(NAMES));
      for (const name of NAMES) {
        expect(b.get(name), `${name} N=${n}`).to.equal(a.get(name));
        expect(a.get(name)).to.be.within(1, n);
      }
    }
  });

  it('moves networks only to the new shard when one is added, and spreads them', () => {
    for (let n = 1; n < 8; n++) {
      const before = shardAssignment(nets(NAMES), n);
      const after = shardAssignment(nets(NAMES), n + 1);
      const moved = NAMES.filter((x) => before.get(x) !== after.get(x));
      for (const x of moved) expect(after.get(x), `${x} moved from ${before.get(x)}/${n}`).to.equal(n + 1);
    }
    const counts = [1, 2, 3, 4].map((k) => NAMES.filter((x) => shardAssignment(nets(NAMES), 4).get(x) === k).length);
    for (const c of counts) expect(c, `60 networks over 4 shards: ${counts.join(', ')}`).to.be.within(5, 30);
  });

  it('keeps networks joined by cross-chain channels in one shard', () => {
    const channel = (counterparty: string): ConfigObject => ({ name: `to-${counterparty}`, counterparty });
    const doc: ConfigObject = { networks: [
      ...NAMES.slice(0, 20).map((name, i) => ({ name, ...(i % 3 === 0 ? { crossChainChannels: [channel(NAMES[(i + 7) % 20])] } : {}) })),
    ] };
    const groups = shardGroups(doc);
    expect(groups.get(NAMES[0])).to.equal(groups.get(NAMES[7]));
    for (let n = 2; n <= 6; n++) {
      const a = shardAssignment(doc, n);
      NAMES.slice(0, 20).forEach((name, i) => {
        if (i % 3 === 0) expect(a.get(name), `${name} and its counterparty, N=${n}`).to.equal(a.get(NAMES[(i + 7) % 20]));
      });
    }
  });

  it('is a fixed function of the names (an upgrade must not move networks between bridges)', () => {
    const names = ['amber', 'birch', 'cedar', 'dune', 'mainnet', 'ltc', 'btc', 'sepolia'];
    const pinned: Record<number, number[]> = { 2: [2, 2, 1, 1, 1, 1, 1, 1], 3: [2, 3, 1, 1, 1, 1, 3, 1], 5: [2, 3, 4, 5, 4, 1, 4, 5] };
    for (const [n, shards] of Object.entries(pinned)) {
      const a = shardAssignment(nets(names), Number(n));
      expect(names.map((x) => a.get(x)), `N=${n}`).to.deep.equal(shards);
    }
  });

  it('parses K/N and refuses anything else, naming the option', () => {
    expect(parseShardSelector('2/3')).to.deep.equal({ index: 2, count: 3 });
    expect(parseShardSelector('1/1')).to.deep.equal({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '2', 'a/b', '1/257', '', '-1/2', '1/2/3']) {
      expect(() => parseShardSelector(bad), bad).to.throw(/^--shard: .* is not K\/N with 1 <= K <= N <= 256/);
    }
  });
});

describe('two bridges on one machine split the networks of one configuration file', function () {
  this.timeout(240_000);
  // cedar and dune go to shard 1 of 2, amber and birch to shard 2 (the selector is a pure function of the names)
  const NETWORKS = ['amber', 'birch', 'cedar', 'dune'];
  const chains = new Map<string, DevChain>();
  const bridges: (CliProcess | undefined)[] = [];
  const ports: { snmp: number; ssh: number; http: number }[] = [];
  let dir = '';
  let file = '';

  const portArgs = (k: number): string[] => ['--set', `configuration.snmpPort=${ports[k].snmp}`, '--set', `configuration.sshPort=${ports[k].ssh}`,
    '--set', `configuration.httpPort=${ports[k].http}`];
  const serveArgs = (k: number, shard: string): string[] => ['serve', '--config', file, '--shard', shard, '--data-dir', path.join(dir, `data-${k + 1}`), ...portArgs(k)];

  /** Network name -> chain id, as one bridge's snmpwalk of bcmNetChainId shows them. */
  const snmpRows = async (k: number): Promise<Map<string, string>> => {
    const r = await snmp('snmpwalk', `127.0.0.1:${ports[k].snmp}`, ['-v2c', '-c', 'public', '-OQs', '--', 'bcmNetChainId']);
    expect(r.code, r.stderr).to.equal(0);
    const rows = new Map<string, string>();
    for (const m of r.stdout.matchAll(/^bcmNetChainId\."([^"]+)" = "?([^"\n]*)"?$/gm)) rows.set(m[1], m[2].trim());
    return rows;
  };

  /** Network names of one bridge's NETCONF <get> (ncclient over SSH, subtree filter on the network list). */
  const netconfRows = async (k: number): Promise<Map<string, string>> => {
    const filter = `<managed-system xmlns="${BCM}"><network><name/><chain-id/></network></managed-system>`;
    const [, got] = await ncclient(ports[k].ssh, [{ op: 'connect', session: 'a', user: ADMIN.name, password: ADMIN.password },
      { op: 'get', filter: ['subtree', filter] }, { op: 'close' }]);
    expect(got.ok, JSON.stringify(got.error ?? got.exception)).to.equal(true);
    const rows = new Map<string, string>();
    for (const m of (got.xml ?? '').matchAll(/<network>([\s\S]*?)<\/network>/g)) {
      const name = /<name>([^<]*)<\/name>/.exec(m[1])?.[1];
      const chainId = /<chain-id>([^<]*)<\/chain-id>/.exec(m[1])?.[1];
      expect(name, m[0]).to.be.a('string');
      expect(rows.has(name!), `${name} twice in one <get>`).to.equal(false);
      rows.set(name!, chainId ?? '');
    }
    return rows;
  };

  /**
   * Bridge k as shard k+1 of 2 on free ports. The ports are free when chosen, but other programs on this
   * machine may take one before the bridge binds it: then (exit 2, "cannot listen") again with new ports.
   */
  const startShard = async (k: number): Promise<CliProcess> => {
    for (let attempt = 1; ; attempt++) {
      ports[k] = { snmp: await freeUdpPort(), ssh: await freePort(), http: await freePort() };
      const b = startCli(serveArgs(k, `${k + 1}/2`), { cwd: dir });
      try {
        await b.waitForOutput(/^poll it:/m);
        return b;
      } catch (e) {
        await b.stop('SIGKILL');
        if (attempt === 3 || !/cannot listen/.test(b.stderr)) throw e;
        fs.rmSync(path.join(dir, `data-${k + 1}`), { recursive: true, force: true });
      }
    }
  };

  before(async function () {
    requireTool(this, 'snmpwalk', 'snmp');
    requireTool(this, 'curl', 'curl');
    requireNcclient(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-shard-'));
    for (const [i, name] of NETWORKS.entries()) chains.set(name, await startDevChain({ chainId: 1337 + i, blockIntervalMs: 1000, workload: false }));
    const config = {
      networks: NETWORKS.map((name) => ({ name, platform: 'ethereum', pollInterval: 1, nodes: [{ name: `${name}-1`, endpoint: chains.get(name)!.url }] })),
      configuration: { managementUsers: [{ name: ADMIN.name, password: ADMIN.password, role: 'admin' }] },
    };
    file = path.join(dir, 'bcmgmt.json');
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    for (let k = 0; k < 2; k++) bridges.push(await startShard(k));
  });

  after(async () => {
    for (const b of bridges) await b?.stop('SIGKILL');
    for (const c of chains.values()) await c.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says which shard it is and how many networks it collects; each bridge has its own SNMP engine ID', async () => {
    expect(bridges[0]!.stdout).to.match(/shard 1\/2, collecting 2 network\(s\)/);
    expect(bridges[1]!.stdout).to.match(/shard 2\/2, collecting 2 network\(s\)/);
    const ids = await Promise.all([0, 1].map(async (k) => {
      const r = await snmp('snmpget', `127.0.0.1:${ports[k].snmp}`, ['-v2c', '-c', 'public', '-Oqv', '--', '1.3.6.1.6.3.10.2.1.1.0']);
      expect(r.code, r.stderr).to.equal(0);
      return r.stdout.trim();
    }));
    expect(ids[0]).to.match(/^"?80 00 00 00 05/);
    expect(ids[0]).to.not.equal(ids[1]);
  });

  it('each network is a row of exactly one bridge\'s snmpwalk of bcmNetTable, with its own chain id', async () => {
    const views = await until('every network row with a chain id', async () => {
      const v = [await snmpRows(0), await snmpRows(1)];
      return v.every((m) => m.size === 2 && [...m.values()].every((c) => c !== '')) ? v : undefined;
    }, 60_000, 500);
    const expected = shardAssignment(JSON.parse(fs.readFileSync(file, 'utf8')) as ConfigObject, 2);
    const seen = new Map<string, number>();
    views.forEach((rows, k) => {
      for (const [name, chainId] of rows) {
        expect(seen.has(name), `${name} served by bridge ${seen.get(name)} and bridge ${k + 1}`).to.equal(false);
        seen.set(name, k + 1);
        expect(expected.get(name), name).to.equal(k + 1);
        expect(chainId, `${name}'s chain id`).to.equal(String(chains.get(name)!.chainId));
      }
    });
    expect([...seen.keys()].sort()).to.deep.equal([...NETWORKS].sort());
  });

  it('each network is in exactly one bridge\'s NETCONF <get> (ncclient), the union is all of them', async () => {
    const views = await until('every network with a chain id over NETCONF', async () => {
      const v = [await netconfRows(0), await netconfRows(1)];
      return v.every((m) => m.size === 2 && [...m.values()].every((c) => c !== '')) ? v : undefined;
    }, 60_000, 1000);
    const all = views.flatMap((m) => [...m.keys()]);
    expect(all.length, all.join(', ')).to.equal(NETWORKS.length);
    expect(new Set(all)).to.deep.equal(new Set(NETWORKS));
    const snmpViews = [await snmpRows(0), await snmpRows(1)];
    views.forEach((rows, k) => {
      expect([...rows.keys()].sort(), `bridge ${k + 1}: NETCONF and SNMP show the same networks`).to.deep.equal([...snmpViews[k].keys()].sort());
      for (const [name, chainId] of rows) expect(chainId).to.equal(String(chains.get(name)!.chainId));
    });
  });

  it('a network\'s RESTCONF resource (curl) is found on its own bridge and is 404 on the other', async () => {
    for (const name of NETWORKS) {
      const codes = await Promise.all([0, 1].map(async (k) => {
        const url = `http://127.0.0.1:${ports[k].http}/restconf/data/blockchain-mgmt:managed-system/network=${name}/chain-id`;
        const r = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-u', `${ADMIN.name}:${ADMIN.password}`, '-H', 'Accept: application/yang-data+json', url]);
        return r.stdout.trim();
      }));
      const owner = shardAssignment(JSON.parse(fs.readFileSync(file, 'utf8')) as ConfigObject, 2).get(name)!;
      expect(codes, name).to.deep.equal(owner === 1 ? ['200', '404'] : ['404', '200']);
    }
  });

  it('refuses over NETCONF a network of the other shard, and serves nothing twice', async () => {
    const other = `<config><managed-system xmlns="${BCM}"><network><name>amber</name><platform>ethereum</platform>
      <node><name>amber-1</name><endpoint>${chains.get('amber')!.url}</endpoint></node></network></managed-system></config>`;
    const [, edit] = await ncclient(ports[0].ssh, [{ op: 'connect', session: 'a', user: ADMIN.name, password: ADMIN.password },
      { op: 'edit_config', config: other }, { op: 'close' }]);
    expect(edit.ok).to.equal(false);
    expect(edit.error?.message ?? '', JSON.stringify(edit.error)).to.match(/"amber" belongs to shard 2\/2, not to this bridge, shard 1\/2/);
    expect([...(await snmpRows(0)).keys()].sort()).to.deep.equal(['cedar', 'dune']);
    expect([...(await snmpRows(1)).keys()].sort()).to.deep.equal(['amber', 'birch']);
  });

  it('a restart of a data dir with another selector is refused with exit 2 and one line, unless --import', async () => {
    await bridges[0]!.stop();
    const r = await runCli(serveArgs(0, '2/2'), { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^bcmgmt: configuration error: networks\[0\]\.name: "cedar" belongs to shard 1\/2, not to this bridge, shard 2\/2; .*--import re-seeds it from the file\)\n$/);
    // the same selector again (or none: the data dir remembers it) serves the same networks
    bridges[0] = startCli(['serve', '--config', file, '--data-dir', path.join(dir, 'data-1'), ...portArgs(0)], { cwd: dir });
    await bridges[0].waitForOutput(/^poll it:/m);
    expect(bridges[0].stdout).to.match(/shard 1\/2, collecting 2 network\(s\)/);
    expect(bridges[0].stdout).to.match(/^--set values not applied: .*--import applies both/m);
    const rows = await until('the restarted bridge\'s rows', async () => { const m = await snmpRows(0); return m.size ? m : undefined; }, 30_000, 500);
    expect([...rows.keys()].sort()).to.deep.equal(['cedar', 'dune']);
  });

  it('a bad selector (option or data dir file) ends the command with exit status 2 and one line', async () => {
    for (const bad of ['3/2', '0/2', 'two', '1/0']) {
      const r = await runCli(['serve', '--config', file, '--shard', bad, '--data-dir', path.join(dir, 'bad')], { cwd: dir });
      expect(r.code, bad).to.equal(2);
      expect(r.stderr, bad).to.match(/^bcmgmt: configuration error: --shard: "[^"]*" is not K\/N with 1 <= K <= N <= 256 \(this bridge is shard K of N, e\.g\. --shard 2\/3\)\n$/);
    }
    const missing = await runCli(['serve', '--config', file, '--shard'], { cwd: dir });
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^bcmgmt: configuration error: --shard: "" is not K\/N/);
    const damaged = path.join(dir, 'damaged');
    fs.mkdirSync(damaged);
    fs.writeFileSync(path.join(damaged, 'shard'), 'half\n');
    const kept = await runCli(['serve', '--config', file, '--data-dir', damaged], { cwd: dir });
    expect(kept.code).to.equal(2);
    expect(kept.stderr).to.match(/^bcmgmt: configuration error: .*damaged\/shard: "half" is not K\/N with 1 <= K <= N <= 256 .*\n$/);
    const set = await runCli(['serve', '--config', file, '--set', 'configuration.snmpCommunities=x', '--data-dir', path.join(dir, 'bad')], { cwd: dir });
    expect(set.code).to.equal(2);
    expect(set.stderr).to.match(/^bcmgmt: configuration error: --set: configuration\.snmpCommunities cannot be set on the command line/);
  });

  it('bcmgmt shards --count N prints the split the bridges make; snapshot --shard polls only its shard', async () => {
    const r = await runCli(['shards', '--config', file, '--count', '2'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('shard 1/2: 2 network(s), 2 node(s): cedar, dune\nshard 2/2: 2 network(s), 2 node(s): amber, birch\n');
    const snap = await runCli(['snapshot', '--config', file, '--shard', '2/2'], { cwd: dir });
    expect(snap.code, snap.stderr).to.equal(0);
    const tree = JSON.parse(snap.stdout) as { networks: { name: string; chainId?: string }[] };
    expect(tree.networks.map((n) => n.name).sort()).to.deep.equal(['amber', 'birch']);
    for (const n of tree.networks) expect(n.chainId, n.name).to.equal(String(chains.get(n.name)!.chainId));
  });

  it('from two bridges to one: the second stops, the first re-seeded with --shard 1/1 --import serves every network', async () => {
    await bridges[1]!.stop();
    await bridges[0]!.stop();
    bridges[0] = startCli([...serveArgs(0, '1/1'), '--import'], { cwd: dir });
    await bridges[0].waitForOutput(/^poll it:/m);
    expect(bridges[0].stdout).to.match(/shard 1\/1, collecting 4 network\(s\)/);
    const rows = await until('all four rows', async () => { const m = await snmpRows(0); return m.size === 4 && [...m.values()].every((c) => c !== '') ? m : undefined; }, 30_000, 500);
    for (const [name, chainId] of rows) expect(chainId, name).to.equal(String(chains.get(name)!.chainId));
    expect(fs.readFileSync(path.join(dir, 'data-1', 'shard'), 'utf8')).to.equal('1/1\n');
  });
});
