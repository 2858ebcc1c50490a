import { expect } from 'chai';
import type { BlockSummary, ChainAdapter } from '../../src/chains/adapter';
import { BlockCache } from '../../src/collector/block-cache';
import { LedgerTracker, MAX_BLOCKS_PER_CYCLE } from '../../src/collector/ledger-tracker';
import type { ReorgInfo } from '../../src/collector/ledger-tracker';
import { NodeBranches } from '../../src/collector/node-branches';

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
    // 20 was the first head seen (never counted as a new block): of the 3 replaced, 21 and 22 were counted, 1 transaction each.
    expect(reorgs[0]).to.include({ removedBlocks: 2, removedTransactions: 2 });
    expect(t.observedBlocks).to.equal(2n + 4n);
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

  it('serves a node its own chain from the cache by parent hashes, and asks the node only for what is missing', async () => {
    const a = new ScriptedChain(30);
    const b = new ScriptedChain(30);
    b.fork(25, 'b', 3); // b: a0..a25, b26..b28
    const cache = new BlockCache();
    for (const x of a.blocksByHeight) cache.add(x);
    expect(cache.chain(a.head, 26, 30)?.map((x) => x.hash)).to.deep.equal(['a26', 'a27', 'a28', 'a29', 'a30']);
    expect(cache.chain(b.head, 24, 28)).to.equal(undefined); // b's blocks are not cached yet
    const src = cache.source(b.adapter(), b.head);
    expect((await src.blocks(24, 28)).map((x) => x.hash)).to.deep.equal(['a24', 'a25', 'b26', 'b27', 'b28']);
    expect(b.calls).to.equal(1);
    expect((await src.blocks(20, 28)).map((x) => x.hash)).to.deep.equal(['a20', 'a21', 'a22', 'a23', 'a24', 'a25', 'b26', 'b27', 'b28']);
    expect(b.calls).to.equal(1);
    const small = new BlockCache(3);
    for (const x of a.blocksByHeight) small.add(x);
    expect(small.size).to.equal(3);
  });

  it('counts each node\'s own reorganisations with their depth, without fetching what another node fetched', async () => {
    const best = new ScriptedChain(100);
    const cache = new BlockCache();
    const branches = new NodeBranches(cache);
    for (const x of best.blocksByHeight.slice(90)) cache.add(x);
    // n2 is partitioned at 100 and mines 2 blocks of its own; the others go on to 104.
    const lone = new ScriptedChain(100);
    await branches.follow('n2', lone.adapter(), lone.head);
    lone.fork(100, 'x', 2);
    await branches.follow('n2', lone.adapter(), lone.head);
    for (let i = 0; i < 4; i++) cache.add(best.push());
    await branches.follow('n1', best.adapter(), best.head);
    expect(best.calls).to.equal(0);
    // n2 rejoins: its head is now the others' 104; it replaced x101, x102.
    await branches.follow('n2', best.adapter(), best.head);
    expect(best.calls).to.equal(0);
    expect(branches.reorgs('n2')).to.deep.include({ reorgCount: 1n, lastReorgDepth: 2 });
    expect(branches.reorgs('n1')).to.deep.include({ reorgCount: 0n });
    expect(branches.reorgs('n0')).to.equal(undefined);
  });

  it('follows a node catching up far ahead with one block fetched, and still counts a reorganisation across such a jump', async () => {
    const cache = new BlockCache();
    const branches = new NodeBranches(cache);
    const syncing = new ScriptedChain(10);
    await branches.follow('n1', syncing.adapter(), syncing.head);
    for (let i = 0; i < 500; i++) syncing.push();
    await branches.follow('n1', syncing.adapter(), syncing.head);
    expect(syncing.calls).to.equal(1); // the block at its old head's height, not 500 blocks
    expect(branches.reorgs('n1')).to.deep.include({ reorgCount: 0n });
    syncing.fork(505, 'z', 100); // 506..510 replaced, and 95 more blocks on top
    await branches.follow('n1', syncing.adapter(), syncing.head);
    expect(branches.reorgs('n1')).to.deep.include({ reorgCount: 1n });
  });
});
