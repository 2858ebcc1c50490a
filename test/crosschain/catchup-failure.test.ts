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
import { RECEIVER_SELECTORS, Relayer, SENDER_SELECTORS, createCrossChainManager } from '../../src/crosschain';
import type { DevChain } from '../../src/devchain';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { rpcProxy } from '../support/rpc-proxy';
import type { RpcProxy } from '../support/rpc-proxy';
import { sleep, until } from '../support/wait';
import { channelDoc, sendMessages, tracking, twoChains } from './two-chains';
import type { TwoChains } from './two-chains';

describe('cross-chain catch-up that fails, then recovers', function () {
  this.timeout(120_000);
  let t: TwoChains;
  let proxy: RpcProxy;
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

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-xc-fail-'));
    t = await twoChains();
    proxy = await rpcProxy(t.b.url);
  });
  after(async () => {
    await relayer?.stop();
    await tb?.cleanup();
    await proxy?.close();
    await t?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts the deliveries made while it was down once the node answers eth_getLogs again', async () => {
    const { a, b, sender, receiver } = t;
    tb = await startBridge(channelDoc(t, { bEndpoint: proxy.url }), { dataDir, setup });
    await until('both ledgers tracked', () => tracking(tb!.bridge, 'dev-a') && tracking(tb!.bridge, 'dev-b'));
    await sendMessages(t, 3);
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
