/**
 * Proof-of-work producers on a real litecoind regtest network of 3 nodes: blocks mined on two nodes to
 * different addresses show up in bcmValTable (snmptable) and the consensus row (snmpget) with exactly the
 * counts, last heights and times the chain itself gives for the blocks of the window (each block's
 * coinbase read with getblock HASH 2, not the bridge's own way), through NETCONF <get> too; the window
 * slides at windowSize; a block removed by a reorganisation no longer counts for its producer.
 */
import { expect } from 'chai';
import type { Bridge } from '../../src/bridge';
import { createSnmpView } from '../../src/snmp';
import type { Instance } from '../../src/state/tree';
import type { SnmpView } from '../../src/snmp';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { ADMIN, BCM, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { MIB, dateAndTime, parseSnmpTable, snmp } from '../support/snmp';
import { requireTool } from '../support/tools';
import { until } from '../support/wait';

const WINDOW = 20;
const PASSWORD_ENV = 'BCM_TEST_POW_PRODUCERS_PASSWORD';
const CONS = [{ cls: 'network', keys: ['ltc'] }, { cls: 'consensus' }];

interface Produced { count: number; lastHeight: number; lastTime: number }
interface Expected { readonly head: string; readonly leader: string; readonly producers: Map<string, Produced> }

describe('proof-of-work producers on a three-node litecoind regtest network', function () {
  this.timeout(180000);
  let ltc: LitecoinNetwork;
  let nb: NetconfBridge;
  let snmpView: SnmpView;
  let startHeight = 0;

  before(async function () {
    requireLitecoind(this);
    requireTool(this, 'snmptable', 'snmp');
    // -debug=rpc: debug.log names each RPC method called, to count the producer look-ups.
    ltc = await LitecoinNetwork.start({ nodes: 3, extraArgs: ['-debug=rpc'] });
    await ltc.mine(0, 101);
    await ltc.waitForSameTip();
    startHeight = await ltc.rpc<number>(0, 'getblockcount');
    nb = await startNetconfBridge({
      networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1, consensus: { windowSize: WINDOW },
        nodes: ltc.bridgeNodes(PASSWORD_ENV) }],
    }, { setup: (b: Bridge) => { snmpView = createSnmpView(b, { port: 0, address: '127.0.0.1' }); b.addView(snmpView); } });
    await until('the bridge follows the chain', () => Number(nb.bridge.tree.find(CONS)?.get('windowBlocks') ?? 0) === 1);
  });
  after(async () => { await nb?.cleanup(); await ltc?.stopAll(); });

  /** Who the coinbase of the block pays, from the chain (decoded block): the first output's address. */
  async function chainProducer(hash: string): Promise<{ producer: string; height: number; time: number }> {
    const b = await ltc.rpc<{ height: number; time: number; tx: { vout: { scriptPubKey: { address?: string; addresses?: string[] } }[] }[] }>(0, 'getblock', [hash, 2]);
    const spk = b.tx[0].vout[0].scriptPubKey;
    const producer = spk.address ?? spk.addresses?.[0];
    if (!producer) throw new Error(`block ${hash}: coinbase output 0 has no address`);
    return { producer, height: b.height, time: b.time * 1000 };
  }

  /** The producers of the blocks first..head of the best chain (of node 0), from the chain itself. */
  async function expected(first: number): Promise<Expected> {
    const headHeight = await ltc.rpc<number>(0, 'getblockcount');
    const producers = new Map<string, Produced>();
    let leader = '';
    for (let h = first; h <= headHeight; h++) {
      const p = await chainProducer(await ltc.rpc<string>(0, 'getblockhash', [h]));
      const s = producers.get(p.producer) ?? { count: 0, lastHeight: 0, lastTime: 0 };
      s.count++; s.lastHeight = p.height; s.lastTime = p.time;
      producers.set(p.producer, s);
      leader = p.producer;
    }
    return { head: await ltc.rpc<string>(0, 'getblockhash', [headHeight]), leader, producers };
  }

  /** getrawtransaction calls all nodes received (only the bridge's producer look-ups make them). */
  const producerLookups = (): number => [0, 1, 2].reduce((n, i) => n + (ltc.logTail(i, 1_000_000).match(/method=getrawtransaction /g)?.length ?? 0), 0);

  const agent = (): string => `127.0.0.1:${snmpView.port}`;

  /** bcmValTable rows of network ltc, by validator id, through snmptable (-Cb: columns without the bcmVal prefix). */
  async function valTable(): Promise<Map<string, Record<string, string>>> {
    const r = await snmp('snmptable', agent(), ['-v2c', '-c', 'public', '-Cb', '-Ci', '-Cf', '|', '-Cl', '--', `${MIB}::bcmValTable`]);
    expect(r.code, r.stderr).to.equal(0);
    const rows = new Map<string, Record<string, string>>();
    for (const [index, row] of parseSnmpTable(r.stdout, 'bcmValTable').rows) {
      const m = /^"ltc"\."(.*)"$/.exec(index);
      if (m) rows.set(m[1], row);
    }
    return rows;
  }

  /** Leader, ValidatorCount, ActiveValidators, WindowBlocks of network ltc, through snmpget. */
  async function consRow(): Promise<string[]> {
    const r = await snmp('snmpget', agent(), ['-v2c', '-c', 'public', '-Oqv', '--',
      ...['bcmConsLeader', 'bcmConsValidatorCount', 'bcmConsActiveValidators', 'bcmConsWindowBlocks'].map((c) => `${MIB}::${c}."ltc"`)]);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout.trim().split('\n').map((v) => v.replace(/^"|"$/g, '').replace(/ blocks$/, ''));
  }

  /** Waits until the bridge has followed the chain to its head; then both SNMP views equal the chain's window. */
  async function checkAgainstChain(): Promise<Expected> {
    const tip = await ltc.waitForSameTip();
    const headHeight = await ltc.rpc<number>(0, 'getblockcount');
    // The window: the last windowSize blocks the bridge followed since it started (at startHeight).
    const size = Math.min(WINDOW, headHeight - startHeight + 1);
    const want = await expected(headHeight - size + 1);
    expect(want.head).to.equal(tip);
    const counts = (): string => JSON.stringify(nb.bridge.tree.find(CONS)?.list('validator').map((v) => [v.keys[0], v.get('proposedBlocks')]).sort());
    const wantCounts = JSON.stringify([...want.producers].map(([id, p]) => [id, p.count]).sort());
    await until('the bridge\'s window at the tip', () => Number(nb.bridge.tree.find(CONS)?.get('windowBlocks')) === size
      && nb.bridge.tree.find(CONS)?.get('leader') === want.leader && counts() === wantCounts);
    const [leader, count, active, windowBlocks] = await consRow();
    expect(Number(windowBlocks), 'bcmConsWindowBlocks').to.equal(size);
    expect(leader, 'bcmConsLeader').to.equal(want.leader);
    expect(Number(count), 'bcmConsValidatorCount').to.equal(want.producers.size);
    expect(Number(active), 'bcmConsActiveValidators').to.equal(want.producers.size);
    const rows = await valTable();
    expect([...rows.keys()].sort(), 'bcmValTable ids').to.deep.equal([...want.producers.keys()].sort());
    for (const [id, p] of want.producers) {
      const r = rows.get(id)!;
      expect(r.Type, id).to.equal('miner');
      expect(r.ProposedBlocks, `${id} proposedBlocks`).to.equal(`${p.count} blocks`);
      expect(r.LastProposedHeight, `${id} lastProposedHeight`).to.equal(`${p.lastHeight} blocks`);
      expect(dateAndTime(r.LastProposedTime), `${id} lastProposedTime`).to.equal(p.lastTime);
      expect(r.Active, `${id} active`).to.equal('true');
    }
    return want;
  }

  it('counts 5 blocks mined to A on n0 and 3 to B on n1 exactly, in snmptable, snmpget and NETCONF <get>', async () => {
    const a = ltc.address(0);
    const b = ltc.address(1);
    const lookupsBefore = producerLookups();
    await ltc.mine(0, 5);
    await ltc.waitForSameTip();
    await ltc.mine(1, 3);
    const want = await checkAgainstChain();
    // The harness's block at startHeight paid A too: 6 for A (1 + 5), 3 for B, B leads.
    expect(want.producers.get(a)?.count).to.equal(6);
    expect(want.producers.get(b)?.count).to.equal(3);
    expect(want.leader).to.equal(b);
    // Each new block's coinbase read once for the network, not once per node (3 nodes poll the same chain).
    expect(producerLookups() - lookupsBefore, 'getrawtransaction calls for 8 new blocks').to.equal(8);

    const filter = `<filter type="subtree"><managed-system xmlns="${BCM}"><network><name>ltc</name><consensus/></network></managed-system></filter>`;
    const r = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(1, `<get>${filter}</get>`) });
    expect(r.status, r.body).to.equal(200);
    const leader = /<consensus>[\s\S]*?<leader>([^<]*)<\/leader>/.exec(r.body)?.[1];
    expect(leader, r.body).to.equal(b);
    const validators = [...r.body.matchAll(/<validator>([\s\S]*?)<\/validator>/g)].map((m) => ({
      id: /<id>([^<]*)<\/id>/.exec(m[1])?.[1], proposed: Number(/<proposed-blocks>(\d+)<\/proposed-blocks>/.exec(m[1])?.[1]),
      last: Number(/<last-proposed-height>(\d+)<\/last-proposed-height>/.exec(m[1])?.[1]),
    }));
    expect(validators.map((v) => v.id).sort()).to.deep.equal([a, b].sort());
    for (const v of validators) {
      const p = want.producers.get(v.id!)!;
      expect(v.proposed, `${v.id} proposed-blocks`).to.equal(p.count);
      expect(v.last, `${v.id} last-proposed-height`).to.equal(p.lastHeight);
    }
  });

  it('slides the window at windowSize: older blocks stop counting', async () => {
    await ltc.mine(1, 15);
    const want = await checkAgainstChain();
    expect(Number(nb.bridge.tree.find(CONS)?.get('windowBlocks'))).to.equal(WINDOW);
    // 20 blocks: the last 2 of the 5 mined to A, 3 + 15 to B.
    expect(want.producers.get(ltc.address(0))?.count).to.equal(2);
    expect(want.producers.get(ltc.address(1))?.count).to.equal(18);
  });

  it('takes back the blocks a reorganisation removed from their producer', async () => {
    const c = await ltc.rpc<string>(2, 'getnewaddress');
    await ltc.partition(2);
    await ltc.rpc(2, 'generatetoaddress', [2, c]);
    const row = (id: string): Instance | undefined => nb.bridge.tree.find(CONS)?.list('validator').find((v) => v.keys[0] === id);
    await until('the bridge follows n2\'s branch, C leads with 2 blocks', () => nb.bridge.tree.find(CONS)?.get('leader') === c && row(c)?.get('proposedBlocks') === 2);
    await ltc.mine(0, 4);
    await ltc.heal(2);
    const want = await checkAgainstChain();
    expect(want.producers.has(c), 'C is on no block of the best chain').to.equal(false);
    expect(Number(nb.bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'ledger', keys: ['main'] }])?.get('reorgCount'))).to.be.at.least(1);
  });
});
