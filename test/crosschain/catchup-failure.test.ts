/**
 * A catch-up that fails does not lose messages (issue 12, item 14): deliveries made while the bridge was
 * down are caught up with eth_getLogs at restart; the counterparty's node (behind a proxy) fails every
 * eth_getLogs for a while, so the catch-up fails at every new block; once the node answers again, the
 * channel's counts equal the chains' (Sender.nonce() sent, Receiver.count() received, nothing pending).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { RECEIVED_EVENT, RECEIVER_BYTECODE, RECEIVER_SELECTORS, Relayer, SENDER_BYTECODE, SENDER_SELECTORS, SENT_EVENT, createCrossChainManager, encodeSend, utf8Hex } from '../../src/crosschain';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { deploy } from '../../src/devchain/demo';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { rpcProxy } from '../support/rpc-proxy';
import type { RpcProxy } from '../support/rpc-proxy';
import { sleep, until } from '../support/wait';

describe('cross-chain catch-up that fails, then recovers', function () {
  this.timeout(120_000);
  let a: DevChain;
  let b: DevChain;
  let proxy: RpcProxy;
  let sender: string;
  let receiver: string;
  let relayer: Relayer | undefined;
  let tb: TestBridge | undefined;
  let dataDir = '';
  const records: string[] = [];

  const channel = (): Instance | undefined => tb?.bridge.tree.find([{ cls: 'network', keys: ['dev-a'] }, { cls: 'crossChainChannel', keys: ['ab'] }]);
  const v = (attr: string): unknown => channel()?.get(attr);
  const word = async (c: DevChain, to: string, data: string): Promise<bigint> => BigInt(await c.request('eth_call', [{ to, data }, 'latest']) as string);
  const setup = (br: Bridge): void => {
    br.addView(createCrossChainManager(br, { codeCheckMs: 300 }));
    br.on('record', (r) => { if (r.component === 'crosschain') records.push(r.message); });
  };
  const tracking = (net: string): boolean => {
    const l = tb?.bridge.tree.find([{ cls: 'network', keys: [net] }, { cls: 'ledger', keys: ['main'] }]);
    return l !== undefined && Number(l.get('observedBlocks') ?? 0) > 0;
  };
  const send = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      await a.request('eth_sendTransaction', [{ from: a.accounts[1].address, to: sender, gas: '0x30d40', data: encodeSend(a.accounts[2].address, utf8Hex(`m${i}`)) }]);
    }
  };

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-xc-fail-'));
    a = await startDevChain({ chainId: 1337, blockIntervalMs: 250, workload: false });
    b = await startDevChain({ chainId: 1338, blockIntervalMs: 250, workload: false });
    proxy = await rpcProxy(b.url);
    sender = await deploy(a, SENDER_BYTECODE);
    receiver = await deploy(b, RECEIVER_BYTECODE);
  });
  after(async () => {
    await relayer?.stop();
    await tb?.cleanup();
    await proxy?.close();
    await a?.stop();
    await b?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts the deliveries made while it was down once the node answers eth_getLogs again', async () => {
    const doc: ConfigObject = {
      networks: [
        { name: 'dev-a', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: a.url }],
          crossChainChannels: [{ name: 'ab', counterparty: 'dev-b', sourceContract: sender, destContract: receiver, sentEvent: SENT_EVENT, receivedEvent: RECEIVED_EVENT }] },
        { name: 'dev-b', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: proxy.url }] },
      ],
    };
    tb = await startBridge(doc, { dataDir, setup });
    await until('both ledgers tracked', () => tracking('dev-a') && tracking('dev-b'));
    await send(3);
    await until('3 pending', () => v('pending') === 3n && v('sent') === 3n, 30_000);
    await tb.stop();

    // While the bridge is down the relayer delivers them.
    relayer = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 100, fromBlock: 0 });
    await until('3 delivered', async () => (await word(b, receiver, RECEIVER_SELECTORS['count()'])) === 3n, 30_000);

    proxy.failing.add('eth_getLogs');
    tb = await startBridge(undefined, { dataDir, setup });
    await until('a failed catch-up reported', () => records.some((m) => /catching up blocks \d+\.\.\d+ of network dev-b failed/.test(m)), 30_000);
    const failedCalls = proxy.count('eth_getLogs');
    await until('the catch-up retried at later blocks', () => proxy.count('eth_getLogs') >= failedCalls + 3, 30_000);
    expect(v('received')).to.equal(0n);
    expect(v('pending')).to.equal(3n);

    proxy.failing.delete('eth_getLogs');
    await until('caught up', () => v('pending') === 0n, 30_000);
    await sleep(1000);
    expect(v('sent')).to.equal(await word(a, sender, SENDER_SELECTORS['nonce()']));
    expect(v('received')).to.equal(await word(b, receiver, RECEIVER_SELECTORS['count()']));
    expect(v('received')).to.equal(3n);
    expect(v('pending')).to.equal(0n);
  });
});
