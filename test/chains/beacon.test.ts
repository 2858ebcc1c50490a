/**
 * Ethereum proof of stake on a real chain: Lodestar 1.5.1 `lodestar dev` (test fixture, see
 * test/support/lodestar.ts) with 8 genesis validators: 0..3 run in the beacon node, 4..5 in a separate
 * validator client, 6 and 7 never start (their proposer slots stay empty), and a second beacon node without
 * validators as its peer. The bridge follows both beacon nodes through the Beacon Node API from before genesis, with validators 0, 4, 6, 7 configured by index and
 * 5 by public key. Checked through net-snmp's snmptable/snmpget and ncclient against the Beacon API's own
 * answers, the served <get> data with yanglint, and a restart of the bridge on the same data dir.
 * Skips outside CI when the fixture or a tool is missing; fails under CI=true.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigObject } from '../../src/config/document';
import type { Composed } from '../../src/compose';
import { startViewsBridge } from '../support/bridge';
import type { ViewsBridge } from '../support/bridge';
import { LodestarChain, beaconGet, requireLodestar } from '../support/lodestar';
import { ADMIN, BCM, copyServerModules, httpRequest, login, ncclient, rpc, usersConfig } from '../support/netconf';
import { MIB, parseSnmpTable, snmp } from '../support/snmp';
import { projectRoot, requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';

const NET = 'pos';
const S = 8; // SLOTS_PER_EPOCH of the minimal preset `lodestar dev` runs

interface ApiValidator { index: string; balance: string; status: string; validator: { pubkey: string; effective_balance: string } }

/** A number as snmptable/snmpget print it with the MIB's UNITS ("12 slots"). */
const count = (s: string | undefined): number => (s !== undefined && /^\d+( |$)/.test(s.trim()) ? parseInt(s.trim(), 10) : NaN);

describe('beacon: a real Lodestar proof-of-stake chain through snmptable, snmpget and ncclient', function () {
  this.timeout(300_000);
  let chain: LodestarChain | undefined;
  let tb: ViewsBridge | undefined;
  let views: Composed | undefined;
  let dataDir: string | undefined;
  let pubkey5 = '';
  let recorder: NodeJS.Timeout | undefined;
  /** Proposer duties recorded by the test during each epoch: slot → validator index. */
  const duties = new Map<number, number>();
  const dutyEpochs = new Set<number>();
  const configured = (): ConfigObject => ({
    configuration: usersConfig(),
    networks: [{ name: NET, platform: 'beacon', pollInterval: 2, consensus: { validators: ['0', '4', pubkey5, '6', '7'] }, nodes: [{ name: 'bn1', endpoint: chain!.url }, { name: 'bn2', endpoint: chain!.peerUrl }] }],
  });
  const target = (): string => `127.0.0.1:${views!.snmp.port}`;
  const start = async (): Promise<void> => {
    tb = await startViewsBridge(dataDir ? undefined : configured(), { dataDir });
    views = tb.views;
    dataDir = tb.dataDir;
  };

  before(async function () {
    requireTool(this, 'snmptable', 'snmp');
    requireLodestar(this);
    chain = await LodestarChain.start({ genesisValidators: 8, startValidators: '0..3', validatorClient: '4..5', peerNode: true });
    const record = async (): Promise<void> => {
      const epoch = Math.floor(chain!.clockSlot() / S);
      if (dutyEpochs.has(epoch)) return;
      const r = await chain!.get(`/eth/v1/validator/duties/proposer/${epoch}`);
      if (r.status !== 200) return;
      for (const d of (r.body as { data: { slot: string; validator_index: string }[] }).data) duties.set(Number(d.slot), Number(d.validator_index));
      dutyEpochs.add(epoch);
    };
    await record();
    recorder = setInterval(() => { void record().catch(() => undefined); }, 1000);
    const v = await chain.get('/eth/v1/beacon/states/head/validators?id=5');
    pubkey5 = (v.body as { data: ApiValidator[] }).data[0].validator.pubkey;
    await start();
  });

  after(async function () {
    this.timeout(30_000);
    if (recorder) clearInterval(recorder);
    await tb?.cleanup();
    await chain?.stop();
  });

  const rowKey = (id: string): string => `"${NET}"."${id}"`;

  it('lists the configured validators with status, balances and index equal to the Beacon API', async () => {
    await chain!.waitForSlot(4, 60_000);
    let seen = '';
    await until('validator rows equal to the Beacon API answers (read while the balances did not change)', async () => {
      const q = '/eth/v1/beacon/states/head/validators?id=0&id=4&id=5&id=6&id=7';
      const before = JSON.stringify((await chain!.get(q)).body);
      const t = await snmp('snmptable', target(), ['-v2c', '-c', 'public', '-t', '5', '-r', '1', '-Cb', '-Ci', '-Cf', '|', '--', `${MIB}::bcmValTable`]);
      const after = JSON.stringify((await chain!.get(q)).body);
      seen = t.stdout + t.stderr;
      if (t.code !== 0 || before !== after) return false;
      const rows = parseSnmpTable(t.stdout, 'bcmValTable').rows;
      const api = (JSON.parse(after) as { data: ApiValidator[] }).data;
      expect(api).to.have.length(5);
      for (const a of api) {
        const id = a.index === '5' ? pubkey5.slice(0, 50) : a.index;
        const r = rows.get(rowKey(id));
        if (!r) return false;
        const status = a.status.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
        if (r.Status !== status || count(r.Balance) !== Number(a.balance) || count(r.EffectiveBalance) !== Number(a.validator.effective_balance)) return false;
        expect(count(r.Index)).to.equal(Number(a.index));
        expect(r.Type).to.equal('validator');
        expect(r.Active).to.equal('true');
        expect(r.PublicKey.replace(/[\s"]/g, '').toLowerCase()).to.equal(a.validator.pubkey.slice(2));
      }
      expect(rows.size).to.equal(5);
      return true;
    }, 60_000, 1000).catch((e: Error) => { throw new Error(`${e.message}; last table: ${seen}`); });
  });

  /** The bridge's head slot and validator table, read while the bridge's head stayed the same. */
  async function stableRead(): Promise<{ head: number; rows: Map<string, Record<string, string>> }> {
    const headOf = async (): Promise<number> => {
      const r = await snmp('snmpget', target(), ['-v2c', '-c', 'public', '-Oqv', '--', `${MIB}::bcmNodeHeadSlot."${NET}"."bn1"`]);
      return count(r.stdout);
    };
    return until('a bridge head that did not move during a table read', async () => {
      const h1 = await headOf();
      const t = await snmp('snmptable', target(), ['-v2c', '-c', 'public', '-t', '5', '-r', '1', '-Cb', '-Ci', '-Cf', '|', '--', `${MIB}::bcmValTable`]);
      const h2 = await headOf();
      return t.code === 0 && h1 === h2 && Number.isFinite(h1) ? { head: h1, rows: parseSnmpTable(t.stdout, 'bcmValTable').rows } : false;
    }, 30_000, 300);
  }

  /**
   * Every configured validator's proposals made and missed equal the chain's blocks and the recorded duties:
   * made = blocks of slots 1..head it proposed; missed = its duties at slots below the head answering 404.
   */
  async function checkProposals(): Promise<{ head: number; missed: Map<number, number> }> {
    let last = '';
    const ours: [number, string][] = [[0, '0'], [4, '4'], [5, pubkey5.slice(0, 50)], [6, '6'], [7, '7']];
    return until('proposal counters equal to the duties and blocks', async () => {
      const { head, rows } = await stableRead();
      const made = new Map<number, number>();
      const missed = new Map<number, number>();
      for (let s = 1; s <= head; s++) {
        const r = await chain!.get(`/eth/v1/beacon/headers/${s}`);
        if (r.status === 200) {
          const p = Number((r.body as { data: { header: { message: { proposer_index: string } } } }).data.header.message.proposer_index);
          made.set(p, (made.get(p) ?? 0) + 1);
        } else {
          expect(r.status, `slot ${s}`).to.equal(404);
          if (s < head) {
            const d = duties.get(s);
            expect(d, `a duty recorded for slot ${s}`).to.not.equal(undefined);
            missed.set(d!, (missed.get(d!) ?? 0) + 1);
          }
        }
      }
      const got = ours.map(([v, id]) => [v, count(rows.get(rowKey(id))?.ProposedBlocks), count(rows.get(rowKey(id))?.MissedSlots)]);
      last = `head ${head}: bridge [index, made, missed] ${JSON.stringify(got)}; chain made ${JSON.stringify([...made])} missed ${JSON.stringify([...missed])}`;
      for (const [v, m, x] of got) if (m !== (made.get(v) ?? 0) || x !== (missed.get(v) ?? 0)) return false;
      expect(made.get(6) ?? 0, 'blocks of the unstarted 6').to.equal(0);
      expect(made.get(7) ?? 0, 'blocks of the unstarted 7').to.equal(0);
      return { head, missed };
    }, 60_000, 1000).catch((e: Error) => { throw new Error(`${e.message}; ${last}; duties recorded for epochs ${[...dutyEpochs].join(',')}`); });
  }

  it('counts the missed proposals of the unstarted validators 6 and 7 exactly against their duties (slots answering 404)', async () => {
    // Three epochs: with 8 slots an epoch, 6 and 7 have duties in most of them.
    await chain!.waitForSlot(3 * S + 2, 60_000);
    const r = await checkProposals();
    expect((r.missed.get(6) ?? 0) + (r.missed.get(7) ?? 0), 'some duty of 6 or 7 in three epochs').to.be.greaterThan(0);
    expect(r.missed.get(0) ?? 0, 'validator 0 runs').to.equal(0);
  });

  it('shows the consensus row (epochs, finality, active validators, proposer) equal to the Beacon API', async () => {
    let seen = '';
    await until('consensus row equal to finality_checkpoints and the proposer duties', async () => {
      const fin1 = JSON.stringify((await chain!.get('/eth/v1/beacon/states/head/finality_checkpoints')).body);
      const cols = ['Epoch', 'JustifiedEpoch', 'FinalizedEpoch', 'EpochsSinceFinality', 'ValidatorCount', 'CommittedHeight', 'Algorithm', 'Slot', 'Leader'];
      const g = await snmp('snmpget', target(), ['-v2c', '-c', 'public', '-Oqv', '--', ...cols.map((c) => `${MIB}::bcmCons${c}."${NET}"`)]);
      const fin2 = JSON.stringify((await chain!.get('/eth/v1/beacon/states/head/finality_checkpoints')).body);
      seen = g.stdout + g.stderr;
      if (g.code !== 0 || fin1 !== fin2) return false;
      const v = Object.fromEntries(g.stdout.trim().split('\n').map((l, i) => [cols[i], l.replace(/"/g, '').trim()]));
      const f = (JSON.parse(fin2) as { data: { current_justified: { epoch: string }; finalized: { epoch: string } } }).data;
      if (count(v.JustifiedEpoch) !== Number(f.current_justified.epoch) || count(v.FinalizedEpoch) !== Number(f.finalized.epoch)) return false;
      const slot = count(v.Slot);
      expect(count(v.Epoch)).to.equal(Math.floor(slot / S));
      expect(count(v.EpochsSinceFinality)).to.equal(count(v.Epoch) - Number(f.finalized.epoch));
      expect(count(v.CommittedHeight)).to.equal(Number(f.finalized.epoch) * S);
      expect(count(v.ValidatorCount)).to.equal(8);
      expect(v.Algorithm).to.equal('pos');
      expect(v.Leader).to.equal(String(duties.get(slot)));
      return true;
    }, 30_000, 1000).catch((e: Error) => { throw new Error(`${e.message}; last: ${seen}`); });
  });

  it('counts missed attestations of 6 and 7 per epoch, none for running ones; participation from the included attestations', async () => {
    let seen = '';
    await until('offline epochs of 6 and 7 equal their missed attestations, running ones live, participation 75 %', async () => {
      const { rows } = await stableRead();
      const g = await snmp('snmpget', target(), ['-v2c', '-c', 'public', '-Oqv', '--', `${MIB}::bcmConsParticipationRate."${NET}"`, `${MIB}::bcmConsActiveValidators."${NET}"`]);
      seen = `${JSON.stringify([...rows.values()].map((r) => [r.Index, r.MissedAttestations, r.OfflineEpochs]))} ${g.stdout}`;
      const [rate, active] = g.stdout.trim().split('\n').map(count);
      for (const id of ['6', '7']) {
        const r = rows.get(rowKey(id))!;
        if (!(count(r.MissedAttestations) >= 2) || count(r.OfflineEpochs) !== count(r.MissedAttestations)) return false;
      }
      for (const id of ['0', '4', pubkey5.slice(0, 50)]) expect(count(rows.get(rowKey(id))!.OfflineEpochs), `offline epochs of ${id}`).to.equal(0);
      // 6 of the 8 validators attest: 75 % (a missed inclusion of a running one would show less, never more).
      expect(rate, 'participation rate').to.be.at.most(75);
      expect(active, 'configured validators active and live').to.equal(3);
      return rate === 75;
    }, 60_000, 2000).catch((e: Error) => { throw new Error(`${e.message}; last: ${seen}`); });
  });

  it('shows each beacon node\'s sync state, version, health and peers (direction, state) equal to the node', async () => {
    for (const [node, url] of [['bn1', chain!.url], ['bn2', chain!.peerUrl]]) {
      const get = (p: string): Promise<{ status: number; body: unknown }> => beaconGet(url, p);
      const [ver, sync, peers, health] = await Promise.all([get('/eth/v1/node/version'), get('/eth/v1/node/syncing'), get('/eth/v1/node/peers'), get('/eth/v1/node/health')]);
      const cols = ['ClientVersion', 'Syncing', 'PeerCount', 'Health', 'Reachability', 'SyncDistance'];
      const g = await snmp('snmpget', target(), ['-v2c', '-c', 'public', '-Oqv', '--', ...cols.map((c) => `${MIB}::bcmNode${c}."${NET}"."${node}"`)]);
      expect(g.code, g.stderr).to.equal(0);
      const v = g.stdout.trim().split('\n').map((l) => l.replace(/"/g, '').trim());
      expect(v[0]).to.equal((ver.body as { data: { version: string } }).data.version);
      expect(v[1]).to.equal(String((sync.body as { data: { is_syncing: boolean } }).data.is_syncing));
      const list = (peers.body as { data: { peer_id: string; direction: string; state: string }[] }).data;
      expect(count(v[2]), `${node} connected peers`).to.equal(list.filter((p) => p.state === 'connected').length);
      expect(health.status).to.equal(200);
      expect(v[3]).to.equal('ready');
      expect(v[4]).to.equal('reachable');
      expect(count(v[5])).to.be.at.most(1);
      // The two nodes are each other's peer: bn2 dialled bn1.
      expect(list.map((p) => [p.direction, p.state])).to.deep.equal([[node === 'bn1' ? 'inbound' : 'outbound', 'connected']]);
      const t = await snmp('snmptable', target(), ['-v2c', '-c', 'public', '-Cb', '-Ci', '-Cf', '|', '--', `${MIB}::bcmPeerTable`]);
      expect(t.code, t.stderr).to.equal(0);
      const rows = [...parseSnmpTable(t.stdout, 'bcmPeerTable').rows].filter(([k]) => k.startsWith(`"${NET}"."${node}".`)).map(([, r]) => [r.PeerId, r.Direction, r.State]);
      expect(rows, `${node} peers`).to.deep.equal(list.map((p) => [p.peer_id, p.direction, p.state]));
    }
  });

  it('ncclient <get> shows the validators\' status and balance equal to the Beacon API; yanglint validates the served data', async function () {
    requireNcclient(this);
    requireTool(this, 'yanglint', 'libyang2-tools');
    requireTool(this, '/usr/share/yuma/modules/ietf/ietf-netconf-monitoring@2010-10-04.yang', 'libyuma-base');
    const filter = `<managed-system xmlns="${BCM}"><network><name>${NET}</name><consensus><validator/></consensus></network></managed-system>`;
    let seen = '';
    await until('<get> validators equal to the Beacon API (balances unchanged during the read)', async () => {
      const q = '/eth/v1/beacon/states/head/validators?id=0&id=4&id=5&id=6&id=7';
      const before = JSON.stringify((await chain!.get(q)).body);
      const rs = await ncclient(views!.netconf.sshPort, [login(ADMIN), { op: 'get', filter: ['subtree', filter] }]);
      const after = JSON.stringify((await chain!.get(q)).body);
      const xml = rs[1].xml ?? '';
      seen = xml.slice(0, 3000);
      if (!rs[1].ok || before !== after) return false;
      const api = (JSON.parse(after) as { data: ApiValidator[] }).data;
      const blocks = [...xml.matchAll(/<validator>([\s\S]*?)<\/validator>/g)].map((m) => m[1]);
      expect(blocks).to.have.length(5);
      for (const a of api) {
        const id = a.index === '5' ? pubkey5.slice(0, 50) : a.index;
        const b = blocks.find((x) => x.includes(`<id>${id}</id>`));
        if (!b) return false;
        if (!b.includes(`<status>${a.status.replace(/_/g, '-')}</status>`) || !b.includes(`<balance>${a.balance}</balance>`)) return false;
      }
      return true;
    }, 60_000, 1000).catch((e: Error) => { throw new Error(`${e.message}; last: ${seen}`); });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-beacon-yang-'));
    try {
      const modules = copyServerModules(tmp);
      const r = await httpRequest(views!.netconf.httpPort, { user: ADMIN, body: rpc(1, '<get/>') });
      expect(r.status).to.equal(200);
      const data = r.body.slice(r.body.indexOf('<data>') + 6, r.body.lastIndexOf('</data>'));
      for (const want of ['<validator>', '<participation-rate>', '<finalized-epoch>', '<head-slot>', '<public-key>']) expect(data, want).to.include(want);
      fs.writeFileSync(path.join(tmp, 'get.xml'), data);
      const yangDir = path.join(projectRoot, 'yang');
      const ours = path.join(yangDir, fs.readdirSync(yangDir).find((f) => f.startsWith('blockchain-mgmt@'))!);
      const v = spawnSync('yanglint', ['-p', yangDir, '-p', tmp, '-F', 'ietf-alarms:operator-actions,alarm-history', '-F', 'ietf-alarms-x733:', '-y', '-t', 'get',
        ours, path.join(yangDir, 'ietf-alarms-x733@2019-09-11.yang'), ...modules, path.join(tmp, 'get.xml')], { encoding: 'utf8', cwd: tmp });
      expect(`${v.stdout}${v.stderr}`, 'yanglint output').to.equal('');
      expect(v.status).to.equal(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('NETCONF edit-config adds a configured validator at runtime: its row appears, the counters of the others go on', async function () {
    requireNcclient(this);
    const cfg = `<config><managed-system xmlns="${BCM}"><network><name>${NET}</name><consensus><validators>1</validators></consensus></network></managed-system></config>`;
    const rs = await ncclient(views!.netconf.sshPort, [login(ADMIN), { op: 'edit_config', config: cfg }]);
    expect(rs[1].ok, JSON.stringify(rs[1])).to.equal(true);
    const row = await until('the row of validator 1', async () => {
      const { rows } = await stableRead();
      return rows.size === 6 && rows.get(rowKey('1'))?.Status === 'activeOngoing' ? rows.get(rowKey('1')) : false;
    }, 30_000, 1000);
    const api = (await chain!.get('/eth/v1/beacon/states/head/validators?id=1')).body as { data: ApiValidator[] };
    expect(count(row.EffectiveBalance)).to.equal(Number(api.data[0].validator.effective_balance));
    // Proposals of 1 are counted from the change on; the others' counters went on exactly (no recount, no loss).
    await checkProposals();
  });

  it('a restart of the bridge on the same data dir counts no missed slot twice', async () => {
    const before = await checkProposals();
    await tb!.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await start();
    // Wait for the chain to go on by more than an epoch after the restart, then count again exactly.
    await chain!.waitForSlot(before.head + S + 2, 60_000);
    const after = await checkProposals();
    expect(after.head).to.be.greaterThan(before.head);
    expect(after.missed.get(6) ?? 0).to.be.at.least(before.missed.get(6) ?? 0);
  });

  it('follows the node\'s event stream; a killed validator client\'s validators go offline and come back live when it restarts', async () => {
    const poller = tb!.bridge.collector.networks.get(NET)!.pollers.get('bn1')!;
    expect(poller.heads, 'head events received over /eth/v1/events').to.be.greaterThan(0);
    const offline = async (id: string): Promise<{ offline: number; missed: number }> => {
      const { rows } = await stableRead();
      return { offline: count(rows.get(rowKey(id))?.OfflineEpochs), missed: count(rows.get(rowKey(id))?.MissedAttestations) };
    };
    const before = await offline('4');
    expect(before.offline).to.equal(0);
    await chain!.killValidatorClient();
    const down = await until('validator 4 offline for an epoch', async () => { const o = await offline('4'); return o.offline >= 1 ? o : false; }, 90_000, 2000);
    expect(down.missed).to.equal(before.missed + down.offline);
    await chain!.startValidatorClient();
    const up = await until('validator 4 live again', async () => { const o = await offline('4'); return o.offline === 0 ? o : false; }, 120_000, 2000)
      .catch((e: Error) => { throw new Error(`${e.message}; validator client log: ${chain!.log('vc')}`); });
    expect(up.missed).to.be.at.least(down.missed);
    // Missed proposals of 4 and 5 while their client was down are counted exactly too.
    await checkProposals();
  });
});
