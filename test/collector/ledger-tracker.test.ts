import { expect } from 'chai';
import type { BlockSummary, ChainAdapter } from '../../src/chains/adapter';
import { LedgerTracker, MAX_BLOCKS_PER_CYCLE } from '../../src/collector/ledger-tracker';
import type { ReorgInfo } from '../../src/collector/ledger-tracker';

/** A scripted chain: blocks by height on the current branch; `fork` replaces blocks above a height. */
class ScriptedChain {
  blocksByHeight: BlockSummary[] = [];
  calls = 0;
  constructor(n: number, private tag = 'a') { for (let i = 0; i <= n; i++) this.push(); }
  push(tx = 1, producer = 'p1'): BlockSummary {
    const h = this.blocksByHeight.length;
    const b = { height: h, hash: `${this.tag}${h}`, parentHash: h ? this.blocksByHeight[h - 1].hash : '', time: 1000 + h, txCount: tx, producer };
    this.blocksByHeight.push(b);
    return b;
  }
  fork(at: number, tag: string, extra: number): void {
    this.blocksByHeight = this.blocksByHeight.slice(0, at + 1);
    this.tag = tag;
    for (let i = 0; i < extra; i++) this.push(2, 'p2');
  }
  get head(): BlockSummary { return this.blocksByHeight[this.blocksByHeight.length - 1]; }
  adapter(): ChainAdapter {
    return {
      platform: 'ethereum',
      poll: () => { throw new Error('unused'); },
      blocks: async (from: number, to: number) => { this.calls++; return this.blocksByHeight.slice(from, to + 1); },
      action: async () => undefined,
      stats: () => ({ calls: 0, errors: 0, lastLatencyMs: 0 }),
      close: async () => undefined,
    };
  }
}

describe('ledger tracker', () => {
  it('starts at the head without scanning history, then counts each new block once', async () => {
    const chain = new ScriptedChain(1000);
    const seen: number[] = [];
    const t = new LedgerTracker(10, { block: (b) => seen.push(b.height), reorg: () => undefined });
    await t.advance(chain.adapter(), chain.head);
    expect(chain.calls).to.equal(0);
    expect(seen).to.deep.equal([]);
    for (let i = 0; i < 5; i++) chain.push(3);
    await t.advance(chain.adapter(), chain.head);
    expect(seen).to.deep.equal([1001, 1002, 1003, 1004, 1005]);
    expect(t.observedBlocks).to.equal(5n);
    expect(t.observedTransactions).to.equal(15n);
  });

  it('bounds the blocks fetched per cycle and catches up over cycles', async () => {
    const chain = new ScriptedChain(10);
    const t = new LedgerTracker(10, { block: () => undefined, reorg: () => undefined });
    await t.advance(chain.adapter(), chain.head);
    for (let i = 0; i < 100; i++) chain.push();
    await t.advance(chain.adapter(), chain.head);
    expect(t.lastHeight).to.equal(10 + MAX_BLOCKS_PER_CYCLE);
    while (t.lastHeight! < chain.head.height) await t.advance(chain.adapter(), chain.head);
    expect(t.observedBlocks).to.equal(100n);
  });

  it('detects a reorganisation, its depth and old and new heads', async () => {
    const chain = new ScriptedChain(20);
    const reorgs: ReorgInfo[] = [];
    const t = new LedgerTracker(50, { block: () => undefined, reorg: (r) => reorgs.push(r) });
    await t.advance(chain.adapter(), chain.head);
    chain.push(); chain.push();
    await t.advance(chain.adapter(), chain.head); // at 22 on branch a
    chain.fork(19, 'b', 4); // replaces 20..22, new head 23
    await t.advance(chain.adapter(), chain.head);
    expect(reorgs).to.have.length(1);
    expect(reorgs[0]).to.include({ depth: 3, oldHead: 'a22', newHead: 'b23', height: 23, deeperThanWindow: false });
    expect(t.reorgCount).to.equal(1n);
    expect(t.hashAt(20)).to.equal('b20');
  });

  it('detects a same-height replacement of the head', async () => {
    const chain = new ScriptedChain(5);
    const reorgs: ReorgInfo[] = [];
    const t = new LedgerTracker(50, { block: () => undefined, reorg: (r) => reorgs.push(r) });
    await t.advance(chain.adapter(), chain.head);
    chain.fork(4, 'c', 1);
    await t.advance(chain.adapter(), chain.head);
    expect(reorgs.map((r) => r.depth)).to.deep.equal([1]);
    expect(t.headHash).to.equal('c5');
  });

  it('keeps block producers over a sliding window', async () => {
    const chain = new ScriptedChain(0);
    const t = new LedgerTracker(4, { block: () => undefined, reorg: () => undefined });
    await t.advance(chain.adapter(), chain.head);
    for (const p of ['x', 'y', 'x', 'x', 'z', 'z']) chain.push(0, p);
    await t.advance(chain.adapter(), chain.head);
    expect(t.windowBlocks).to.equal(4);
    expect(Object.fromEntries([...t.producers].map(([k, v]) => [k, v.count]))).to.deep.equal({ x: 2, z: 2 });
    expect(t.leaderChanges).to.equal(4n);
  });
});
