/** The Ethereum adapter's block activity against scripted nodes: eth_getBlockReceipts when present, per-transaction receipts otherwise. */
import { expect } from 'chai';
import { EthereumAdapter } from '../../src/chains/ethereum';
import { fakeNode } from '../support/devchain';
import type { FakeAnswer, FakeNode } from '../support/devchain';

const H = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
const A = (n: number): string => '0x' + n.toString(16).padStart(40, '0');
const BLOCK = H(0xb10c);

const txs = [
  { hash: H(1), from: A(0xA1).toUpperCase().replace('0X', '0x'), to: null, input: '0x6080' },
  { hash: H(2), from: A(0xA2), to: A(0xC0), input: '0x2c16cd8a' + '0'.repeat(64) },
  { hash: H(3), from: A(0xA2), to: A(0xC0), input: '0x' },
];
const receipts = [
  { transactionHash: H(1), blockHash: BLOCK, status: '0x1', gasUsed: '0x5208', contractAddress: A(0xC0), logs: [] },
  { transactionHash: H(2), blockHash: BLOCK, status: '0x0', gasUsed: '0x100', contractAddress: null, logs: [] },
  { transactionHash: H(3), blockHash: BLOCK, gasUsed: '0x10', contractAddress: null, logs: [{ address: A(0xC0), topics: [H(0xE), H(7)], data: '0x' }] },
];
const block = { number: '0x2a', hash: BLOCK, parentHash: H(0x41), timestamp: '0x64', transactions: txs };

function node(withBlockReceipts: boolean, wrongHash = false): Promise<FakeNode> {
  const m: Record<string, (p: unknown[]) => FakeAnswer> = {
    eth_getBlockByHash: (p) => ({ result: p[0] === BLOCK && p[1] === true ? block : null }),
    eth_getTransactionReceipt: (p) => {
      const r = receipts.find((x) => x.transactionHash === p[0]);
      return { result: r && wrongHash ? { ...r, blockHash: H(0xbad) } : r ?? null };
    },
    eth_getCode: () => ({ result: '0x6001' }),
    eth_getBalance: () => ({ result: '0xde0b6b3a7640000' }),
    eth_getLogs: () => ({ result: [{ address: A(0xC0), topics: [H(0xE), H(9)], blockNumber: '0x2a', blockHash: BLOCK, transactionHash: H(3) }, { removed: true, address: A(0xC0), topics: [], blockNumber: '0x2a', blockHash: BLOCK, transactionHash: H(3) }] }),
  };
  if (withBlockReceipts) m.eth_getBlockReceipts = () => ({ result: receipts });
  return fakeNode(m);
}

describe('Ethereum adapter: block activity for contract management', () => {
  for (const withBlockReceipts of [true, false]) {
    it(`reads a block's transactions with their receipts (${withBlockReceipts ? 'eth_getBlockReceipts' : 'one receipt per transaction'})`, async () => {
      const n = await node(withBlockReceipts);
      const ad = new EthereumAdapter({ endpoint: n.url, timeoutMs: 2000 });
      try {
        const b = await ad.blockActivity(42, BLOCK);
        expect(b).to.include({ height: 42, hash: BLOCK, time: 100 });
        expect(b.transactions).to.deep.equal([
          { hash: H(1), from: A(0xA1), to: undefined, selector: undefined, createdContract: A(0xC0), success: true, gasUsed: 21000n, logs: [] },
          { hash: H(2), from: A(0xA2), to: A(0xC0), selector: '0x2c16cd8a', createdContract: undefined, success: false, gasUsed: 256n, logs: [] },
          { hash: H(3), from: A(0xA2), to: A(0xC0), selector: undefined, createdContract: undefined, success: undefined, gasUsed: 16n, logs: [{ address: A(0xC0), topics: [H(0xE), H(7)] }] },
        ]);
        expect(n.count('eth_getTransactionReceipt')).to.equal(withBlockReceipts ? 0 : 3);
        expect(n.count('eth_getBlockReceipts')).to.equal(1);
        // A node without eth_getBlockReceipts is not asked again.
        await ad.blockActivity(42, BLOCK);
        expect(n.count('eth_getBlockReceipts')).to.equal(withBlockReceipts ? 2 : 1);
        expect(await ad.accountState(A(0xC0))).to.deep.equal({ code: '0x6001', balance: 10n ** 18n });
        const logs = await ad.eventLogs({ address: A(0xC0), topic0: H(0xE), fromBlock: 40, toBlock: 42 });
        expect(logs).to.deep.equal([{ address: A(0xC0), topics: [H(0xE), H(9)], blockNumber: 42, blockHash: BLOCK, txHash: H(3) }]);
        expect(n.lastParams.get('eth_getLogs')).to.deep.equal([{ address: A(0xC0), topics: [H(0xE)], fromBlock: '0x28', toBlock: '0x2a' }]);
      } finally {
        await ad.close();
        await n.close();
      }
    });
  }

  it('rejects a block replaced meanwhile, an unknown block and unbounded log queries', async () => {
    const n = await node(false, true);
    const ad = new EthereumAdapter({ endpoint: n.url, timeoutMs: 2000 });
    try {
      let err: unknown;
      await ad.blockActivity(42, BLOCK).catch((e: unknown) => { err = e; });
      expect(String(err)).to.match(/another block/);
      err = undefined;
      await ad.blockActivity(42, H(0x999)).catch((e: unknown) => { err = e; });
      expect(String(err)).to.match(/no such block/);
      err = undefined;
      await ad.eventLogs({ address: A(1), topic0: H(1), fromBlock: 0, toBlock: 10_000 }).catch((e: unknown) => { err = e; });
      expect(err).to.be.instanceOf(RangeError);
      expect(n.count('eth_getLogs')).to.equal(0);
    } finally {
      await ad.close();
      await n.close();
    }
  });
});
