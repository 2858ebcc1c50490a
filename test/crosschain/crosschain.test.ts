/**
 * Cross-chain management on two real in-process chains: Sender on A, Receiver on B, the relayer between
 * them. 20 messages sent, 15 relayed: pending 5; the relayer paused: the backlog ages past the stuck
 * threshold, the relayer is seen stalled and the fault manager raises crossChainBacklogStuck; resumed:
 * pending 0, alive, alarm cleared. Then a restart: pending ids survive it, and deliveries made while the
 * bridge was down are caught up.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { activityFeed, createContractManager } from '../../src/contract';
import { RECEIVED_EVENT, RECEIVER_BYTECODE, Relayer, SENDER_BYTECODE, SENT_EVENT, createCrossChainManager, encodeSend, utf8Hex } from '../../src/crosschain';
import type { CrossChainManager } from '../../src/crosschain';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { deploy } from '../../src/devchain/demo';
import { createFaultManager } from '../../src/fault';
import type { FaultManager } from '../../src/fault';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { until } from '../support/wait';

const RESOURCE = 'network/dev-a/crossChainChannel/ab';
const STUCK = 2;

describe('cross-chain management on two dev chains', function () {
  this.timeout(180_000);
  let a: DevChain;
  let b: DevChain;
  let sender: string;
  let receiver: string;
  let relayer: Relayer;
  let tb: TestBridge;
  let fault: FaultManager;
  let xc: CrossChainManager;
  let dataDir = '';
  let sentCount = 0;

  const channel = (): Instance | undefined => tb.bridge.tree.find([{ cls: 'network', keys: ['dev-a'] }, { cls: 'crossChainChannel', keys: ['ab'] }]);
  const v = (attr: string): unknown => channel()?.get(attr);
  const alarm = (): { isCleared: boolean } | undefined => fault.list.all().find((x) => x.type === 'crossChainBacklogStuck' && x.resource === RESOURCE);
  const tracking = (net: string): boolean => {
    const l = tb.bridge.tree.find([{ cls: 'network', keys: [net] }, { cls: 'ledger', keys: ['main'] }]);
    return l !== undefined && Number(l.get('observedBlocks') ?? 0) > 0;
  };
  const setup = (br: Bridge): void => {
    fault = createFaultManager(br);
    xc = createCrossChainManager(br, { codeCheckMs: 300 });
    br.addView(createContractManager(br)); // shares the activity feed: one fetch per block for both
    br.addView(xc);
    br.addView(fault);
  };
  const sendMessages = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      sentCount++;
      await a.request('eth_sendTransaction', [{
        from: a.accounts[1].address, to: sender, gas: '0x30d40', data: encodeSend(a.accounts[2].address, utf8Hex(`message ${sentCount}`)),
      }]);
    }
  };

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-xc-'));
    a = await startDevChain({ chainId: 1337, blockIntervalMs: 250, workload: false });
    b = await startDevChain({ chainId: 1338, blockIntervalMs: 250, workload: false });
    sender = await deploy(a, SENDER_BYTECODE);
    receiver = await deploy(b, RECEIVER_BYTECODE);
    const doc: ConfigObject = {
      networks: [
        {
          name: 'dev-a', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: a.url }],
          contracts: [{ address: sender, name: 'sender' }],
          crossChainChannels: [{
            name: 'ab', counterparty: 'dev-b', sourceContract: sender, destContract: receiver,
            sentEvent: SENT_EVENT, receivedEvent: RECEIVED_EVENT, stuckThreshold: STUCK,
          }],
        },
        { name: 'dev-b', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: b.url }], contracts: [{ address: receiver, name: 'receiver' }] },
      ],
    };
    tb = await startBridge(doc, { dataDir, setup });
    await until('both ledgers tracked', () => tracking('dev-a') && tracking('dev-b'));
    relayer = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 200 });
  });
  after(async () => {
    await relayer?.stop();
    await tb?.cleanup();
    await a?.stop();
    await b?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the channel with its configuration, open once both contracts are seen', async () => {
    await until('channel open', () => v('state') === 'open');
    expect(v('counterparty')).to.equal('dev-b');
    expect(v('protocol')).to.equal('relay');
    expect(v('sourceContract')).to.equal(sender);
    expect(v('destContract')).to.equal(receiver);
    expect(v('sentEvent')).to.equal(SENT_EVENT);
    expect(v('stuckThreshold')).to.equal(STUCK);
    expect(v('sent')).to.equal(0n);
    expect(v('relayerState')).to.equal('unknown');
  });

  it('counts 20 sent and 15 relayed: 5 pending', async () => {
    await sendMessages(15);
    await until('15 relayed', () => v('received') === 15n && v('sent') === 15n, 30_000);
    expect(relayer.stats().delivered).to.equal(15);
    expect(v('pending')).to.equal(0n);
    expect(v('relayerState')).to.equal('alive');
    expect(v('lastRelayed')).to.be.a('number');
    expect(v('meanRelayLatency')).to.be.a('number');
    relayer.pause();
    await sendMessages(5);
    await until('20 sent', () => v('sent') === 20n, 30_000);
    expect(v('received')).to.equal(15n);
    expect(v('pending')).to.equal(5n);
    // The contract manager saw the same traffic on both chains.
    const sc = tb.bridge.tree.find([{ cls: 'network', keys: ['dev-a'] }, { cls: 'contract', keys: [sender] }])!;
    expect(sc.get('calls')).to.equal(20n);
    expect(sc.get('events')).to.equal(20n);
    const rc = tb.bridge.tree.find([{ cls: 'network', keys: ['dev-b'] }, { cls: 'contract', keys: [receiver] }])!;
    expect(rc.get('events')).to.equal(15n);
  });

  it('sees the backlog stuck with the relayer stopped: stalled, crossChainBacklogStuck raised', async () => {
    await until('oldest pending past the threshold', () => Number(v('oldestPendingAge')) > STUCK, 20_000);
    await until('relayer stalled', () => v('relayerState') === 'stalled', 5_000);
    await until('crossChainBacklogStuck raised', () => alarm()?.isCleared === false, 10_000);
    expect(v('pending')).to.equal(5n);
  });

  it('clears it once the relayer resumes: pending 0, alive', async () => {
    relayer.resume();
    await until('all relayed', () => v('pending') === 0n && v('received') === 20n, 30_000);
    expect(v('sent')).to.equal(20n);
    expect(v('oldestPendingAge')).to.equal(0);
    expect(v('relayerState')).to.equal('alive');
    await until('crossChainBacklogStuck cleared', () => alarm()?.isCleared === true, 10_000);
    expect(activityFeed(tb.bridge).lost.get('dev-a') ?? 0).to.equal(0);
    expect(activityFeed(tb.bridge).lost.get('dev-b') ?? 0).to.equal(0);
  });

  it('keeps pending ids over a restart and catches up deliveries made while it was down', async () => {
    relayer.pause();
    await sendMessages(3);
    await until('3 pending', () => v('pending') === 3n && v('sent') === 23n, 30_000);
    await tb.stop();
    // While the bridge is down: the relayer delivers them, and more blocks are mined on both chains.
    relayer.resume();
    await until('relayed while the bridge is down', () => relayer.stats().delivered === 23, 30_000);
    const h = Number(BigInt(await b.request('eth_blockNumber') as string));
    await until('B moved on', async () => Number(BigInt(await b.request('eth_blockNumber') as string)) > h + 4);
    tb = await startBridge(undefined, { dataDir, setup });
    // Straight from the database, before any block is seen.
    expect(v('sent')).to.equal(23n);
    expect(v('received')).to.equal(20n);
    expect(v('pending')).to.equal(3n);
    expect(xc.channels.get('dev-a\u0000ab')!.pending.size).to.equal(3);
    await until('caught up', () => v('pending') === 0n && v('received') === 23n, 30_000);
    expect(v('sent')).to.equal(23n);
  });

  it('starts the channel afresh when a chain was replaced (a dev chain restarted)', async () => {
    relayer.pause();
    await sendMessages(2);
    await until('2 pending', () => v('pending') === 2n, 30_000);
    await tb.stop();
    await relayer.stop();
    await b.stop();
    // A new chain B at the same chain id; the Receiver lands at the same address (same deployer, same nonce).
    b = await startDevChain({ chainId: 1338, blockIntervalMs: 250, workload: false });
    expect(await deploy(b, RECEIVER_BYTECODE)).to.equal(receiver);
    const doc = tb.bridge.running;
    const nets = doc.networks as ConfigObject[];
    (nets[1].nodes as ConfigObject[])[0].endpoint = b.url;
    const notices: string[] = [];
    tb = await startBridge(doc, { dataDir, importConfig: true, setup: (br) => { setup(br); br.on('record', (r) => { if (r.component === 'crosschain') notices.push(r.message); }); } });
    expect(v('pending')).to.equal(2n);
    await until('channel reset', () => v('pending') === 0n && v('sent') === 0n && v('received') === 0n, 30_000);
    expect(notices.join('\n')).to.match(/no longer on the chain/);
    relayer = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 200 });
    await sendMessages(1);
    await until('traffic counted again', () => v('sent') === 1n && v('received') === 1n, 30_000);
    expect(v('state')).to.equal('open');
  });

  it('is closed when a contract is gone', async () => {
    await b.request('hardhat_setCode', [receiver, '0x']);
    await until('channel closed', () => v('state') === 'closed', 10_000);
  });
});
