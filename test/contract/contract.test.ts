/**
 * Contract management on a real in-process chain: a contract deployed while the bridge watches is
 * discovered with its deployment facts; calls, reverts, per-method counts, mean gas, events and balance
 * agree exactly with what the test sent and what the chain says; configuration names it and its methods.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Bridge } from '../../src/bridge';
import { activityFeed, createContractManager } from '../../src/contract';
import type { ContractManager } from '../../src/contract';
import { WORKLOAD_ABI, WORKLOAD_SELECTORS, startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { WORKLOAD_BYTECODE } from '../../src/devchain/workload-contract';
import type { ConfigObject } from '../../src/config/document';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { sleep, until } from '../support/wait';

const GHOST = '0x00000000000000000000000000000000deadbeef';

interface Receipt { status: string; blockNumber: string; gasUsed: string; contractAddress: string | null; logs: unknown[] }

function hex(n: number | bigint): string { return '0x' + n.toString(16); }
function word(n: number): string { return n.toString(16).padStart(64, '0'); }

describe('contract management on a dev chain', function () {
  this.timeout(120_000);
  let chain: DevChain;
  let tb: TestBridge;
  let mgr: ContractManager;
  let abiDir: string;
  let contract: string;
  let deployTx: string;
  const sent: { hash: string; selector: string | undefined; expectFail: boolean; value: bigint }[] = [];
  const net = (): Instance => tb.bridge.tree.find([{ cls: 'network', keys: ['dev'] }])!;
  const row = (a: string): Instance | undefined => net().child('contract', [a]);
  const doc = (contracts: ConfigObject[]): ConfigObject => ({
    networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: chain.url }], contracts }],
  });

  const receipt = (h: string): Promise<Receipt> => until(`receipt of ${h}`, async () => (await chain.request('eth_getTransactionReceipt', [h])) as Receipt | null ?? undefined, 20_000, 100);

  before(async () => {
    chain = await startDevChain({ blockIntervalMs: 300, workload: false });
    abiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-ctr-'));
    fs.writeFileSync(path.join(abiDir, 'workload.json'), WORKLOAD_ABI);
    tb = await startBridge(doc([{ address: GHOST, name: 'ghost' }]), {
      setup: (b: Bridge) => { mgr = createContractManager(b); b.addView(mgr); },
    });
    // The bridge follows the chain from its first head on: deploy after that.
    await until('the ledger to be tracked', () => net().child('ledger', ['main'])?.get('observedBlocks') !== undefined && Number(net().child('ledger', ['main'])!.get('observedBlocks')) > 0);
  });
  after(async () => {
    await tb?.cleanup();
    await chain?.stop();
    if (abiDir) fs.rmSync(abiDir, { recursive: true, force: true });
  });

  it('marks a configured address without code codeGone, with its configured name', async () => {
    const g = await until('the configured contract checked', () => { const r = row(GHOST); return r?.get('lifecycleState') === 'codeGone' ? r : undefined; });
    expect(g.get('name')).to.equal('ghost');
    expect(g.get('source')).to.equal('configured');
    expect(g.get('codeSize')).to.equal(0);
    expect(g.get('balance')).to.equal('0');
    expect(g.get('calls')).to.equal(0n);
  });

  it('discovers a deployment and counts calls, reverts, methods, gas and events exactly', async () => {
    const [a0, a1, a2] = chain.accounts.map((a) => a.address);
    deployTx = await chain.request('eth_sendTransaction', [{ from: a0, data: WORKLOAD_BYTECODE, gas: hex(1_000_000) }]) as string;
    const dr = await receipt(deployTx);
    expect(dr.status).to.equal('0x1');
    contract = dr.contractAddress!.toLowerCase();
    const send = async (from: string, selector: string | undefined, args: string, expectFail: boolean, value = 0n): Promise<void> => {
      const hash = await chain.request('eth_sendTransaction', [{ from, to: contract, data: (selector ?? '0x') + args, gas: hex(150_000), value: hex(value) }]) as string;
      sent.push({ hash, selector, expectFail, value });
    };
    const REC = WORKLOAD_SELECTORS['record(uint256)'];
    const FAIL = WORKLOAD_SELECTORS['fail()'];
    for (let i = 1; i <= 12; i++) await send(i % 2 ? a1 : a2, REC, word(i), false, BigInt(i) * 1000n); // N = 12 good calls, paying in
    for (let i = 0; i < 3; i++) await send(a1, REC, word(0), true, 7n); // record(0) reverts (ZeroAmount)
    for (let i = 0; i < 2; i++) await send(a2, FAIL, '', true); // fail() reverts
    await send(a1, undefined, '', true); // no method: the contract has no fallback
    const receipts = await Promise.all(sent.map((s) => receipt(s.hash)));
    receipts.forEach((r, i) => expect(r.status, `tx ${i}`).to.equal(sent[i].expectFail ? '0x0' : '0x1'));

    const c = await until('all calls counted', () => { const r = row(contract); return r && r.get('calls') === BigInt(sent.length) ? r : undefined; }, 30_000);
    await sleep(1500); // a few more blocks: nothing is counted twice
    expect(c.get('source')).to.equal('discovered');
    expect(c.get('calls')).to.equal(18n);
    expect(c.get('failedCalls')).to.equal(6n);
    expect(c.get('events')).to.equal(12n); // one Recorded per successful record()
    expect(c.get('deployer')).to.equal(a0);
    expect(c.get('deployTx')).to.equal(deployTx);
    expect(c.get('deployBlock')).to.equal(BigInt(dr.blockNumber));
    const lastBlock = Math.max(...receipts.map((r) => Number(BigInt(r.blockNumber))));
    expect(c.get('lastActivityBlock')).to.equal(BigInt(lastBlock));
    const lb = await chain.request('eth_getBlockByNumber', [hex(lastBlock), false]) as { timestamp: string };
    expect(c.get('lastActivityTime')).to.equal(Number(BigInt(lb.timestamp)) * 1000);

    const rec = c.child('contractMethod', [REC])!;
    const fail = c.child('contractMethod', [FAIL])!;
    expect(c.list('contractMethod').map((m) => m.keys[0])).to.deep.equal([REC, FAIL].sort());
    expect(rec.get('calls')).to.equal(15n);
    expect(rec.get('failures')).to.equal(3n);
    expect(fail.get('calls')).to.equal(2n);
    expect(fail.get('failures')).to.equal(2n);
    expect(rec.get('name')).to.equal(''); // no ABI configured yet
    const gasOf = (sel: string): bigint => {
      const g = sent.map((s, i) => (s.selector === sel ? BigInt(receipts[i].gasUsed) : -1n)).filter((x) => x >= 0n);
      return g.reduce((x, y) => x + y, 0n) / BigInt(g.length);
    };
    expect(rec.get('meanGas')).to.equal(gasOf(REC));
    expect(fail.get('meanGas')).to.equal(gasOf(FAIL));
  });

  it('has the deployed code hash and size, and the balance the chain reports', async () => {
    const code = await chain.request('eth_getCode', [contract, 'latest']) as string;
    const proof = await chain.request('eth_getProof', [contract, [], 'latest']) as { codeHash: string };
    const balance = BigInt(await chain.request('eth_getBalance', [contract, 'latest']) as string);
    expect(balance).to.equal(sent.filter((s) => !s.expectFail).reduce((x, s) => x + s.value, 0n));
    const c = await until('the balance checked', () => { const r = row(contract); return r?.get('balance') === balance.toString() ? r : undefined; });
    expect(c.get('lifecycleState')).to.equal('deployed');
    expect(c.get('codeHash')).to.equal(proof.codeHash.toLowerCase());
    expect(c.get('codeSize')).to.equal((code.length - 2) / 2);
  });

  it('names the contract and its methods once configured with an ABI, keeping the counts', async () => {
    const abi = path.join(abiDir, 'workload.json');
    tb.bridge.commit(doc([{ address: GHOST, name: 'ghost' }, { address: contract, name: 'workload', abi }]), { user: 'test', source: 'file' });
    const c = row(contract)!;
    expect(c.get('source')).to.equal('configured');
    expect(c.get('name')).to.equal('workload');
    expect(c.get('calls')).to.equal(18n);
    expect(c.get('deployTx')).to.equal(deployTx);
    expect(c.child('contractMethod', [WORKLOAD_SELECTORS['record(uint256)']])!.get('name')).to.equal('record(uint256)');
    expect(c.child('contractMethod', [WORKLOAD_SELECTORS['fail()']])!.get('name')).to.equal('fail()');
    // Dropped from the configuration: still known (its deployment was seen), discovered again; the ghost goes.
    tb.bridge.commit(doc([]), { user: 'test', source: 'file' });
    expect(row(contract)!.get('source')).to.equal('discovered');
    expect(row(contract)!.get('name')).to.equal(undefined);
    expect(row(GHOST)).to.equal(undefined);
    expect(mgr.networks.get('dev')!.inventory.size).to.equal(1);
  });

  it('sees the code disappear (deployed → codeGone) without a transaction to the contract', async () => {
    const notices: string[] = [];
    tb.bridge.on('record', (r) => { if (r.component === 'contract') notices.push(r.message); });
    expect(row(contract)!.get('lifecycleState')).to.equal('deployed');
    await chain.request('hardhat_setCode', [contract, '0x']);
    const c = await until('code gone', () => { const r = row(contract); return r?.get('lifecycleState') === 'codeGone' ? r : undefined; }, 20_000);
    expect(c.get('codeSize')).to.equal(0);
    expect(c.get('calls')).to.equal(18n);
    expect(notices.join('\n')).to.match(new RegExp(`${contract} has no code any more`));
  });

  it('fetched every block it was told of', () => {
    expect([...tb.bridge.collector.networks.keys()]).to.deep.equal(['dev']);
    // No block's activity was lost (the shared feed counts the ones it could not fetch).
    expect(activityFeed(tb.bridge).lost.get('dev') ?? 0).to.equal(0);
  });
});
