/** The embedded demonstration (bcmgmt serve with no configuration): two chains, live cross-chain and contract state on first run. */
import { expect } from 'chai';
import * as fs from 'node:fs';
import { createContractManager } from '../../src/contract';
import { createCrossChainManager } from '../../src/crosschain';
import { startDemo } from '../../src/devchain/demo';
import type { Demo } from '../../src/devchain/demo';
import { WORKLOAD_SELECTORS } from '../../src/devchain';
import { validateDocument } from '../../src/config/document';
import type { ConfigObject } from '../../src/config/document';
import { checkReferences } from '../../src/config/references';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { until } from '../support/wait';

describe('embedded demo: two dev chains and a cross-chain channel', function () {
  this.timeout(120_000);
  let demo: Demo;
  let tb: TestBridge;
  const find = (net: string, cls: string, key: string): Instance | undefined => tb.bridge.tree.find([{ cls: 'network', keys: [net] }, { cls, keys: [key] }]);

  before(async () => {
    demo = await startDemo({ blockIntervalMs: [300, 400], messageIntervalMs: 500, pollInterval: 1 });
    tb = await startBridge(demo.doc, { importConfig: true, setup: (b) => { b.addView(createContractManager(b)); b.addView(createCrossChainManager(b)); } });
  });
  after(async () => {
    await tb?.cleanup();
    await demo?.stop();
  });

  it('returns a valid document naming both networks, the contracts and the channel', () => {
    const doc = validateDocument(demo.doc);
    checkReferences(doc);
    const nets = doc.networks as ConfigObject[];
    expect(nets.map((n) => n.name)).to.deep.equal(['devnet-a', 'devnet-b']);
    expect((nets[0].contracts as ConfigObject[]).map((c) => c.name)).to.deep.equal(['workload', 'sender']);
    expect((nets[1].contracts as ConfigObject[]).map((c) => c.name)).to.deep.equal(['receiver']);
    expect((nets[0].crossChainChannels as ConfigObject[])[0]).to.include({ name: 'a-to-b', counterparty: 'devnet-b', sourceContract: demo.contracts.sender, destContract: demo.contracts.receiver });
    expect(demo.chains.a.chainId).to.equal(1337);
    expect(demo.chains.b.chainId).to.equal(1338);
    expect(demo.banner).to.match(/devnet-a at http:\/\/127\.0\.0\.1:\d+ \(chain id 1337/).and.match(/devnet-b .*chain id 1338/).and.match(/a-to-b/);
  });

  it('has live cross-chain state on first run', async () => {
    const ch = await until('messages relayed', () => {
      const c = find('devnet-a', 'crossChainChannel', 'a-to-b');
      return c && Number(c.get('received')) >= 2 && c.get('state') === 'open' ? c : undefined;
    }, 60_000);
    expect(ch.get('relayerState')).to.equal('alive');
    expect(Number(ch.get('sent'))).to.be.at.least(2);
    expect(demo.relayer.stats().delivered).to.be.at.least(2);
  });

  it('names the configured contracts and their methods from the ABI files', async () => {
    const rec = WORKLOAD_SELECTORS['record(uint256)'];
    const m = await until('workload calls named', () => find('devnet-a', 'contract', demo.contracts.workload)?.child('contractMethod', [rec]));
    expect(m.get('name')).to.equal('record(uint256)');
    expect(find('devnet-a', 'contract', demo.contracts.workload)!.get('name')).to.equal('workload');
    const s = await until('Sender.send named', () => find('devnet-a', 'contract', demo.contracts.sender)?.child('contractMethod', ['0xc89acc86']));
    expect(s.get('name')).to.equal('send(address,bytes)');
    const r = await until('Receiver.deliver named', () => find('devnet-b', 'contract', demo.contracts.receiver)?.child('contractMethod', ['0x1125cd46']));
    expect(r.get('name')).to.equal('deliver(bytes32,uint256,address,bytes)');
    expect(find('devnet-b', 'contract', demo.contracts.receiver)!.get('lifecycleState')).to.equal('deployed');
  });

  it('stops everything it started and removes its ABI files', async () => {
    const abi = String(((demo.doc.networks as ConfigObject[])[0].contracts as ConfigObject[])[0].abi);
    expect(fs.existsSync(abi)).to.equal(true);
    await tb.stop();
    await demo.stop();
    expect(fs.existsSync(abi)).to.equal(false);
    expect(demo.relayer.state).to.equal('stopped');
    await demo.stop(); // idempotent
  });
});
