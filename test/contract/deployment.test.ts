/**
 * A configured contract deployed before the bridge ever started gets its deployer, deploy block and
 * deploying transaction (issue 12, item 29): found by a binary search over heights with eth_getCode
 * (counted at a proxy in front of the node: at most ceil(log2(head + 1)) + 1 calls at past heights), then
 * the block's receipts; equal to the deployment receipt. The search is not repeated after a restart. A
 * contract created by another contract (in its constructor) gets its block, and no deployer nor
 * transaction (no receipt names them), with a log record saying so.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { createContractManager, keccakHex } from '../../src/contract';
import { firstHeightWithCode } from '../../src/contract/deployment';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { WORKLOAD_BYTECODE } from '../../src/devchain/workload-contract';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { rpcProxy } from '../support/rpc-proxy';
import type { RpcProxy } from '../support/rpc-proxy';
import { sleep, until } from '../support/wait';

interface Receipt { blockNumber: string; contractAddress: string; from: string; transactionHash: string; status: string }

/** Creation code of a one-octet contract (code 0xfe): PUSH1 0xfe PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 RETURN. */
const CHILD_INIT = '60fe60005360016000f3';
/** A factory whose constructor CREATEs the child from CHILD_INIT, then returns the same one-octet code. */
const FACTORY_INIT = '0x69' + CHILD_INIT + '600052' + '600a60166000f0' + CHILD_INIT;

/** Address of the contract an account or contract creates with nonce 1 (RLP [address, 1]). */
function createdAddress(creator: string): string {
  return '0x' + keccakHex('0xd694' + creator.slice(2) + '01').slice(-40);
}

describe('deployment of a configured contract deployed before the bridge started', function () {
  this.timeout(120_000);
  let chain: DevChain;
  let proxy: RpcProxy;
  let tb: TestBridge | undefined;
  let dataDir = '';
  let receipt: Receipt;
  let factory: Receipt;
  let child = '';
  const records: string[] = [];
  const setup = (b: Bridge): void => {
    b.addView(createContractManager(b));
    b.on('record', (r) => { if (r.component === 'contract') records.push(r.message); });
  };
  const row = (address = receipt.contractAddress.toLowerCase()): Instance | undefined => tb?.bridge.tree.find([{ cls: 'network', keys: ['dev'] }, { cls: 'contract', keys: [address] }]);
  const mine = async (n: number): Promise<void> => { for (let i = 0; i < n; i++) await chain.request('evm_mine', []); };
  const pastCodeCalls = (): number => proxy.count('eth_getCode', (p) => p[1] !== 'latest' && p[0] === receipt.contractAddress.toLowerCase());

  before(async () => {
    // Blocks on demand while the chain is built (EDR does not take evm_mine during interval mining), then every 250 ms.
    chain = await startDevChain({ blockIntervalMs: 0, workload: false });
    proxy = await rpcProxy(chain.url);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-ctr-deploy-'));
    await mine(300); // blocks before the deployment
    const h = await chain.request('eth_sendTransaction', [{ from: chain.accounts[3].address, data: WORKLOAD_BYTECODE, gas: '0xf4240' }]) as string;
    await mine(1);
    receipt = await until('the deployment receipt', async () => (await chain.request('eth_getTransactionReceipt', [h])) as Receipt | null ?? undefined, 20_000, 50);
    await mine(200);
    const f = await chain.request('eth_sendTransaction', [{ from: chain.accounts[4].address, data: FACTORY_INIT, gas: '0x30d40' }]) as string;
    await mine(1);
    factory = await chain.request('eth_getTransactionReceipt', [f]) as Receipt;
    expect(factory.status).to.equal('0x1');
    child = createdAddress(factory.contractAddress.toLowerCase());
    expect(await chain.request('eth_getCode', [child, 'latest'])).to.equal('0xfe');
    await mine(500); // and after
    await chain.request('evm_setIntervalMining', [250]);
  });
  after(async () => {
    await tb?.cleanup();
    await proxy?.close();
    await chain?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the lowest height with code by bisection', async () => {
    for (const [head, first] of [[0, 0], [1, 0], [1, 1], [1000, 0], [1000, 1000], [1000, 301], [1023, 512]]) {
      let calls = 0;
      const got = await firstHeightWithCode(head, async (h) => { calls++; return h >= first; });
      expect(got, `head ${head}, first ${first}`).to.equal(first);
      expect(calls).to.be.at.most(Math.ceil(Math.log2(head + 1)));
    }
  });

  it('gives the columns of the deployment receipt, with O(log n) eth_getCode calls', async () => {
    const address = receipt.contractAddress.toLowerCase();
    const doc: ConfigObject = { networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: proxy.url }], contracts: [{ address, name: 'early' }, { address: child, name: 'child' }] }] };
    tb = await startBridge(doc, { dataDir, setup });
    const c = await until('the deployment found', () => (row()?.get('deployBlock') !== undefined ? row() : undefined), 30_000);
    expect(c.get('deployBlock')).to.equal(BigInt(receipt.blockNumber));
    expect(c.get('deployer')).to.equal(receipt.from.toLowerCase());
    expect(c.get('deployTx')).to.equal(receipt.transactionHash.toLowerCase());
    expect(c.get('source')).to.equal('configured');
    const head = Number(BigInt(await chain.request('eth_blockNumber') as string));
    const calls = pastCodeCalls();
    expect(head).to.be.greaterThan(1000);
    expect(calls, 'eth_getCode calls at past heights').to.be.at.least(Math.floor(Math.log2(head)) - 1);
    expect(calls, 'eth_getCode calls at past heights').to.be.at.most(Math.ceil(Math.log2(head + 1)) + 1);
    expect(records.join('\n')).to.match(new RegExp(`contract early was deployed in block ${Number(BigInt(receipt.blockNumber))} by ${receipt.from.toLowerCase()}`));
  });

  it('gives only the block of a contract created by another contract, and says why', async () => {
    const c = await until('the child\'s block found', () => (row(child)?.get('deployBlock') !== undefined ? row(child) : undefined), 30_000);
    expect(c.get('deployBlock')).to.equal(BigInt(factory.blockNumber));
    expect(c.get('deployer')).to.equal(undefined);
    expect(c.get('deployTx')).to.equal(undefined);
    expect(records.join('\n')).to.match(new RegExp(`contract child appeared in block ${Number(BigInt(factory.blockNumber))}, created by another contract: no receipt names its deployer or transaction`));
  });

  it('keeps them over a restart without searching again', async () => {
    const calls = pastCodeCalls();
    await tb!.stop();
    tb = await startBridge(undefined, { dataDir, setup });
    expect(row()?.get('deployBlock')).to.equal(BigInt(receipt.blockNumber));
    expect(row()?.get('deployTx')).to.equal(receipt.transactionHash.toLowerCase());
    await until('the contract checked again', () => row()?.get('lifecycleState') === 'deployed', 20_000);
    await sleep(1000);
    expect(pastCodeCalls()).to.equal(calls);
  });
});
